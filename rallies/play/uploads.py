"""Photos, audio and video a team uploads for a task, checked by content before they are stored."""

from __future__ import annotations

import datetime as dt
import uuid

from rallies.db import db, utcnow
from rallies.errors import Conflict, DomainError, Invalid, NotFound
from rallies.models import Team, Upload
from rallies.play.state import load_state, touch
from rallies.play.writes import is_uuid, require_uuid, stored_row, write_once
from rallies.tasks import get_task_type
from rallies.messages import msg

UPLOAD_KINDS = {"image": "photo", "audio": "audio", "video": "video"}
REUSED = msg("Diese id wurde schon für einen anderen Upload verwendet.")


class UploadRefused(DomainError):
    """A file the media checks refuse: 413 `too_large` or 415 `unsupported_media`."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code)
        self.status = 413 if code == "too_large" else 415


def upload(team: Team, *, client_id, task_id, data: bytes, storage, limits,
           now: dt.datetime | None = None) -> tuple[dict, bool]:
    """Store a pupil's photo/audio/video for a task; returns (result, created).

    The file is sniffed, checked and re-encoded, and stored, before the team's lock is taken
    and outside any database transaction: a large or hostile file holds up nobody else, not
    even the team's own answers. The lock is held only to record the result.
    """
    from media.errors import MediaError
    from media.intake import ingest
    from media.storage import sha256_hex

    now = now or utcnow()
    client_id = require_uuid(client_id)
    digest = sha256_hex(data)

    def same(stored: Upload) -> bool:
        # An upload is the same when the task and the file the phone sent are the same.
        return stored.task_id == task_id and stored.sha256 == digest

    existing = stored_row(Upload, team, client_id)
    if existing is not None:  # a replay is answered without processing the file again
        if not same(existing):
            raise Conflict(REUSED, code="id_reused")
        return _result(client_id, existing, created=False), False
    kind = _upload_kind(team, task_id)
    db.session.commit()  # ends the token's read (and the row lock it took): nothing is held from here
    try:
        ingested = ingest(data, allowed_kinds={kind}, limits=limits)
    except MediaError as error:
        raise UploadRefused(error.message, code=error.code) from error
    media_id = str(uuid.uuid4())
    storage_name = f"upload-{media_id}.{ingested.extension}"
    storage.put(storage_name, ingested.data)

    def create() -> Upload:
        _upload_kind(team, task_id)  # again under the lock: the team may have finished meanwhile
        return Upload(id=media_id, team_id=team.id, client_id=client_id, task_id=task_id,
                      storage_name=storage_name, kind=ingested.kind, content_type=ingested.content_type,
                      bytes=len(ingested.data), sha256=digest, created_at=now)

    try:
        row, created = write_once(team, Upload, client_id, create=create, same=same, reused=REUSED)
    except BaseException:
        storage.delete(storage_name)
        raise
    if created:
        touch(team, now)
    else:  # a copy sent at the same time was recorded first
        storage.delete(storage_name)
    return _result(client_id, row, created=created), created


def _upload_kind(team: Team, task_id) -> str:
    """The kind of file the task takes, checking that the team may upload for it now."""
    state = load_state(team)
    task_state = state.tasks.get(task_id) if isinstance(task_id, int) else None
    if task_state is None:
        raise NotFound(msg("Diese Aufgabe gibt es in eurer Rallye nicht."))
    task_type = get_task_type(task_state.task["type"])
    if task_type.upload_kind is None:
        raise Invalid(msg("Diese Aufgabe nimmt keinen Upload."), code="wrong_task_type")
    if team.finished_at is not None:
        raise Conflict(msg("Euer Spiel ist beendet."), code="finished")
    if state.is_locked(task_state.station_id):
        raise Conflict(msg("Diese Station ist noch gesperrt."), code="station_locked")
    return task_type.upload_kind


def _result(client_id: str, row: Upload, *, created: bool) -> dict:
    return {"id": client_id, "status": "accepted" if created else "duplicate", "media_id": row.id}


def team_upload(team: Team, media_id: str) -> Upload:
    """The team's own upload of this id; 404 for anyone else's."""
    row = db.session.get(Upload, media_id.lower()) if is_uuid(media_id) else None
    if row is None or row.team_id != team.id:
        raise NotFound(msg("Diesen Upload gibt es nicht."))
    return row
