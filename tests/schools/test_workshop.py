"""The pupils' creative workshop: teams draft on phones, the teacher comments, copies and alone publishes."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image

from rallies import publishing
from rallies.models import Rally, Workshop, WorkshopMedia, WorkshopTeam

API = "/api/manage/v1"
NOW = dt.datetime.now(dt.timezone.utc)


def jpeg_with_gps() -> bytes:
    """A photo as a phone takes it: with EXIF (camera and GPS position)."""
    image = Image.new("RGB", (80, 60), "orange")
    exif = Image.Exif()
    exif[0x010F] = "PupilPhone"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def open_workshop(api, **fields):
    body = {"class_label": "7b", "topic": "Unser Stadtteil", "starts_at": (NOW - dt.timedelta(minutes=5)).isoformat(),
            "ends_at": (NOW + dt.timedelta(hours=2)).isoformat(), "retention_days": 14, **fields}
    response = api.post(f"{API}/workshops", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def join(client, code, name):
    response = client.post("/api/v1/workshop/join", json={"code": code, "team_name": name})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def build_draft(client, headers, title="Der Brunnen"):
    station = client.post("/api/v1/workshop/stations", json={"title": title, "body": "Hier trinken die Tauben."},
                          headers=headers)
    assert station.status_code == 201, station.get_json()
    station_id = station.get_json()["id"]
    task = client.post(f"/api/v1/workshop/stations/{station_id}/tasks", headers=headers, json={
        "type": "single_choice", "prompt": "Wie alt ist er?",
        "config": {"options": [{"id": "a", "text": "100 Jahre", "correct": True}, {"id": "b", "text": "5 Jahre"}]}})
    assert task.status_code == 201, task.get_json()
    photo = client.post(f"/api/v1/workshop/stations/{station_id}/media", headers=headers,
                        data={"file": (io.BytesIO(jpeg_with_gps()), "IMG_0001.jpg"), "alt": "Ein steinerner Brunnen"},
                        content_type="multipart/form-data")
    assert photo.status_code == 201, photo.get_json()
    return station_id, photo.get_json()


def test_teams_draft_their_own_stations_and_see_nothing_of_another_team(db, client, api_as, teacher, storage):
    workshop = open_workshop(api_as(teacher))
    first = join(client, workshop["join_code"], "Die Füchse")
    second = join(client, workshop["join_code"].lower(), "Eulen")
    station_id, photo = build_draft(client, first)
    # The photo lost its EXIF and GPS data on the way in.
    stored = storage.get(db.session.get(WorkshopMedia, photo["id"]).storage_name)
    assert b"PupilPhone" not in stored and not Image.open(io.BytesIO(stored)).getexif()
    assert client.get(photo["url"], headers=first).status_code == 200
    assert client.get("/api/v1/workshop/draft", headers=second).get_json()["stations"] == []
    for method, path in (("get", photo["url"]), ("patch", f"/api/v1/workshop/stations/{station_id}"),
                         ("delete", f"/api/v1/workshop/stations/{station_id}"),
                         ("post", f"/api/v1/workshop/stations/{station_id}/tasks")):
        response = getattr(client, method)(path, headers=second, json={"title": "X", "type": "text", "prompt": "?"})
        assert response.status_code == 404, (method, path)
        assert response.mimetype == "application/problem+json"
    assert client.get("/api/v1/workshop/draft").status_code == 401


def test_a_team_of_another_workshop_gets_404(db, client, api_as, teacher):
    api = api_as(teacher)
    ours, theirs = open_workshop(api), open_workshop(api, class_label="8a")
    station_id, photo = build_draft(client, join(client, ours["join_code"], "Füchse"))
    stranger = join(client, theirs["join_code"], "Fremde")
    assert client.patch(f"/api/v1/workshop/stations/{station_id}", headers=stranger, json={"title": "X"}).status_code == 404
    assert client.get(photo["url"], headers=stranger).status_code == 404


def test_only_simple_task_types_and_photos_with_alt_text(db, client, api_as, teacher):
    headers = join(client, open_workshop(api_as(teacher))["join_code"], "Füchse")
    station_id = client.post("/api/v1/workshop/stations", json={"title": "A"}, headers=headers).get_json()["id"]
    number = client.post(f"/api/v1/workshop/stations/{station_id}/tasks", headers=headers,
                         json={"type": "number", "prompt": "?", "config": {"value": 3}})
    assert number.status_code == 422
    no_alt = client.post(f"/api/v1/workshop/stations/{station_id}/media", headers=headers,
                         data={"file": (io.BytesIO(jpeg_with_gps()), "a.jpg")}, content_type="multipart/form-data")
    assert no_alt.status_code == 422 and no_alt.get_json()["code"] == "alt_required"


def test_the_teacher_sees_all_drafts_comments_copies_one_team_and_alone_publishes(db, client, api_as, teacher,
                                                                                    school, storage):
    api = api_as(teacher)
    workshop = open_workshop(api)
    foxes = join(client, workshop["join_code"], "Die Füchse")
    owls = join(client, workshop["join_code"], "Eulen")
    station_id, _ = build_draft(client, foxes)
    build_draft(client, owls, title="Die Kirche")
    seen = api.get(f"{API}/workshops/{workshop['id']}").get_json()
    assert [t["name"] for t in seen["teams"]] == ["Die Füchse", "Eulen"]
    commented = api.put(f"{API}/workshops/{workshop['id']}/stations/{station_id}/comment",
                        json={"comment": "Schönes Foto! Wer hat den Brunnen gebaut?"})
    assert commented.status_code == 200
    assert client.get("/api/v1/workshop/draft", headers=foxes).get_json()["stations"][0]["teacher_comment"] == \
        "Schönes Foto! Wer hat den Brunnen gebaut?"
    foxes_id = seen["teams"][0]["id"]
    copied = api.post(f"{API}/workshops/{workshop['id']}/copy", json={"team_id": foxes_id, "title": "Unser Viertel"})
    assert copied.status_code == 201, copied.get_json()
    rally = db.session.get(Rally, copied.get_json()["id"])
    assert rally.school_id == school.id and rally.visibility == "draft"
    assert [s.title for s in rally.stations] == ["Der Brunnen"]
    assert rally.stations[0].tasks[0].type == "single_choice"
    assert rally.stations[0].media[0].alt == "Ein steinerner Brunnen"
    assert "Füchse" not in rally.about + rally.stations[0].body_md  # team names stay out unless credited
    # Pupils cannot publish: their token does not reach the management API.
    assert client.post(f"{API}/rallies/{rally.id}/publish", json={"visibility": "school"}, headers=foxes).status_code == 401
    assert api.post(f"{API}/rallies/{rally.id}/publish", json={"visibility": "school"}).status_code == 200


def test_workshops_are_404_for_a_teacher_of_another_school(db, client, api_as, teacher, make_user, make_school):
    workshop = open_workshop(api_as(teacher))
    join(client, workshop["join_code"], "Füchse")
    stranger = api_as(make_user("teacher", schools=[make_school(name="Nachbarschule")]))
    assert stranger.get(f"{API}/workshops/{workshop['id']}").status_code == 404
    assert stranger.get(f"{API}/workshops").get_json() == []
    team_id = db.session.scalar(db.select(WorkshopTeam.id))
    assert stranger.post(f"{API}/workshops/{workshop['id']}/copy", json={"team_id": team_id}).status_code == 404


def test_drafts_and_their_files_are_deleted_at_retention(db, client, api_as, teacher, storage):
    from rallies.retention import purge_expired

    workshop = open_workshop(api_as(teacher))
    _, photo = build_draft(client, join(client, workshop["join_code"], "Füchse"))
    name = db.session.get(WorkshopMedia, photo["id"]).storage_name
    row = db.session.get(Workshop, workshop["id"])
    report = purge_expired(storage=storage, now=row.delete_after - dt.timedelta(minutes=1))
    assert report.workshops == 0 and storage.exists(name)
    report = purge_expired(storage=storage, now=row.delete_after + dt.timedelta(minutes=1))
    db.session.commit()
    assert report.workshops == 1 and report.workshop_teams == 1
    assert not storage.exists(name)
    assert db.session.scalar(db.select(db.func.count(WorkshopTeam.id))) == 0
    assert db.session.get(Workshop, workshop["id"]).purged_at is not None


HOTSPOT = {"regions": [{"circle": {"x": 0.25, "y": 0.5, "r": 0.1}}], "aspect": 0.75}


def test_a_team_builds_a_hotspot_task_on_one_of_its_photos_and_the_copy_carries_task_and_picture(
        db, client, api_as, teacher, school, storage):
    from rallies.tasks import get_task_type

    api = api_as(teacher)
    workshop = open_workshop(api)
    foxes = join(client, workshop["join_code"], "Füchse")
    station_id, photo = build_draft(client, foxes)
    created = client.post(f"/api/v1/workshop/stations/{station_id}/tasks", headers=foxes, json={
        "type": "hotspot", "prompt": "Wo trinken die Tauben?", "config": HOTSPOT, "image_id": photo["id"]})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["image_id"] == photo["id"]
    assert created.get_json()["config"] == HOTSPOT  # the type's own config; the picture is named beside it
    task = client.get("/api/v1/workshop/draft", headers=foxes).get_json()["stations"][0]["tasks"][-1]
    assert task["type"] == "hotspot" and task["image_id"] == photo["id"] and task["config"] == HOTSPOT
    assert "hotspot" in client.get("/api/v1/workshop/draft", headers=foxes).get_json()["workshop"]["task_types"]
    team_id = api.get(f"{API}/workshops/{workshop['id']}").get_json()["teams"][0]["id"]
    copied = api.post(f"{API}/workshops/{workshop['id']}/copy", json={"team_id": team_id, "title": "Unser Viertel"})
    assert copied.status_code == 201, copied.get_json()
    rally = db.session.get(Rally, copied.get_json()["id"])
    hotspot = next(t for t in rally.stations[0].tasks if t.type == "hotspot")
    assert hotspot.config == HOTSPOT and hotspot.prompt_md == "Wo trinken die Tauben?"
    assert [m.alt for m in hotspot.media] == ["Ein steinerner Brunnen"]
    assert hotspot.media[0].asset.kind == "image" and storage.exists(hotspot.media[0].asset.name)
    assert hotspot.media[0].asset.id == rally.stations[0].media[0].asset.id  # the same photo, stored once
    # Players get the picture to tap: the task type's own bundle view finds it.
    view = get_task_type("hotspot").bundle_view(hotspot.config, {"media": [
        {"content_type": m.asset.content_type, "url": m.asset.name} for m in hotspot.media]})
    assert view["image"] is not None and view["regions_count"] == 1
    assert publishing.publish(rally, actor=teacher, visibility="school").version == 1


def test_a_hotspot_task_needs_one_of_the_stations_photos_and_regions_the_hotspot_type_accepts(
        db, client, api_as, teacher):
    api = api_as(teacher)
    workshop = open_workshop(api)
    foxes = join(client, workshop["join_code"], "Füchse")
    station_id, photo = build_draft(client, foxes)
    other_station, other_photo = build_draft(client, foxes, title="Die Kirche")
    owls = join(client, workshop["join_code"], "Eulen")
    _, owls_photo = build_draft(client, owls, title="Der Turm")
    tasks = f"/api/v1/workshop/stations/{station_id}/tasks"
    cases = {
        "no picture": ({"type": "hotspot", "prompt": "Wo?", "config": HOTSPOT}, "image_id"),
        "another station's photo": ({"type": "hotspot", "prompt": "Wo?", "config": HOTSPOT,
                                     "image_id": other_photo["id"]}, "image_id"),
        "another team's photo": ({"type": "hotspot", "prompt": "Wo?", "config": HOTSPOT,
                                  "image_id": owls_photo["id"]}, "image_id"),
        "no regions": ({"type": "hotspot", "prompt": "Wo?", "config": {"regions": []}, "image_id": photo["id"]},
                       "config.regions"),
        "circle outside the picture": ({"type": "hotspot", "prompt": "Wo?", "image_id": photo["id"],
                                        "config": {"regions": [{"circle": {"x": 1.5, "y": 0.5, "r": 0.1}}]}},
                                       "config.regions.0.circle.x"),
        "picture smuggled into the config": ({"type": "hotspot", "prompt": "Wo?", "image_id": photo["id"],
                                              "config": {**HOTSPOT, "image_id": photo["id"]}}, "config.image_id"),
        "a picture on a text task": ({"type": "text", "prompt": "Wer?", "image_id": photo["id"],
                                      "config": {"accepted_answers": ["Tauben"]}}, "image_id"),
    }
    for case, (body, field) in cases.items():
        response = client.post(tasks, headers=foxes, json=body)
        assert response.status_code == 422, case
        assert response.mimetype == "application/problem+json", case
        assert field in response.get_json()["errors"], (case, response.get_json())
    stored = client.get("/api/v1/workshop/draft", headers=foxes).get_json()["stations"][0]["tasks"]
    assert [t["type"] for t in stored] == ["single_choice"]  # nothing refused was kept


def test_the_workshop_api_documents_the_hotspot_task(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    write = next(s for name, s in schemas.items() if name.startswith("WorkshopTaskWrite"))
    assert "hotspot" in write["properties"]["type"]["enum"]
    assert "image_id" in write["properties"] and "regions" in write["properties"]["config"]["description"]
    read = next(s for name, s in schemas.items() if name == "WorkshopTask")
    assert "image_id" in read["required"]
