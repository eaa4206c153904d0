"""A phone's position at a location station: inside the radius unlocks it."""

from __future__ import annotations

import datetime as dt

from rallies.errors import Invalid, NotFound
from rallies.geo import distance_m as geodesic_m
from rallies.geo import is_inside
from rallies.db import utcnow
from rallies.models import Checkin, Team
from rallies.play.state import load_state, snapshot_of, station_in, touch
from rallies.play.writes import require_uuid, unlock_station, write_once
from rallies.messages import msg


def checkin(team: Team, *, client_id, station_id: int, lat: float, lon: float, accuracy_m: float,
            at: dt.datetime, now: dt.datetime | None = None) -> dict:
    """The phone's position at a location station; inside the radius unlocks it."""
    now = now or utcnow()
    client_id = require_uuid(client_id)

    def create() -> Checkin:
        station = station_in(snapshot_of(team), station_id)
        if station is None:
            raise NotFound(msg("Diese Station gibt es in eurer Rallye nicht."))
        if station["unlock"]["mode"] != "location":
            raise Invalid(msg("Diese Station wird nicht über den Ort freigeschaltet."), code="not_a_location_station")
        unlock = station["unlock"]
        distance = geodesic_m(lat, lon, unlock["lat"], unlock["lon"])
        inside = is_inside(distance, accuracy_m, unlock["radius_m"])
        return Checkin(team_id=team.id, client_id=client_id, station_id=station_id, lat=lat, lon=lon,
                       accuracy_m=accuracy_m, at=at, inside=inside, distance_m=round(distance, 1), received_at=now)

    row, created = write_once(
        team, Checkin, client_id, create=create, reused="This id was used for a different check-in.",
        same=lambda stored: (stored.station_id, stored.lat, stored.lon) == (station_id, lat, lon))
    if created:
        if row.inside:
            unlock_station(team, station_id, "location", now)
        touch(team, now)
    state = load_state(team)
    return {"id": client_id, "status": "accepted" if created else "duplicate", "inside": row.inside,
            "distance_m": row.distance_m, "unlocked": not state.is_locked(row.station_id)}
