"""Joining a class run or a public rally's free play as a new team, with a fresh token."""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata

from sqlalchemy.exc import IntegrityError

from rallies.db import db, utcnow
from rallies.errors import Conflict, Invalid, NotFound
from rallies.models import ClassRun, Rally, RallyVersion, Team
from rallies.play.policy import PlayPolicy
from rallies.tokens import hash_secret, is_valid_join_code, new_secret, normalise_join_code
from rallies.messages import msg

log = logging.getLogger("rallies.play")

TEAM_NAME_MAX = 40


def clean_team_name(raw) -> str:
    """Trimmed, inner whitespace collapsed, 1 to 40 characters."""
    if not isinstance(raw, str):
        raise Invalid(msg("Ein Teamname ist nötig."), errors={"team_name": [msg("Ein Teamname ist nötig.")]})
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if not 1 <= len(name) <= TEAM_NAME_MAX:
        raise Invalid(msg("Der Teamname muss 1 bis 40 Zeichen haben."),
                      errors={"team_name": ["1 to 40 characters."]})
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise Invalid(msg("Der Teamname enthält Steuerzeichen."), errors={"team_name": [msg("Keine Steuerzeichen.")]})
    return name


def is_blocked(name: str, blocklist: tuple[str, ...]) -> bool:
    """A name is refused when it contains a blocked word (case-insensitive, ignoring spacing tricks)."""
    folded = name.casefold()
    squeezed = re.sub(r"[\W_]+", "", folded)
    return any(word and (word in folded or word.replace(" ", "") in squeezed) for word in blocklist)


def find_join_target(code) -> tuple[ClassRun | None, Rally | None]:
    """The class run or public rally a join code belongs to; 422 when malformed, 404 when unknown."""
    normalised = normalise_join_code(code if isinstance(code, str) else "")
    if not is_valid_join_code(normalised):
        raise Invalid(msg("Ein Beitrittscode hat 6 bis 8 Buchstaben und Ziffern."), errors={"code": [msg("Kein gültiger Beitrittscode.")]})
    run = db.session.scalar(db.select(ClassRun).filter_by(join_code=normalised))
    if run is not None:
        return run, None
    rally = db.session.scalar(db.select(Rally).filter_by(free_play_code=normalised))
    if rally is None or rally.visibility != "public" or rally.published_version_id is None:
        raise NotFound(msg("Keine Klassenrallye und keine Rallye hat diesen Code."), code="unknown_code")
    return None, rally


def join(code: str, team_name, *, policy: PlayPolicy, now: dt.datetime | None = None,
         admit=None) -> tuple[Team, str]:
    """Join a class run or a public rally's free play as a new team; returns the team and its token.

    `admit`, when given, is called once the code is known to be valid and before anything
    is stored (the client API counts valid joins against their own rate limit there).
    """
    now = now or utcnow()
    run, rally = find_join_target(code)
    if admit is not None:
        admit()
    if run is not None and not run.starts_at <= now <= run.ends_at:
        raise Conflict(msg("Dieser Klassenrallye kann man jetzt nicht beitreten."), code="run_not_open",
                       starts_at=run.starts_at.isoformat(), ends_at=run.ends_at.isoformat())
    name = clean_team_name(team_name)
    if is_blocked(name, policy.blocklist):
        raise Invalid(msg("Bitte einen anderen Teamnamen wählen."), code="team_name_refused",
                      errors={"team_name": [msg("Dieser Name ist nicht erlaubt.")]})
    if run is not None:
        team = Team(class_run_id=run.id, rally_id=run.rally_id, rally_version_id=run.rally_version_id,
                    name_scope=f"run:{run.id}", expires_at=run.ends_at + policy.grace)
    else:
        team = Team(class_run_id=None, rally_id=rally.id, rally_version_id=rally.published_version_id,
                    name_scope=f"free:{rally.id}:{now.date().isoformat()}",
                    expires_at=now + policy.free_play_lifetime)
    secret = new_secret(32)
    team.name = name
    team.name_key = name.casefold()
    team.token_hash = hash_secret(secret)
    team.joined_at = now
    version = db.session.get(RallyVersion, team.rally_version_id)
    from rallies.bundle import station_order_for_team

    team.station_order = station_order_for_team(version.snapshot, secret)
    if db.session.scalar(db.select(Team.id).filter_by(name_scope=team.name_scope, name_key=team.name_key)):
        raise Conflict(msg("Ein anderes Team hat schon diesen Namen."), code="team_name_taken")
    try:
        with db.session.begin_nested():
            db.session.add(team)
    except IntegrityError:
        raise Conflict(msg("Ein anderes Team hat schon diesen Namen."), code="team_name_taken") from None
    log.info("team %s joined %s", team.id, team.name_scope)
    return team, secret


def joined(team: Team, token: str) -> dict:
    """The client API's answer to a join: the token, the team, its run and its rally version."""
    version = team.rally_version
    run = team.class_run
    return {
        "token": token,
        "team": {"id": team.id, "name": team.name},
        "run": None if run is None else {"id": run.id, "class_label": run.class_label,
                                         "starts_at": run.starts_at.isoformat(), "ends_at": run.ends_at.isoformat()},
        "rally": {"id": team.rally_id, "title": version.snapshot["rally"]["title"], "version": version.version,
                  "bundle_url": f"/api/v1/rallies/{team.rally_id}/bundle"},
    }
