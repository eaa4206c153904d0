"""Uploads that could hurt others: a per-team upload rate, a per-run storage quota, hostile
files refused by structure, and audio or video never rendered as a page on our origin."""

from __future__ import annotations

import io

from rallies.models import Upload
from tests.client_api.helpers import jpeg_with_gps, new_id
from tests.media.samples import MP3_FRAME, build_wav
from tests.support.problems import assert_problem


def send(team, task_id, data, client_id=None, name="upload.bin"):
    return team.post("/api/v1/team/uploads", data={
        "id": client_id or new_id(), "task_id": str(task_id), "file": (io.BytesIO(data), name)})


def test_uploads_of_a_team_are_limited_per_minute_with_retry_after(app, play_team, db):
    app.config["CLIENT_TEAM_UPLOAD_LIMIT"] = "2 per minute"
    team = play_team(stations=[{"tasks": ["photo"]}])
    task_id = team.rally.stations[0].tasks[0].id
    for colour in ((1, 2, 3), (4, 5, 6)):
        assert send(team, task_id, jpeg_with_gps(colour=colour)).status_code == 201
    third = send(team, task_id, jpeg_with_gps(colour=(7, 8, 9)))
    assert_problem(third, 429, "rate_limited")
    assert int(third.headers["Retry-After"]) >= 1
    assert db.session.scalar(db.select(db.func.count(Upload.id))) == 2


def test_a_runs_uploads_stop_at_the_storage_quota_but_replays_still_answer(app, play_team, join_http, db):
    team = play_team(stations=[{"tasks": ["photo"]}])
    task_id = team.rally.stations[0].tasks[0].id
    first_id = new_id()
    first_photo = jpeg_with_gps()
    assert send(team, task_id, first_photo, first_id).status_code == 201
    stored = db.session.scalar(db.select(Upload.bytes))
    app.config["RUN_UPLOAD_QUOTA_BYTES"] = stored + 100
    other_team = join_http(team.run.join_code, "Die Zweiten")
    refused = send(other_team, task_id, jpeg_with_gps(colour=(0, 0, 255)))
    body = assert_problem(refused, 413, "quota_exceeded")
    assert body["quota_bytes"] == stored + 100
    replay = send(team, task_id, first_photo, first_id)
    assert replay.status_code == 200 and replay.get_json()["status"] == "duplicate"
    assert db.session.scalar(db.select(db.func.count(Upload.id))) == 1


def test_an_mp3_of_frame_headers_followed_by_html_is_refused_and_not_stored(play_team, db):
    team = play_team(stations=[{"tasks": ["audio"]}])
    task_id = team.rally.stations[0].tasks[0].id
    hostile = MP3_FRAME * 4 + b"<html><body><script>alert(1)</script></body></html>" * 10
    assert_problem(send(team, task_id, hostile, name="song.mp3"), 415, "unsupported_media")
    assert db.session.scalar(db.select(db.func.count(Upload.id))) == 0


def test_audio_is_served_as_an_attachment_and_photos_inline(play_team):
    team = play_team(stations=[{"tasks": ["audio", "photo"]}])
    audio_task, photo_task = team.rally.stations[0].tasks
    audio_id = send(team, audio_task.id, build_wav(0.2), name="memo.wav").get_json()["media_id"]
    photo_id = send(team, photo_task.id, jpeg_with_gps()).get_json()["media_id"]
    audio = team.get(f"/api/v1/team/uploads/{audio_id}")
    assert audio.status_code == 200 and audio.headers["Content-Disposition"] == "attachment"
    assert audio.headers["X-Content-Type-Options"] == "nosniff"
    photo = team.get(f"/api/v1/team/uploads/{photo_id}")
    assert photo.headers["Content-Disposition"] == "inline"
