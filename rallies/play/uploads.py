"""Photos, audio and video a team uploads for a task, checked by content before they are stored."""

from __future__ import annotations

import datetime as dt
import uuid

from rallies.db import db, utcnow
from rallies.errors import Conflict, DomainError, Invalid, NotFound
from rallies.models import Team, Upload
from rallies.play.state import load_state, touch
from rallies.play.writes import is_uuid, require_uuid, write_once
from rallies.tasks import get_task_type
from rallies.messages import msg

UPLOAD_KINDS = {"image": "photo", "audio": "audio", "video": "video"}


class UploadRefused(DomainError):
    """A file the media checks refuse: 413 `too_large` or 415 `unsupported_media`."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code)
        self.status = 413 if code == "too_large" else 415


def upload(team: Team, *, client_id, task_id, data: bytes, storage, limits,
           now: dt.datetime | None = None) -> tuple[dict, bool]:
    """Store a pupil's photo/audio/video for a task; returns (result, created)."""
    from media.errors import MediaError
    from media.intake import ingest
    from media.storage import sha256_hex

    now = now or utcnow()
    client_id = require_uuid(client_id)
    digest = sha256_hex(data)

    def create() -> Upload:
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
        try:
            ingested = ingest(data, allowed_kinds={task_type.upload_kind}, limits=limits)
        except MediaError as error:
            raise UploadRefused(error.message, code=error.code) from error
        media_id = str(uuid.uuid4())
        storage_name = f"upload-{media_id}.{ingested.extension}"
        storage.put(storage_name, ingested.data)
        return Upload(id=media_id, team_id=team.id, client_id=client_id, task_id=task_id,
                      storage_name=storage_name, kind=ingested.kind, content_type=ingested.content_type,
                      bytes=len(ingested.data), sha256=digest, created_at=now)

    # An upload is the same when the task and the file the phone sent are the same.
    row, created = write_once(team, Upload, client_id, create=create,
                              same=lambda stored: stored.task_id == task_id and stored.sha256 == digest,
                              reused="This id was used for a different upload.",
                              discard=lambda lost: storage.delete(lost.storage_name))
    if created:
        touch(team, now)
    return {"id": client_id, "status": "accepted" if created else "duplicate", "media_id": row.id}, created


def team_upload(team: Team, media_id: str) -> Upload:
    """The team's own upload of this id; 404 for anyone else's."""
    row = db.session.get(Upload, media_id.lower()) if is_uuid(media_id) else None
    if row is None or row.team_id != team.id:
        raise NotFound(msg("Diesen Upload gibt es nicht."))
    return row
