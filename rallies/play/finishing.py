"""A team ends its game; finishing again answers the same time."""

from __future__ import annotations

import datetime as dt
import logging

from rallies.db import db, utcnow
from rallies.models import Team
from rallies.play.state import progress, touch
from rallies.play.team_auth import lock_team

log = logging.getLogger("rallies.play")


def finish(team: Team, *, now: dt.datetime | None = None) -> dict:
    """End the team's game; finishing again answers the same time."""
    now = now or utcnow()
    lock_team(team)
    if team.finished_at is None:
        team.finished_at = now
        touch(team, now)
        db.session.flush()
        log.info("team %s finished", team.id)
    return {"finished_at": team.finished_at.isoformat(), "progress": progress(team, now=now)}
