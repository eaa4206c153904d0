"""Teachers author their school's rallies through the same management API as editors."""

from __future__ import annotations

from tests.authoring.conftest import png

API = "/api/manage/v1"


def test_a_teacher_creates_edits_and_publishes_a_rally_of_her_school(db, api_as, teacher, school):
    api = api_as(teacher)
    created = api.post(f"{API}/rallies", json={"school_id": school.id, "title": "Unser Viertel",
                                               "about": "Klasse 6a über das Viertel", "licence": "CC-BY-4.0"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["owner"] == {"type": "school", "id": school.id, "name": school.name}
    assert body["institution"] is None and body["licence"] == "CC-BY-4.0"
    rally_id = body["id"]
    upload = api.post(f"{API}/media", data={"school_id": str(school.id), "file": (__import__("io").BytesIO(png()), "a.png")},
                      content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    station = api.post(f"{API}/rallies/{rally_id}/stations", json={"title": "Der Brunnen", "unlock_mode": "qr"})
    assert station.status_code == 201
    station_id = station.get_json()["id"]
    attached = api.post(f"{API}/stations/{station_id}/media", json={"media_id": upload.get_json()["id"],
                                                                    "alt": "Ein Brunnen"})
    assert attached.status_code == 201
    assert api.post(f"{API}/stations/{station_id}/tasks", json={"type": "text", "prompt_md": "Wie heißt er?",
                                                                "config": {"accepted_answers": ["Marktbrunnen"]}}
                    ).status_code == 201
    assert api.get(f"{API}/rallies/{rally_id}/qr-kit.pdf").data[:4] == b"%PDF"
    assert api.get(f"{API}/rallies/{rally_id}/export.zip").status_code == 200
    published = api.post(f"{API}/rallies/{rally_id}/publish", json={"visibility": "school"})
    assert published.status_code == 200, published.get_json()
    assert published.get_json()["visibility"] == "school"
    full = api.get(f"{API}/rallies/{rally_id}").get_json()
    assert full["stations"][0]["tasks"][0]["config"]["accepted_answers"] == ["Marktbrunnen"]  # authors see solutions


def test_a_teacher_cannot_create_for_another_school_nor_an_institution(db, api_as, teacher, institution,
                                                                       make_school):
    api = api_as(teacher)
    other = make_school(name="Andere Schule")
    for owner in ({"school_id": other.id}, {"institution_id": institution.id}):
        response = api.post(f"{API}/rallies", json={**owner, "title": "X", "about": "Y"})
        assert response.status_code == 403
        assert response.mimetype == "application/problem+json"
    both = api.post(f"{API}/rallies", json={"school_id": other.id, "institution_id": institution.id,
                                            "title": "X", "about": "Y"})
    assert both.status_code == 422


def test_an_editor_still_gives_institution_id(db, api_as, editor, institution):
    response = api_as(editor).post(f"{API}/rallies", json={"institution_id": institution.id, "title": "Museum",
                                                           "about": "Für Klassen"})
    assert response.status_code == 201
    assert response.get_json()["owner"]["type"] == "institution"


def test_a_school_rally_is_404_for_a_teacher_of_another_school_and_for_editors(db, api_as, school_rally, make_user,
                                                                               make_school, editor):
    rally = school_rally(publish="school")
    stranger = make_user("teacher", schools=[make_school(name="Andere Schule")])
    for user in (stranger, editor):
        api = api_as(user)
        for path in (f"/rallies/{rally.id}", f"/rallies/{rally.id}/versions", f"/rallies/{rally.id}/changes",
                     f"/stations/{rally.stations[0].id}"):
            assert api.get(API + path).status_code == 404, (user.email, path)
        assert api.patch(f"{API}/rallies/{rally.id}", json={"title": "Gekapert"}).status_code == 404
    assert db.session.get(type(rally), rally.id).title == "Unser Schulhof"


def test_the_change_list_names_the_museum_editor_and_the_partner_teacher(db, api_as, make_rally, partnership,
                                                                         editor, teacher):
    museum = api_as(editor)
    created = museum.post(f"{API}/rallies", json={"institution_id": partnership.members[0].institution_id,
                                                  "title": "Gemeinsam", "about": "Museum und Schule",
                                                  "partnership_id": partnership.id})
    assert created.status_code == 201, created.get_json()
    rally_id = created.get_json()["id"]
    assert museum.post(f"{API}/rallies/{rally_id}/stations", json={"title": "Im Museum"}).status_code == 201
    school_api = api_as(teacher)
    station = school_api.post(f"{API}/rallies/{rally_id}/stations", json={"title": "In der Schule"})
    assert station.status_code == 201
    assert school_api.post(f"{API}/stations/{station.get_json()['id']}/tasks",
                           json={"type": "info", "prompt_md": "Lies das."}).status_code == 201
    assert museum.post(f"{API}/rallies/{rally_id}/publish", json={"visibility": "partners"}).status_code == 200
    groups = museum.get(f"{API}/rallies/{rally_id}/changes").get_json()
    assert groups[0]["version"] == 1
    assert set(groups[0]["authors"]) == {editor.display_name, teacher.display_name}
    lines = {(i["kind"], i["action"], i["label"]): i["authors"] for i in groups[0]["items"]}
    assert lines[("station", "added", "Im Museum")] == [editor.display_name]
    assert lines[("station", "added", "In der Schule")] == [teacher.display_name]
    assert lines[("task", "added", "In der Schule: info")] == [teacher.display_name]
    # A later edit waits for the next version.
    assert school_api.patch(f"{API}/stations/{station.get_json()['id']}", json={"title": "Pausenhof"}).status_code == 200
    groups = museum.get(f"{API}/rallies/{rally_id}/changes").get_json()
    assert groups[0]["version"] is None and groups[0]["items"][0]["label"] == "Pausenhof"


def test_an_editor_outside_the_partnership_gets_404_for_a_co_owned_rally(db, api_as, school_rally, partnership,
                                                                         make_user, make_institution, editor):
    rally = school_rally(partnership=partnership)
    outsider = make_user("editor", institutions=[make_institution(name="Fremdes Museum")])
    assert api_as(outsider).get(f"{API}/rallies/{rally.id}").status_code == 404
    assert api_as(editor).get(f"{API}/rallies/{rally.id}").status_code == 200  # the partner museum co-authors
