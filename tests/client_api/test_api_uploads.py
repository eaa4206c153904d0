"""POST /api/v1/team/uploads and GET /team/uploads/{media_id}: pupils' files, cleaned and private."""

import io

from PIL import Image

from rallies.models import Upload
from tests.client_api.helpers import item, jpeg_with_gps, new_id


def send(team, task_id, data, client_id=None):
    return team.post("/api/v1/team/uploads", data={
        "id": client_id or new_id(), "task_id": str(task_id), "file": (io.BytesIO(data), "IMG_0001.jpg")})


def test_a_photo_is_stored_without_exif_or_gps_and_replays_as_duplicate(play_team, storage, db):
    team = play_team(stations=[{"tasks": ["photo"]}])
    task_id = team.rally.stations[0].tasks[0].id
    photo = jpeg_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)
    upload_id = new_id()
    response = send(team, task_id, photo, upload_id)
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] == upload_id and body["status"] == "accepted"
    row = db.session.get(Upload, body["media_id"])
    assert row.team_id == team.team_id and row.task_id == task_id and row.content_type == "image/jpeg"
    stored = Image.open(io.BytesIO(storage.get(row.storage_name)))
    assert not stored.getexif() and not stored.getexif().get_ifd(0x8825)
    assert b"PupilPhone" not in storage.get(row.storage_name)
    replay = send(team, task_id, photo, upload_id)
    assert replay.status_code == 200 and replay.get_json() == {**body, "status": "duplicate"}
    reused = send(team, task_id, jpeg_with_gps(colour=(0, 0, 255)), upload_id)
    assert reused.status_code == 409 and reused.get_json()["code"] == "id_reused"
    assert db.session.scalar(db.select(db.func.count(Upload.id))) == 1

    own = team.get(f"/api/v1/team/uploads/{body['media_id']}")
    assert own.status_code == 200 and own.mimetype == "image/jpeg"
    assert own.data == storage.get(row.storage_name)
    answered = team.answer(item(task_id, body["media_id"]))["results"][0]
    assert answered["status"] == "accepted" and answered["pending_review"] is True and answered["points"] is None


def test_another_teams_upload_is_404_and_cannot_be_answered_with(play_team, join_http):
    team = play_team(stations=[{"tasks": ["photo"]}])
    task_id = team.rally.stations[0].tasks[0].id
    media_id = send(team, task_id, jpeg_with_gps()).get_json()["media_id"]
    other = join_http(team.run.join_code, "Neugierig")
    response = other.get(f"/api/v1/team/uploads/{media_id}")
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"
    assert other.get("/api/v1/team/uploads/not-a-uuid").status_code == 404
    result = other.answer(item(task_id, media_id))["results"][0]
    assert result["status"] == "rejected" and result["error"]["code"] == "invalid_value"


def test_upload_refusals(app, play_team, db):
    team = play_team(stations=[{"tasks": ["photo", "text"]}, {"unlock_mode": "qr", "tasks": ["photo"]}])
    photo_task, text_task = team.rally.stations[0].tasks
    locked_task = team.rally.stations[1].tasks[0]
    wrong = send(team, text_task.id, jpeg_with_gps())
    assert wrong.status_code == 422 and wrong.get_json()["code"] == "wrong_task_type"
    locked = send(team, locked_task.id, jpeg_with_gps())
    assert locked.status_code == 409 and locked.get_json()["code"] == "station_locked"
    unsupported = send(team, photo_task.id, b"%PDF-1.4 not a photo" * 10)
    assert unsupported.status_code == 415 and unsupported.get_json()["code"] == "unsupported_media"
    app.config["MAX_IMAGE_BYTES"] = 100
    too_large = send(team, photo_task.id, jpeg_with_gps())
    assert too_large.status_code == 413 and too_large.get_json()["code"] == "too_large"
    missing = team.post("/api/v1/team/uploads", data={"id": new_id(), "task_id": str(photo_task.id)})
    assert missing.status_code == 422 and "file" in missing.get_json()["errors"]
    assert db.session.scalar(db.select(db.func.count(Upload.id))) == 0
    app.config["MAX_IMAGE_BYTES"] = 15 * 1024 * 1024
    team.post("/api/v1/team/finish", json={})
    finished = send(team, photo_task.id, jpeg_with_gps())
    assert finished.status_code == 409 and finished.get_json()["code"] == "finished"


def test_a_body_over_the_request_limit_is_413_problem(app, play_team):
    team = play_team(stations=[{"tasks": ["photo"]}])
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = send(team, team.rally.stations[0].tasks[0].id, b"x" * 5000)
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "too_large"
