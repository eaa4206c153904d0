"""Publishing: versions that running classes keep, office review, copies, role isolation."""

from __future__ import annotations

from rallies.models import ClassRun, Rally, RallyVersion
from tests.authoring.conftest import API, CHOICE


def test_a_running_class_keeps_its_version_while_the_editor_publishes_a_new_one(
        editor_api, make_rally, make_run, db):
    from rallies.bundle import build_bundle

    rally = make_rally(stations=[{"title": "Halle", "tasks": ["single_choice"]}])
    assert rally.version == 1
    run = make_run(rally)
    station_id = rally.stations[0].id
    task_id = rally.stations[0].tasks[0].id

    editor_api.patch(f"{API}/stations/{station_id}", json={"title": "Neue Halle"})
    editor_api.patch(f"{API}/tasks/{task_id}", json={"config": {"options": [
        {"id": "a", "text": "Rubens"}, {"id": "b", "text": "Vermeer", "correct": True}]}})
    editor_api.post(f"{API}/rallies/{rally.id}/stations", json={"title": "Turm"})
    published = editor_api.post(f"{API}/rallies/{rally.id}/publish", json={"visibility": "public"})
    assert published.status_code == 200 and published.get_json()["version"] == 2
    assert published.get_json()["has_unpublished_changes"] is False

    db.session.expire_all()
    old = db.session.get(ClassRun, run.id).rally_version
    assert old.version == 1
    assert [s["title"] for s in old.snapshot["stations"]] == ["Halle"]
    assert old.snapshot["stations"][0]["tasks"][0]["config"]["options"][0]["text"] == "Rembrandt"
    assert build_bundle(old.snapshot, old.version)["stations"][0]["title"] == "Halle"

    new_run = make_run(db.session.get(Rally, rally.id))
    assert new_run.rally_version.version == 2
    assert [s["title"] for s in new_run.rally_version.snapshot["stations"]] == ["Neue Halle", "Turm"]

    versions = editor_api.get(f"{API}/rallies/{rally.id}/versions").get_json()
    assert [(v["version"], v["stations"], v["runs"], v["current"]) for v in versions] == [
        (2, 2, 1, True), (1, 1, 1, False)]


def test_every_publish_bumps_the_version(editor_api, api_rally, db):
    rally = api_rally(stations=[{"title": "S", "tasks": [CHOICE]}])
    for expected in (1, 2, 3):
        response = editor_api.post(f"{API}/rallies/{rally['id']}/publish", json={"visibility": "partners"})
        assert response.get_json()["version"] == expected
    assert db.session.scalar(db.select(db.func.count(RallyVersion.id))) == 3


def test_publishing_for_everyone_gives_a_free_play_code(editor_api, api_rally):
    rally = api_rally(stations=[{"title": "S"}])
    partners = editor_api.post(f"{API}/rallies/{rally['id']}/publish", json={"visibility": "partners"}).get_json()
    assert partners["visibility"] == "partners" and partners["free_play_code"] is None
    public = editor_api.post(f"{API}/rallies/{rally['id']}/publish", json={"visibility": "public"}).get_json()
    assert public["visibility"] == "public" and len(public["free_play_code"]) == 6


def test_a_rally_without_stations_cannot_be_published(editor_api, api_rally, db):
    rally = api_rally()
    response = editor_api.post(f"{API}/rallies/{rally['id']}/publish", json={"visibility": "public"})
    assert response.status_code == 422
    assert response.get_json()["code"] == "not_publishable" and "stations" in response.get_json()["errors"]
    assert db.session.get(Rally, rally["id"]).version == 0
    bad = editor_api.post(f"{API}/rallies/{rally['id']}/publish", json={"visibility": "everyone"})
    assert bad.status_code == 422 and "visibility" in bad.get_json()["errors"]


def test_office_withdraws_a_rally_with_a_reason_the_editor_sees(editor_api, api_as, office, make_rally, make_run, db):
    rally = make_rally()
    run = make_run(rally)
    office_api = api_as(office)
    no_reason = office_api.post(f"{API}/rallies/{rally.id}/unpublish", json={"reason": "  "})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    response = office_api.post(f"{API}/rallies/{rally.id}/unpublish",
                               json={"reason": "Werbung für ein Unternehmen, kein Bildungsangebot."})
    assert response.status_code == 200 and response.get_json()["visibility"] == "draft"

    seen = editor_api.get(f"{API}/rallies/{rally.id}").get_json()
    assert seen["visibility"] == "draft"
    assert seen["review_note"] == "Werbung für ein Unternehmen, kein Bildungsangebot."
    assert [r["review_note"] for r in editor_api.get(f"{API}/rallies").get_json()] == [seen["review_note"]]
    assert db.session.get(ClassRun, run.id).rally_version.version == 1  # the class plays on
    assert rally.id not in [r["id"] for r in office_api.get(f"{API}/rallies").get_json()]
    again = office_api.post(f"{API}/rallies/{rally.id}/unpublish", json={"reason": "x"})
    assert again.status_code == 409 and again.get_json()["code"] == "not_published"

    republished = editor_api.post(f"{API}/rallies/{rally.id}/publish", json={"visibility": "public"}).get_json()
    assert republished["review_note"] == "" and republished["version"] == 2


def test_editor_unpublishes_without_reason_and_teacher_cannot(editor_api, api_as, teacher, make_rally):
    rally = make_rally()
    assert api_as(teacher).post(f"{API}/rallies/{rally.id}/unpublish", json={}).status_code == 403
    response = editor_api.post(f"{API}/rallies/{rally.id}/unpublish", json={})
    assert response.status_code == 200 and response.get_json()["visibility"] == "draft"
    twice = editor_api.post(f"{API}/rallies/{rally.id}/unpublish", json={})
    assert twice.status_code == 409 and twice.get_json()["code"] == "not_published"


def test_copy_across_the_editors_institutions(api_as, make_user, institution, other_institution, api_rally,
                                              make_institution, upload, db):
    both = make_user("editor", institutions=[institution, other_institution])
    api = api_as(both)
    from tests.authoring.conftest import png

    image = upload(png(), "bild.png", api=api).get_json()
    rally = api_rally(api=api, stations=[
        {"title": "A", "unlock_mode": "qr", "tasks": [CHOICE]}, {"title": "B"}])
    a, b = rally["stations"]
    api.patch(f"{API}/stations/{b['id']}", json={"conditions": [{"after_station": a["id"]}]})
    api.post(f"{API}/stations/{a['id']}/media", json={"media_id": image["id"], "alt": "Ein blaues Bild"})

    response = api.post(f"{API}/rallies/{rally['id']}/copy", json={"institution_id": other_institution.id})
    assert response.status_code == 201
    clone = response.get_json()
    assert clone["institution"]["id"] == other_institution.id and clone["visibility"] == "draft"
    assert clone["title"].startswith("Spurensuche im Museum")
    new_a, new_b = clone["stations"]
    assert {new_a["id"], new_b["id"]}.isdisjoint({a["id"], b["id"]})
    assert new_b["conditions"] == [{"after_station": new_a["id"]}]
    assert new_a["qr_url"] != a["qr_url"] and new_a["qr_url"].startswith("https://rally.example/q/")
    assert new_a["tasks"][0]["config"] == a["tasks"][0]["config"]
    assert new_a["media"][0]["media_id"] == image["id"] and new_a["media"][0]["alt"] == "Ein blaues Bild"
    assert db.session.get(Rally, clone["id"]).copied_from_id == rally["id"]

    stranger = make_institution(name="Fremdes Museum")
    refused = api.post(f"{API}/rallies/{rally['id']}/copy", json={"institution_id": stranger.id})
    assert refused.status_code == 403
    assert db.session.scalar(db.select(db.func.count(Rally.id))) == 2


def test_editors_of_another_institution_see_nothing_of_a_rally(other_api, api_as, teacher, api_rally):
    rally = api_rally(stations=[{"title": "S", "unlock_mode": "qr", "tasks": [CHOICE]}])
    station = rally["stations"][0]
    task = station["tasks"][0]
    calls = [
        ("get", f"/rallies/{rally['id']}", None), ("patch", f"/rallies/{rally['id']}", {"title": "X"}),
        ("delete", f"/rallies/{rally['id']}", None),
        ("post", f"/rallies/{rally['id']}/stations", {"title": "X"}),
        ("put", f"/rallies/{rally['id']}/station-order", {"station_ids": [station["id"]]}),
        ("post", f"/rallies/{rally['id']}/publish", {"visibility": "public"}),
        ("post", f"/rallies/{rally['id']}/copy", {"institution_id": 1}),
        ("get", f"/rallies/{rally['id']}/preview", None), ("get", f"/rallies/{rally['id']}/versions", None),
        ("get", f"/rallies/{rally['id']}/qr-kit.pdf", None), ("get", f"/rallies/{rally['id']}/export.zip", None),
        ("get", f"/stations/{station['id']}", None), ("patch", f"/stations/{station['id']}", {"title": "X"}),
        ("delete", f"/stations/{station['id']}", None), ("get", f"/stations/{station['id']}/qr.png", None),
        ("post", f"/stations/{station['id']}/qr/regenerate", None),
        ("post", f"/stations/{station['id']}/tasks", CHOICE),
        ("get", f"/tasks/{task['id']}", None), ("patch", f"/tasks/{task['id']}", {"points": 1}),
        ("delete", f"/tasks/{task['id']}", None),
    ]
    for method, path, body in calls:
        response = getattr(other_api, method)(API + path, json=body)
        assert response.status_code == 404, (method, path, response.status_code)
        assert response.get_json()["code"] == "not_found"
    teacher_api = api_as(teacher)
    for method, path, body in calls:
        if method != "get" or path.startswith("/stations") or path.startswith("/tasks"):
            assert getattr(teacher_api, method)(API + path, json=body).status_code in (403, 404), path
    assert teacher_api.get(f"{API}/rallies/{rally['id']}").status_code == 404  # a draft
    from rallies.db import db
    from rallies.models import Station, Task

    assert db.session.get(Task, task["id"]).points == 10
    assert db.session.get(Station, station["id"]).title == "S"


def test_media_of_another_institution_cannot_be_attached(editor_api, other_api, other_institution, api_rally, upload):
    from tests.authoring.conftest import png

    theirs = upload(png(colour=(1, 2, 3)), "x.png", api=other_api, institution_id=other_institution.id).get_json()
    rally = api_rally(stations=[{"title": "S"}])
    response = editor_api.post(f"{API}/stations/{rally['stations'][0]['id']}/media",
                               json={"media_id": theirs["id"], "alt": "fremd"})
    assert response.status_code == 422 and "media_id" in response.get_json()["errors"]
    assert editor_api.get(f"{API}/media/{theirs['id']}").status_code == 404
    # uploading the same file makes it ours too: stored once, usable by both
    mine = upload(png(colour=(1, 2, 3)), "y.png").get_json()
    assert mine["id"] == theirs["id"]
    attached = editor_api.post(f"{API}/stations/{rally['stations'][0]['id']}/media",
                               json={"media_id": mine["id"], "alt": "jetzt unseres"})
    assert attached.status_code == 201
