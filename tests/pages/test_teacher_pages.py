"""The teacher's pages, driven through the Flask test client as a logged-in teacher."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
import zipfile
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest

from tests.pages.helpers import crawl, login, text
from tests.rally_factories import RIGHT_VALUES

BERLIN = ZoneInfo("Europe/Berlin")


def utc(**delta) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(**delta)


def local_input(days: int, hour: int) -> str:
    """What a `datetime-local` input sends for `hour`:00 Berlin time, `days` from today."""
    day = dt.datetime.now(BERLIN).date() + dt.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def jpeg(colour: str = "red") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def play_answer(team, task_id, value):
    from rallies import play

    item = {"id": str(uuid.uuid4()), "task_id": task_id, "value": value, "answered_at": utc().isoformat()}
    return play.submit_answers(team, [item], policy=play.PlayPolicy())["results"][0]


def run_count(db) -> int:
    from rallies.models import ClassRun

    return db.session.scalar(db.select(db.func.count(ClassRun.id)))


@pytest.fixture
def as_teacher(client, teacher):
    login(client, teacher)
    return client


@pytest.fixture
def make_partnership(db):
    """A registered, current partnership as the office leaves it."""
    from rallies.models import Partnership, PartnershipMember

    def make(school, institution, *, status="registered"):
        today = dt.date.today()
        partnership = Partnership(
            school=school, title="Kulturpartnerschaft", status=status, starts_on=today - dt.timedelta(days=100),
            ends_on=today + dt.timedelta(days=800), open_to_all_pupils=True, programme_named=True,
            signed_by_both=True, school_contact_name="Frau Lehmann", school_contact_email="a.lehmann@schule.example",
            registered_on=today - dt.timedelta(days=90), next_evaluation_on=today + dt.timedelta(days=600),
            members=[PartnershipMember(institution=institution, contact_name="Herr Berg",
                                       contact_email="k.berg@museum.example")],
        )
        db.session.add(partnership)
        db.session.commit()
        return partnership

    return make


@dataclass
class Played:
    run: object
    tasks: dict
    teams: dict = field(default_factory=dict)
    media_id: str = ""
    answers: dict = field(default_factory=dict)  # (team name, task name) -> answer id


@pytest.fixture
def played(db, make_rally, make_run, join_team, editor, storage):
    """An open class run of a public rally where two teams played.

    "Die Füchse" answer single choice and number right (20 points), hand in a photo and an
    open text; "Die Eulen" answer both wrong (0 points) and rate the visit 3.
    """
    from media.limits import Limits
    from rallies import authoring, play, publishing
    from rallies.models import Answer

    rally = make_rally(stations=[{"title": "Eingangshalle", "tasks": ["single_choice", "number", "photo", "survey"]}],
                       publish=None, title="Malerei entdecken")
    station = rally.stations[0]
    authoring.add_task(station, actor=editor, type="text", prompt_md="Was hat dir gefallen?", points=10,
                       config={"teacher_graded": True})
    publishing.publish(rally, actor=editor, visibility="public")
    db.session.commit()
    tasks = {t.type: t.id for t in station.tasks if t.type != "text"}
    tasks["open"] = next(t.id for t in station.tasks if t.type == "text")
    run = make_run(rally, class_label="7b")
    foxes, _ = join_team(run.join_code, "Die Füchse")
    owls, _ = join_team(run.join_code, "Die Eulen")
    result = Played(run=run, tasks=tasks, teams={"Die Füchse": foxes, "Die Eulen": owls})

    play_answer(foxes, tasks["single_choice"], RIGHT_VALUES["single_choice"])
    play_answer(foxes, tasks["number"], RIGHT_VALUES["number"])
    uploaded, _ = play.upload(foxes, client_id=str(uuid.uuid4()), task_id=tasks["photo"], data=jpeg(),
                              storage=storage, limits=Limits())
    result.media_id = uploaded["media_id"]
    play_answer(foxes, tasks["photo"], result.media_id)
    play_answer(foxes, tasks["open"], "Die Farben")
    play_answer(owls, tasks["single_choice"], "b")
    play_answer(owls, tasks["number"], 1500)
    play_answer(owls, tasks["survey"], 3)
    db.session.commit()
    for answer in db.session.scalars(db.select(Answer).where(Answer.team_id.in_([foxes.id, owls.id]))):
        name = "Die Füchse" if answer.team_id == foxes.id else "Die Eulen"
        kind = next(k for k, v in tasks.items() if v == answer.task_id)
        result.answers[(name, kind)] = answer.id
    return result


# --- Starting runs ---------------------------------------------------------------------

def test_a_teacher_starts_a_run_through_the_form_and_gets_a_join_code(as_teacher, make_rally, school, db):
    from rallies.models import ClassRun

    rally = make_rally(publish="public", title="Stadtgeschichte")
    page = as_teacher.get(f"/teacher/runs/new?rally={rally.id}")
    assert page.status_code == 200 and "Stadtgeschichte" in text(page)
    assert 'name="retention_days"' in text(page) and 'value="30"' in text(page)  # the operator's default

    response = as_teacher.post(f"/teacher/runs/new?rally={rally.id}", data={
        "school_id": school.id, "class_label": " 8c ", "starts_at": local_input(1, 9), "ends_at": local_input(1, 12),
        "retention_days": "14"})

    assert response.status_code == 302
    run = db.session.scalars(db.select(ClassRun)).one()
    assert response.headers["Location"].endswith(f"/teacher/runs/{run.id}")
    assert run.class_label == "8c" and run.retention_days == 14 and run.school_id == school.id
    assert len(run.join_code) >= 6
    day = dt.datetime.now(BERLIN).date() + dt.timedelta(days=1)
    assert run.starts_at == dt.datetime.combine(day, dt.time(9), BERLIN).astimezone(dt.timezone.utc)
    assert run.delete_after == run.ends_at + dt.timedelta(days=14)

    overview = text(as_teacher.get(response.headers["Location"]))
    assert run.join_code in overview
    assert f"https://rally.example/join/{run.join_code}" in overview
    assert run.delete_after.astimezone(BERLIN).strftime("%d.%m.%Y") in overview
    listing = text(as_teacher.get("/teacher/runs"))
    assert "8c" in listing and "Stadtgeschichte" in listing


def test_a_partner_rally_without_partnership_shows_the_reason_and_cannot_be_started(
        as_teacher, make_rally, make_institution, make_partnership, school, db):
    other = make_institution(name="Landesarchiv")
    closed = make_rally(publish="partners", title="Archivschätze", owner=other)
    open_rally = make_rally(publish="public", title="Offene Rallye")

    listing = text(as_teacher.get("/teacher/rallies"))
    assert "Archivschätze" in listing and "Offene Rallye" in listing
    assert "keine registrierte, laufende Partnerschaft" in listing
    assert f"/teacher/runs/new?rally={closed.id}" not in listing
    assert f"/teacher/runs/new?rally={open_rally.id}" in listing
    found = text(as_teacher.get("/teacher/rallies?q=archiv"))
    assert "Archivschätze" in found and "Offene Rallye" not in found

    form_page = as_teacher.get(f"/teacher/runs/new?rally={closed.id}")
    assert "keine registrierte, laufende Partnerschaft" in text(form_page)
    response = as_teacher.post(f"/teacher/runs/new?rally={closed.id}", data={
        "school_id": school.id, "class_label": "9a", "starts_at": local_input(1, 9), "ends_at": local_input(1, 12),
        "retention_days": "30"})
    assert response.status_code == 403
    assert "keine registrierte, laufende Partnerschaft" in text(response)
    assert run_count(db) == 0

    make_partnership(school, other)
    assert f"/teacher/runs/new?rally={closed.id}" in text(as_teacher.get("/teacher/rallies"))


BAD_INPUT = [
    ({"ends_at": local_input(1, 8)}, "Das Ende muss nach dem Beginn liegen."),
    ({"retention_days": "400"}, "1 bis 365 Tage."),
    ({"retention_days": "0"}, "1 bis 365 Tage."),
    ({"class_label": ""}, "Dieses Feld wird benötigt."),
]


def test_bad_input_shows_the_error_and_stores_nothing(as_teacher, make_rally, school, db):
    rally = make_rally(publish="public")
    for change, message in BAD_INPUT:
        data = {"school_id": school.id, "class_label": "7a", "starts_at": local_input(1, 9),
                "ends_at": local_input(1, 12), "retention_days": "30", **change}

        response = as_teacher.post(f"/teacher/runs/new?rally={rally.id}", data=data)

        assert response.status_code == 422, change
        assert message in text(response), change
        assert f'value="{data["starts_at"]}"' in text(response)  # the teacher's input is kept
        assert run_count(db) == 0


def test_retention_can_be_changed_within_the_bound_only(as_teacher, make_rally, make_run, db):
    run = make_run(make_rally(publish="public"))
    refused = as_teacher.post(f"/teacher/runs/{run.id}/retention", data={"retention_days": "999"})
    assert refused.status_code == 422 and "1 bis 365 Tage." in text(refused)
    db.session.expire_all()
    assert run.retention_days == 30

    accepted = as_teacher.post(f"/teacher/runs/{run.id}/retention", data={"retention_days": "7"})
    assert accepted.status_code == 302
    db.session.expire_all()
    assert run.retention_days == 7 and run.delete_after == run.ends_at + dt.timedelta(days=7)


# --- During and after the visit --------------------------------------------------------

def test_the_live_page_lists_teams_with_scores(as_teacher, played):
    page = as_teacher.get(f"/teacher/runs/{played.run.id}/live")
    html = text(page)
    assert page.status_code == 200
    assert html.index("Die Füchse") < html.index("Die Eulen")  # best first
    assert "20 / " in html
    assert "/static/js/teacher.js" in html and "<script>" not in html

    data = as_teacher.get(f"/teacher/runs/{played.run.id}/live.json").get_json()
    assert [t["name"] for t in data["teams"]] == ["Die Füchse", "Die Eulen"]
    assert data["teams"][0]["score"] == "20" and data["teams_total"] == 2
    assert data["pending_review"] == 2  # the photo and the open text


def test_grading_a_photo_and_a_text_updates_the_teams_total(as_teacher, played, db):
    run_id = played.run.id
    page = text(as_teacher.get(f"/teacher/runs/{run_id}/grading"))
    assert f"/teacher/uploads/{played.media_id}" in page and "Die Farben" in page
    photo = as_teacher.get(f"/teacher/uploads/{played.media_id}")
    assert photo.status_code == 200 and photo.content_type == "image/jpeg"
    assert "no-store" in photo.headers["Cache-Control"]

    photo_answer = played.answers[("Die Füchse", "photo")]
    too_many = as_teacher.post(f"/teacher/runs/{run_id}/grading/{photo_answer}",
                               data={f"a{photo_answer}-points": "11"})
    assert too_many.status_code == 422 and "Award 0 to 10 points." in text(too_many)

    for kind, points in (("photo", "7,5"), ("open", "4")):
        answer_id = played.answers[("Die Füchse", kind)]
        response = as_teacher.post(f"/teacher/runs/{run_id}/grading/{answer_id}",
                                   data={f"a{answer_id}-points": points, f"a{answer_id}-feedback": "Gut gemacht"})
        assert response.status_code == 302 and response.headers["Location"].endswith(f"#answer-{answer_id}")

    assert "Punktestand jetzt 31,5" in text(as_teacher.get(response.headers["Location"]))
    from rallies.models import Answer

    graded = db.session.get(Answer, photo_answer)
    assert graded.points == 7.5 and not graded.pending_review and graded.teacher_feedback == "Gut gemacht"
    results = text(as_teacher.get(f"/teacher/runs/{run_id}/results"))
    assert '<span class="score">31,5</span>' in results


def test_the_results_page_shows_ranking_table_and_statistics(as_teacher, played):
    html = text(as_teacher.get(f"/teacher/runs/{played.run.id}/results"))
    ranking = html[html.index('id="ranking-h"'):html.index('id="matrix-h"')]
    assert ranking.index("Die Füchse") < ranking.index("Die Eulen")
    assert "1.</td><td>Die Füchse" in ranking and "2.</td><td>Die Eulen" in ranking
    assert "50 % richtig" in html  # each scored task: one of two teams right
    assert "Vermeer" in html  # the most common wrong answer
    assert "Umfrage" in html and "Mittelwert 3" in html


def test_each_download_has_the_right_type_and_opens(as_teacher, played, storage):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    base = f"/teacher/runs/{played.run.id}"

    xlsx = as_teacher.get(f"{base}/results.xlsx")
    assert xlsx.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True)["Teams"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "Die Füchse" and rows[1][2] == 20

    german = as_teacher.get(f"{base}/results.csv?view=teams&sep=%3B")
    assert german.content_type == "text/csv; charset=utf-8"
    table = list(csv.reader(io.StringIO(german.data.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:3] == ["Rang", "Team", "Punkte"] and table[1][1] == "Die Füchse"
    plain = as_teacher.get(f"{base}/results.csv?view=answers")
    assert list(csv.reader(io.StringIO(plain.data.decode("utf-8-sig"))))[0][0] == "Team"

    archive = as_teacher.get(f"{base}/uploads.zip")
    assert archive.content_type == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert len(names) == 1 and names[0].startswith("Die Füchse/") and names[0].endswith(".jpg")

    certificates = as_teacher.get(f"{base}/certificates.pdf")
    assert certificates.content_type == "application/pdf"
    pages = PdfReader(io.BytesIO(certificates.data)).pages
    assert len(pages) == 2 and "Die Füchse" in pages[0].extract_text()

    poster = as_teacher.get(f"{base}/poster.pdf")
    assert poster.content_type == "application/pdf"
    poster_text = PdfReader(io.BytesIO(poster.data)).pages[0].extract_text()
    assert " ".join(played.run.join_code) in poster_text or played.run.join_code in poster_text


def test_a_teacher_of_another_school_gets_404_for_the_run_and_its_uploads(client, played, make_school, make_user):
    stranger = make_user("teacher", schools=[make_school(name="Realschule Nord")])
    login(client, stranger)
    base = f"/teacher/runs/{played.run.id}"
    for path in (base, f"{base}/live", f"{base}/live.json", f"{base}/grading", f"{base}/results",
                 f"{base}/results.xlsx", f"{base}/uploads.zip", f"{base}/certificates.pdf", f"{base}/poster.pdf",
                 f"/teacher/uploads/{played.media_id}"):
        assert client.get(path).status_code == 404, path
    answer_id = played.answers[("Die Füchse", "open")]
    assert client.post(f"{base}/grading/{answer_id}", data={f"a{answer_id}-points": "1"}).status_code == 404
    assert client.post(f"{base}/delete", data={"confirm": "y"}).status_code == 404
    assert "Die Füchse" not in text(client.get("/teacher/runs"))


def test_an_editor_never_sees_uploads_the_teacher_did_not_share(client, played, editor):
    login(client, editor)
    assert client.get(f"/teacher/uploads/{played.media_id}").status_code == 404


def test_deleting_a_run_removes_its_teams_and_files(as_teacher, played, db, storage):
    from rallies.models import Team, Upload

    run_id = played.run.id
    storage_name = db.session.get(Upload, played.media_id).storage_name
    unconfirmed = as_teacher.post(f"/teacher/runs/{run_id}/delete", data={})
    assert unconfirmed.status_code == 422 and "Bitte bestätigen" in text(unconfirmed)
    assert db.session.scalar(db.select(db.func.count(Team.id)).filter_by(class_run_id=run_id)) == 2

    response = as_teacher.post(f"/teacher/runs/{run_id}/delete", data={"confirm": "y"})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Team.id)).filter_by(class_run_id=run_id)) == 0
    assert db.session.get(Upload, played.media_id) is None and not storage.exists(storage_name)
    overview = as_teacher.get(f"/teacher/runs/{run_id}")
    assert overview.status_code == 200 and "endgültig gelöscht" in text(overview)
    assert as_teacher.get(f"/teacher/runs/{run_id}/results").status_code == 302
    assert as_teacher.get(f"/teacher/uploads/{played.media_id}").status_code == 404


# --- Nothing breaks --------------------------------------------------------------------

def test_a_teacher_clicking_through_every_page_never_meets_a_server_error(
        as_teacher, played, make_rally, make_run, make_institution, teacher, db, storage):
    from rallies import runs

    make_rally(publish="partners", title="Nur für Partner", owner=make_institution(name="Theater"))
    make_run(make_rally(publish="public", title="Später"), starts_at=utc(days=2), ends_at=utc(days=2, hours=3),
             class_label="5a")
    gone = make_run(make_rally(publish="public", title="Vorbei"), starts_at=utc(days=-3), ends_at=utc(days=-3, hours=2),
                    class_label="6c")
    runs.delete_run(gone, actor=teacher, storage=storage)
    db.session.commit()

    statuses = crawl(as_teacher, "/", limit=150)

    errors = {url: status for url, status in statuses.items() if status >= 500}
    assert errors == {}
    visited = set(statuses)
    base = f"/teacher/runs/{played.run.id}"
    for page in ("/teacher/runs", "/teacher/rallies", base, f"{base}/live", f"{base}/grading", f"{base}/results",
                 f"{base}/results.xlsx", f"/teacher/runs/{gone.id}"):
        assert page in visited, page
    assert any(url.startswith("/teacher/runs/new?rally=") for url in visited)


def test_class_and_window_change_before_the_start_only(as_teacher, make_rally, make_run, db):
    later = make_run(make_rally(publish="public"), starts_at=utc(days=2), ends_at=utc(days=2, hours=3))
    assert 'name="class_label"' in text(as_teacher.get(f"/teacher/runs/{later.id}"))

    response = as_teacher.post(f"/teacher/runs/{later.id}/window", data={
        "class_label": "9b", "starts_at": local_input(3, 10), "ends_at": local_input(3, 13)})

    assert response.status_code == 302
    db.session.expire_all()
    assert later.class_label == "9b"
    assert later.starts_at.astimezone(BERLIN).hour == 10
    running = make_run(make_rally(publish="public"))
    assert 'name="class_label"' not in text(as_teacher.get(f"/teacher/runs/{running.id}"))
    refused = as_teacher.post(f"/teacher/runs/{running.id}/window", data={
        "class_label": "9b", "starts_at": local_input(3, 10), "ends_at": local_input(3, 13)})
    # Issue 16: the end of a run under way may move; its class and start stay fixed.
    assert refused.status_code == 409 and "nur vor dem Beginn ändern" in text(refused)
    db.session.expire_all()
    assert running.class_label == "7b"
