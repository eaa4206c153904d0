"""Team-token authentication and the operator's play policy, read once per request."""

from __future__ import annotations

import datetime as dt

from flask import current_app, request

from client_api import limits
from rallies import play

TEAM_SECURITY = [{"teamToken": []}]


def authenticate_team() -> None:
    """Before anything else of a team route (also before the body is validated): the token
    must be valid (401 `unauthorized` or `token_expired`), and a write counts against the
    team's write limit (429)."""
    writing = request.method not in ("GET", "HEAD", "OPTIONS")
    team = play.team_for_token(request.headers.get("Authorization"), for_write=writing)
    request.client_team = team
    # for the request log, which runs after the commit has expired the team's row
    request.client_team_ids = (team.id, team.class_run_id)
    if writing:
        limits.hit_team_write(team.token_hash)


def current_team():
    """The team of the request's bearer token, authenticated before the route ran."""
    team = getattr(request, "client_team", None)
    if team is None:
        authenticate_team()
        team = request.client_team
    return team


def policy() -> play.PlayPolicy:
    config = current_app.config
    return play.PlayPolicy(
        grace=dt.timedelta(hours=config.get("TOKEN_GRACE_HOURS", 2)),
        free_play_lifetime=dt.timedelta(hours=config.get("FREE_PLAY_TOKEN_HOURS", 24)),
        blocklist=tuple(word.casefold() for word in config.get("TEAM_NAME_BLOCKLIST") or ()),
    )
