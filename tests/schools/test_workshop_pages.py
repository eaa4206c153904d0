"""The workshop's pages: the teacher opens, watches, comments and copies; pupils get the editor shell."""

from __future__ import annotations

from rallies.models import Rally, Workshop
from tests.pages.helpers import login, text


def test_the_teacher_opens_a_workshop_and_sees_drafts_comments_and_copies(client, db, teacher, school):
    from rallies import workshops

    login(client, teacher)
    opened = client.post("/teacher/workshops", data={"class_label": "7b", "topic": "Unser Viertel", "hours": 2,
                                                     "retention_days": 10})
    assert opened.status_code == 302
    workshop = db.session.scalar(db.select(Workshop))
    team, _ = workshops.join(workshop.join_code, "Füchse")
    station = workshops.add_station(team, title="Der Brunnen", body="Alt und schön.")
    workshops.add_task(station, type="text", prompt="Wie heißt er?", config={"accepted_answers": ["Marktbrunnen"]})
    db.session.commit()
    page = text(client.get(f"/teacher/workshops/{workshop.id}"))
    assert workshop.join_code in page and "Der Brunnen" in page and "Füchse" in page
    commented = client.post(f"/teacher/workshops/{workshop.id}/stations/{station.id}/comment",
                            data={"comment": "Toll!"})
    assert commented.status_code == 302 and db.session.get(type(station), station.id).teacher_comment == "Toll!"
    copied = client.post(f"/teacher/workshops/{workshop.id}/copy", data={"team_id": team.id, "title": "Viertel"})
    assert copied.status_code == 302
    rally = db.session.scalar(db.select(Rally).filter_by(title="Viertel"))
    assert rally.school_id == school.id and rally.stations[0].title == "Der Brunnen"


def test_another_schools_teacher_gets_404_and_pupils_get_the_editor_shell(client, db, teacher, school, make_user,
                                                                          make_school):
    from rallies import workshops
    import datetime as dt

    now = dt.datetime.now(dt.timezone.utc)
    workshop = workshops.open_workshop(school=school, teacher=teacher, class_label="7b", starts_at=now,
                                       ends_at=now + dt.timedelta(hours=1), max_retention_days=365,
                                       default_retention_days=30)
    db.session.commit()
    shell = client.get(f"/workshop/{workshop.join_code}")
    assert shell.status_code == 200 and "workshop/workshop.js" in text(shell)
    login(client, make_user("teacher", schools=[make_school(name="Nachbarschule")]))
    assert client.get(f"/teacher/workshops/{workshop.id}").status_code == 404
