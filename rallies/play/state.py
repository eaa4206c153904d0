"""A team's state as the play services see it: its rally version, unlocks, answers, progress."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

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


def _state_query():
    """The team's answers (kind 1) and unlocks (kind 0) in one query, built once."""
    team_id = sa.bindparam("team_id")
    answers = sa.select(sa.literal(1).label("kind"), Answer.id.label("row_id"),
                        sa.cast(sa.null(), sa.Integer).label("station_id"), *ANSWER_STATE_COLUMNS
                        ).where(Answer.team_id == team_id)
    unlocks = sa.select(sa.literal(0), StationUnlock.id, StationUnlock.station_id,
                        *(sa.cast(sa.null(), column.type) for column in ANSWER_STATE_COLUMNS)
                        ).where(StationUnlock.team_id == team_id)
    return sa.union_all(answers, unlocks).order_by("kind", "row_id")


STATE_QUERY = _state_query()
TOUCH = sa.update(Team.__table__).where(Team.__table__.c.id == sa.bindparam("team_id")).values(
    last_activity_at=sa.bindparam("now"))


def load_state(team: Team) -> TeamState:
    """Replay the team's stored answers (only the columns scoring needs) over its version."""
    rows = db.session.connection().execute(STATE_QUERY, {"team_id": team.id}).all()  # Core: no ORM layer
    unlocked = {row.station_id for row in rows if row.kind == 0}
    answered = [row for row in rows if row.kind == 1]
    state = build_state(snapshot_of(team), team.station_order, unlocked, answered)
    state.answers_by_client_id = {row.client_id: row for row in answered}
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
        db.session.connection().execute(TOUCH, {"team_id": team.id, "now": now})
        set_committed_value(team, "last_activity_at", now)  # written above: nothing left for a flush


def station_in(snapshot: dict, station_id) -> dict | None:
    """The station of this id in a rally version, or None."""
    return next((s for s in snapshot["stations"] if s["id"] == station_id), None)
