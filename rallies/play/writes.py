"""Writes from phones, stored once per client-generated id: lock, look up, compare, insert."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Callable, TypeVar

from sqlalchemy.exc import IntegrityError

from rallies.db import db
from rallies.errors import Conflict, Invalid
from rallies.models import StationUnlock, Team
from rallies.play.team_auth import lock_team
from rallies.messages import msg

Row = TypeVar("Row")


def is_uuid(value) -> bool:
    """True for a string that parses as a UUID."""
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def require_uuid(value) -> str:
    """The id in lower case; 422 when it is not a UUID."""
    if not is_uuid(value):
        raise Invalid(msg("Die id muss eine UUID sein."), errors={"id": [msg("Keine gültige UUID.")]})
    return str(value).lower()


def stored_row(model: type[Row], team: Team, client_id: str) -> Row | None:
    """The team's row of this model stored under this client id, if any."""
    return db.session.scalar(db.select(model).filter_by(team_id=team.id, client_id=client_id))


def write_once(team: Team, model: type[Row], client_id: str, *, same: Callable[[Row], bool],
               create: Callable[[], Row], reused: str, discard: Callable[[Row], None] | None = None,
               ) -> tuple[Row, bool]:
    """Store `create()` once per (team, client id); returns (row, created).

    The team's lock is taken first, so the look-up sees every earlier write of the team. A row
    already stored under the id is answered again when `same(row)` holds, else 409 `id_reused`
    with the message `reused`. `create` runs only when nothing is stored and may refuse by
    raising. The unique (team, client id) constraint is the safety net: should the insert
    collide all the same, the new row is dropped (`discard(row)` cleans up after it) and the
    stored one is compared as above.
    """
    lock_team(team)
    existing = stored_row(model, team, client_id)
    if existing is None:
        row = create()
        try:
            with db.session.begin_nested():
                db.session.add(row)
            return row, True
        except IntegrityError:
            if discard is not None:
                discard(row)
            existing = stored_row(model, team, client_id)
            if existing is None:
                raise
    if not same(existing):
        raise Conflict(reused, code="id_reused")
    return existing, False


def unlock_station(team: Team, station_id: int, via: str, now: dt.datetime) -> None:
    """Record that the team unlocked a station (once; a second unlock changes nothing)."""
    if db.session.scalar(db.select(StationUnlock.id).filter_by(team_id=team.id, station_id=station_id)):
        return
    try:
        with db.session.begin_nested():
            db.session.add(StationUnlock(team_id=team.id, station_id=station_id, via=via, at=now))
    except IntegrityError:
        pass  # unlocked by a concurrent request: the outcome is the same
