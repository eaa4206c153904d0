"""The teacher's messages to every team of a class run ("Bitte in 10 Minuten am Eingang sammeln").

Messages are pupil data of the run (they may name teams) and are deleted with its teams
(`runs.purge_pupil_data`). A phone reads them with its progress; `ClassRun.last_message_at`
comes with the team's token, so that a run without new messages costs no query: the 20
newest are cached per process, keyed by the run and the time of its last message.
"""

from __future__ import annotations

import datetime as dt
import logging

from rallies.db import db, utcnow
from rallies.errors import Invalid
from rallies.messages import msg
from rallies.models import ClassRun, RunMessage, User
from rallies.runs import require_not_purged, require_run_teacher

log = logging.getLogger(__name__)

MESSAGE_MAX = 500
TEAM_MESSAGES = 20  # a phone gets the newest 20, oldest first


def send_message(run: ClassRun, text, *, actor: User, now: dt.datetime | None = None) -> RunMessage:
    """Store a message to every team of the run; teams see it on their next sync."""
    now = now or utcnow()
    require_run_teacher(run, actor)
    require_not_purged(run)
    cleaned = text.strip() if isinstance(text, str) else ""
    if not cleaned:
        raise Invalid(msg("Bitte einen Text eingeben."), errors={"text": [msg("Bitte einen Text eingeben.")]})
    if len(cleaned) > MESSAGE_MAX:
        raise Invalid(msg("Eine Nachricht hat höchstens %(max)s Zeichen.", max=MESSAGE_MAX),
                      errors={"text": [msg("Höchstens %(max)s Zeichen.", max=MESSAGE_MAX)]})
    message = RunMessage(class_run_id=run.id, text=cleaned, sent_at=now, sender_id=actor.id)
    db.session.add(message)
    # Never moves backwards: the cache key of the teams' view must change with every message.
    if run.last_message_at is None or now > run.last_message_at:
        run.last_message_at = now
    else:
        run.last_message_at = run.last_message_at + dt.timedelta(microseconds=1)
    db.session.flush()
    log.info("message %s to run %s sent by user %s", message.id, run.id, actor.id)
    return message


def history(run: ClassRun) -> list[RunMessage]:
    """Every message of the run, newest first, for the teacher's pages."""
    return list(db.session.scalars(
        db.select(RunMessage).where(RunMessage.class_run_id == run.id).order_by(RunMessage.id.desc())))


def message_view(message) -> dict:
    return {"id": message.id, "text": message.text, "sent_at": message.sent_at.isoformat()}


def _load_team_messages(run_id: int) -> list[dict]:
    rows = db.session.execute(
        db.select(RunMessage.id, RunMessage.text, RunMessage.sent_at).where(RunMessage.class_run_id == run_id)
        .order_by(RunMessage.id.desc()).limit(TEAM_MESSAGES)).all()
    return [message_view(row) for row in reversed(rows)]


def team_messages(run_id: int | None, last_message_at: dt.datetime | None) -> list[dict]:
    """The 20 newest messages of a run, oldest first; `[]` in free play or before the first message."""
    if run_id is None or last_message_at is None:
        return []
    from flask import has_app_context

    if not has_app_context():
        return _load_team_messages(run_id)
    from rallies.runtime import message_cache

    return message_cache().get_or_build((run_id, last_message_at), lambda: _load_team_messages(run_id))
