"""How much pupils' uploads may take: a per-run storage quota, so one class cannot fill the disk."""

from __future__ import annotations

from rallies.db import db
from rallies.errors import DomainError
from rallies.models import Team, Upload


class QuotaExceeded(DomainError):
    """The run's (or free-play team's) uploads would exceed the operator's quota (413)."""

    status = 413
    code = "quota_exceeded"


def stored_upload_bytes(team: Team) -> int:
    """Bytes stored for the team's class run (all its teams), or for a free-play team alone."""
    query = db.select(db.func.coalesce(db.func.sum(Upload.bytes), 0)).join(Team, Team.id == Upload.team_id)
    if team.class_run_id is not None:
        query = query.where(Team.class_run_id == team.class_run_id)
    else:
        query = query.where(Team.id == team.id)
    return int(db.session.scalar(query) or 0)


def check_upload_quota(team: Team, *, client_id: str, incoming_bytes: int, run_quota: int,
                       free_play_quota: int) -> None:
    """Refuse a new upload that would take the run past its quota; a replay of a stored one passes."""
    if db.session.scalar(db.select(Upload.id).filter_by(team_id=team.id, client_id=str(client_id).lower())):
        return
    quota = run_quota if team.class_run_id is not None else free_play_quota
    if stored_upload_bytes(team) + incoming_bytes > quota:
        raise QuotaExceeded(
            f"The uploads of this {'class run' if team.class_run_id is not None else 'game'} have reached "
            f"their storage quota of {quota // (1024 * 1024)} MB.", quota_bytes=quota)
