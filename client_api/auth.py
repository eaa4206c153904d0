"""Team-token authentication and the operator's play policy, read once per request."""

from __future__ import annotations

import datetime as dt

from flask import current_app, request

from client_api import limits
from rallies import play

TEAM_SECURITY = [{"teamToken": []}]


def current_team():
    """The team of the request's bearer token: 401 `unauthorized` or `token_expired` otherwise."""
    return play.team_for_token(request.headers.get("Authorization"))


def writing_team():
    """The team, for a write: also counts against the team's write limit."""
    team = current_team()
    limits.hit_team_write(team.token_hash)
    return team


def policy() -> play.PlayPolicy:
    config = current_app.config
    return play.PlayPolicy(
        grace=dt.timedelta(hours=config.get("TOKEN_GRACE_HOURS", 2)),
        free_play_lifetime=dt.timedelta(hours=config.get("FREE_PLAY_TOKEN_HOURS", 24)),
        blocklist=tuple(word.casefold() for word in config.get("TEAM_NAME_BLOCKLIST") or ()),
    )
