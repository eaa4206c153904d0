"""The class visit seen live: a cheap change marker, the per-station view, the closing ranking.

The teacher's live page asks "has anything changed since version V?" far more often than
anything changes. `live_version` answers that with one aggregate query over the run's
teams and answers (indexed by run and team), so that only a real change costs the full
`results.live_progress` load. No team position is stored for it: the per-station view
counts unlocks and finished stations from the same state the phones are scored with.
"""

from __future__ import annotations

import hashlib

from rallies.db import db
from rallies.errors import Conflict
from rallies.messages import msg
from rallies.models import Answer, ClassRun, Team
from rallies.results import load_run, ranking
from rallies.runs import require_not_purged


def live_version(run: ClassRun) -> str:
    """A short fingerprint of everything the live page shows; it changes when any of it does."""
    teams = db.session.execute(
        db.select(db.func.count(Team.id), db.func.max(Team.last_activity_at), db.func.count(Team.finished_at))
        .where(Team.class_run_id == run.id)).one()
    answers = db.session.execute(
        db.select(db.func.count(Answer.id), db.func.max(Answer.id), db.func.max(Answer.graded_at))
        .join(Team, Team.id == Answer.team_id).where(Team.class_run_id == run.id)).one()
    parts = [*teams, *answers, run.starts_at, run.ends_at, run.last_message_at]
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


def station_overview(data) -> list[dict]:
    """Per station of the rally: how many teams have it unlocked (or done) and how many have finished it."""
    rows = []
    for position, station in enumerate(data.snapshot["stations"], start=1):
        unlocked = done = 0
        for team in data.teams:
            state = next(s for s in data.states[team.id].station_states() if s["id"] == station["id"])
            if state["state"] != "locked":
                unlocked += 1
            if state["state"] == "done":
                done += 1
        rows.append({"id": station["id"], "position": position, "title": station["title"],
                     "unlocked": unlocked, "done": done, "teams": len(data.teams)})
    return rows


def stations_live(run: ClassRun) -> list[dict]:
    require_not_purged(run)
    return station_overview(load_run(run))


def ranking_hidden_reason(run: ClassRun, snapshot: dict) -> object | None:
    """Why the closing ranking cannot be shown (a Msg), or None."""
    if not snapshot["rally"]["settings"].get("show_points", True):
        return msg("Diese Rallye zeigt keine Punkte, daher gibt es keine Rangliste.")
    if not run.show_ranking:
        return msg("Die Rangliste ist für diesen Lauf ausgeschaltet.")
    return None


def closing_ranking(run: ClassRun) -> dict:
    """Teams with their places and points, last place first: the order the teacher reveals them in.

    Refused (409 `ranking_hidden`) when the rally hides points or the teacher switched the
    ranking off for the run.
    """
    require_not_purged(run)
    data = load_run(run)
    reason = ranking_hidden_reason(run, data.snapshot)
    if reason is not None:
        raise Conflict(reason, code="ranking_hidden")
    rows = ranking(data)
    return {
        "run_id": run.id, "rally_title": data.rally_title, "class_label": run.class_label,
        "teams": [{"rank": row["rank"], "name": row["team"].name, "score": row["score"],
                   "max_score": row["max_score"]} for row in reversed(rows)],
    }
