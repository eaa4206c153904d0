"""A restore drill: seed, play with uploads, back up, wipe, restore elsewhere, compare."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile

import pytest

from tests.client_api.helpers import jpeg_with_gps, new_id, now_iso
from tests.support.postgres import start_cluster


def _play(client, run, rally) -> dict:
    """Join, upload a photo and answer every task; return the team's token and upload id."""
    joined = client.post("/api/v1/join", json={"code": run.join_code, "team_name": "Archivare"}).get_json()
    headers = {"Authorization": f"Bearer {joined['token']}"}
    photo_task, number_task = [task for station in rally.stations for task in station.tasks]
    upload = client.post("/api/v1/team/uploads", headers=headers, content_type="multipart/form-data", data={
        "file": (io.BytesIO(jpeg_with_gps(colour=(run.id * 40 % 255, 90, 30))), "foto.jpg"),
        "id": new_id(), "task_id": str(photo_task.id)})
    assert upload.status_code == 201, upload.get_json()
    media_id = upload.get_json()["media_id"]
    answered = client.post("/api/v1/team/answers", headers=headers, json={"answers": [
        {"id": new_id(), "task_id": photo_task.id, "value": media_id, "answered_at": now_iso()},
        {"id": new_id(), "task_id": number_task.id, "value": 1642, "answered_at": now_iso()}]})
    assert [r["status"] for r in answered.get_json()["results"]] == ["accepted", "accepted"]
    return {"headers": headers, "media_id": media_id}


def _xlsx_parts(data: bytes) -> dict[str, bytes]:
    """The workbook's parts, less the one that records when it was written."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def _evidence(client, run, rally, team) -> dict:
    from rallies import exports

    return {
        "bundle": client.get(f"/api/v1/rallies/{rally.id}/bundle", headers=team["headers"]).get_data(),
        "progress": client.get("/api/v1/team/progress", headers=team["headers"]).get_json(),
        "upload": client.get(f"/api/v1/team/uploads/{team['media_id']}", headers=team["headers"]).get_data(),
        "results_csv": exports.results_csv(run, view="answers"),
        "xlsx": _xlsx_parts(exports.results_xlsx(run)),
    }


@pytest.fixture
def restore_target(backend, tmp_path):
    """An empty database on a fresh PostgreSQL cluster (or a new SQLite file) and an empty media folder."""
    media = tmp_path / "restored-media"
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}", media
        return
    cluster = start_cluster()
    cluster.psql("CREATE DATABASE restored")
    yield cluster.url("restored"), media
    cluster.cleanup()


def test_a_restored_backup_holds_the_same_rally_results_export_and_uploads(
        restore_target, app, app_config, db, make_rally, make_run, storage, tmp_path):
    from rallies.models import ClassRun, Rally, Team, Upload
    from server import create_app

    client = app.test_client()
    rally = make_rally(stations=[{"tasks": ["photo", "number"]}], publish="partners")
    kept_run, expired_run = make_run(rally, class_label="8a"), make_run(rally, class_label="8b")
    team = _play(client, kept_run, rally)
    _play(client, expired_run, rally)
    # The second run's retention ends before the restore (no purge has run yet when the
    # backup is taken): its pupil data must not come back.
    expired_files = set(db.session.scalars(db.select(Upload.storage_name).join(Team, Team.id == Upload.team_id)
                                           .where(Team.class_run_id == expired_run.id)))
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    expired_run.ends_at, expired_run.delete_after = past - dt.timedelta(days=30), past
    db.session.commit()
    before = _evidence(client, kept_run, rally, team)
    files_before = {name: storage.get(name) for name in storage.names()}
    assert expired_files and expired_files <= set(files_before)

    backup_dir = tmp_path / "backup"
    result = app.test_cli_runner().invoke(args=["backup", "create", str(backup_dir)])
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output

    # Wipe the live media; restore into a different, empty database and media folder.
    shutil.rmtree(app_config["MEDIA_STORAGE"])
    target_url, target_media = restore_target
    restored = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": target_url, "MEDIA_STORAGE": str(target_media)})
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["backup", "restore", str(backup_dir)])
        assert result.exit_code == 0, result.output
        run = db.session.get(ClassRun, kept_run.id)
        after = _evidence(restored.test_client(), run, db.session.get(Rally, rally.id), team)
        assert after["bundle"] == before["bundle"]
        assert after["progress"] == before["progress"]
        assert after["upload"] == before["upload"] and after["upload"][:2] == b"\xff\xd8"
        assert after["results_csv"] == before["results_csv"]
        assert after["xlsx"] == before["xlsx"]
        restored_storage = restored.extensions["media_storage"]
        expected = {name: data for name, data in files_before.items() if name not in expired_files}
        assert {name: restored_storage.get(name) for name in restored_storage.names()} == expected
        purged = db.session.get(ClassRun, expired_run.id)
        assert purged.purged_at is not None
        assert db.session.scalar(db.select(db.func.count(Team.id)).where(Team.class_run_id == purged.id)) == 0
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_a_folder_that_is_not_a_backup(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path)])
    assert result.exit_code != 0
    assert "manifest.json" in result.output


def test_restore_refuses_a_tampered_media_file_before_touching_anything(app, db, storage, tmp_path, make_rally):
    from rallies.models import Rally

    make_rally(stations=[{"tasks": ["number"]}])
    storage.put("0" * 64 + ".jpg", b"original bytes")
    backup_dir = tmp_path / "backup"
    assert app.test_cli_runner().invoke(args=["backup", "create", str(backup_dir)]).exit_code == 0
    (backup_dir / "media" / ("0" * 64 + ".jpg")).write_bytes(b"changed bytes!")
    rallies_before = db.session.scalar(db.select(db.func.count(Rally.id)))
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(backup_dir)])
    assert result.exit_code != 0
    assert "checksum" in result.output
    assert db.session.scalar(db.select(db.func.count(Rally.id))) == rallies_before


def test_a_backup_goes_into_a_new_folder(app, tmp_path):
    (tmp_path / "old.txt").write_text("something else")
    result = app.test_cli_runner().invoke(args=["backup", "create", str(tmp_path)])
    assert result.exit_code != 0
    assert "not empty" in result.output
