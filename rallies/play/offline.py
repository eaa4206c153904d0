"""The offline bundle a team's phone plays from: its own rally version in its station order."""

from __future__ import annotations

from rallies.db import db
from rallies.errors import NotFound
from rallies.models import RallyVersion, Team
from rallies.messages import msg


def team_bundle(team: Team, rally_id: int, *, cache=None) -> tuple[bytes, str]:
    """The offline bundle of the team's own rally version, in its order, with a strong ETag."""
    from rallies.bundle import cached_bundle

    if rally_id != team.rally_id:
        raise NotFound(msg("Diese Rallye gibt es für euer Team nicht."))

    def load() -> tuple[dict, int]:
        version = db.session.get(RallyVersion, team.rally_version_id)
        return version.snapshot, version.version

    return cached_bundle(team.rally_version_id, team.station_order, load, cache)
