"""An upload is processed outside the team's lock and outside any transaction: nobody waits for it."""

from __future__ import annotations

import io
import struct
import threading
import time

import media.intake
from rallies.models import Answer, Upload
from tests.client_api.helpers import item, new_id

HOSTILE_MB = 100


def hostile_mp4(megabytes: int = HOSTILE_MB) -> bytes:
    """An "MP4" of a file-type box followed by millions of empty boxes (13 million in 100 MB)."""
    ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 0x200, b"isom", b"mp41")
    count = (megabytes * 1_000_000 - len(ftyp)) // 8
    return ftyp + struct.pack(">I4s", 8, b"free") * count


def test_answers_are_judged_at_once_while_a_100_mb_hostile_upload_is_processed(app, client, db, play_team,
                                                                              join_http, monkeypatch):
    uploader = play_team(stations=[{"tasks": ["video", "number", "number"]}])
    video_task, own_task, other_task = (task.id for task in uploader.rally.stations[0].tasks)
    other = join_http(uploader.run.join_code, "Nebenan")
    db.session.commit()  # this test's own session holds nothing open while the upload runs
    processing, answered = threading.Event(), threading.Event()
    transactions_while_processing = []
    real_ingest = media.intake.ingest

    def watched_ingest(*args, **kwargs):
        """The real checks, while the answers below are sent; returns only once they came back
        (or after 10 s), so that they cannot have waited for the upload to be recorded."""
        # counted before the answers below start (their own transactions are not the upload's)
        transactions_while_processing.append(open_transactions(db))
        processing.set()
        try:
            return real_ingest(*args, **kwargs)
        finally:
            answered.wait(timeout=10)

    monkeypatch.setattr(media.intake, "ingest", watched_ingest)
    outcome = {}

    def send_upload():
        with app.test_client() as own_client:
            outcome["response"] = own_client.post("/api/v1/team/uploads", headers=uploader.headers, data={
                "id": new_id(), "task_id": str(video_task), "file": (io.BytesIO(hostile_mp4()), "clip.mp4")})

    thread = threading.Thread(target=send_upload)
    thread.start()
    try:
        assert processing.wait(timeout=60), "the upload never reached processing"
        timings = {}
        for name, team, task in (("other team", other, other_task), ("same team", uploader, own_task)):
            started = time.monotonic()
            result = team.answer(item(task, 1642))["results"][0]
            timings[name] = time.monotonic() - started
            assert result["status"] == "accepted" and result["correct"] is True
    finally:
        answered.set()
        thread.join(timeout=900)
    assert timings["other team"] < 1.0 and timings["same team"] < 1.0, timings
    assert transactions_while_processing == [0], "a transaction was open while the file was processed"
    response = outcome["response"]
    assert response.status_code in (413, 415) and response.get_json()["code"] in ("too_large", "unsupported_media")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Upload.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 2


def open_transactions(db) -> int:
    """Transactions open on the test database other than this check's own (PostgreSQL; 0 on SQLite,
    whose write lock is checked by the answers above)."""
    if db.engine.dialect.name != "postgresql":
        return 0
    with db.engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL "
            "AND backend_type = 'client backend'").scalar()  # autovacuum has transactions too
