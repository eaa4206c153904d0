"""A team's state as the play services see it: its rally version, unlocks, answers, progress."""

from __future__ import annotations

import datetime as dt

from rallies.db import db, utcnow
from rallies.models import Answer, RallyVersion, StationUnlock, Team
from rallies.progress import TeamState, build_state, time_left_s, visit_progress

ANSWER_STATE_COLUMNS = (Answer.client_id, Answer.task_id, Answer.correct, Answer.points, Answer.hint_used,
                        Answer.value_digest, Answer.pending_review, Answer.teacher_feedback, Answer.graded_at)
ACTIVITY_RESOLUTION = dt.timedelta(seconds=15)


def snapshot_of(team: Team) -> dict:
    """The team's rally version, parsed once per process and version."""
    from flask import has_app_context

    def load() -> dict:
        return db.session.scalar(db.select(RallyVersion.snapshot).where(RallyVersion.id == team.rally_version_id))

    if not has_app_context():
        return load()
    from rallies.runtime import snapshot_cache

    return snapshot_cache().get_or_build(team.rally_version_id, load)


def load_state(team: Team) -> TeamState:
    """Replay the team's stored answers (only the columns scoring needs) over its version."""
    unlocked = set(db.session.scalars(db.select(StationUnlock.station_id).filter_by(team_id=team.id)))
    answers = db.session.execute(
        db.select(*ANSWER_STATE_COLUMNS).filter_by(team_id=team.id).order_by(Answer.id)
    ).all()
    state = build_state(snapshot_of(team), team.station_order, unlocked, answers)
    state.answers_by_client_id = {row.client_id: row for row in answers}
    return state


def progress(team: Team, *, now: dt.datetime | None = None, state: TeamState | None = None) -> dict:
    """Score, station states, finish time and time left, as the client API reports them."""
    now = now or utcnow()
    state = state or load_state(team)
    return {
        "score": state.score,
        "max_score": state.max_score,
        "stations": state.station_states(),
        "finished_at": team.finished_at.isoformat() if team.finished_at else None,
        "time_left_s": time_left_s(team.joined_at, state.settings.get("time_limit_s"), now),
        **visit_progress(team, state),
    }


def touch(team: Team, now: dt.datetime) -> None:
    """Note the team's last activity; the teacher's live view needs no finer than 15 s, which
    saves an UPDATE on most writes of a busy team."""
    if team.last_activity_at is None or now - team.last_activity_at >= ACTIVITY_RESOLUTION:
        team.last_activity_at = now


def station_in(snapshot: dict, station_id) -> dict | None:
    """The station of this id in a rally version, or None."""
    return next((s for s in snapshot["stations"] if s["id"] == station_id), None)
