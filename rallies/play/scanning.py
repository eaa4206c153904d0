"""QR codes read by a team's phone: a station unlocks once, however often the scan is sent."""

from __future__ import annotations

import datetime as dt
import re

from rallies import short_codes
from rallies.db import db, utcnow
from rallies.errors import NotFound
from rallies.models import Scan, Station, Team
from rallies.play.state import load_state, snapshot_of, station_in, touch
from rallies.play.writes import require_uuid, unlock_station, write_once
from rallies.messages import msg

PAYLOAD_MAX = 500


def token_from_payload(payload: str) -> str:
    """The station token from a full `/q/<token>` URL or a bare token."""
    text = (payload or "").strip()
    if "/q/" in text:
        text = text.rsplit("/q/", 1)[1]
    text = re.split(r"[?#/]", text, maxsplit=1)[0]
    return text


def scan(team: Team, *, client_id, payload: str, scanned_at: dt.datetime, now: dt.datetime | None = None) -> dict:
    """Record a QR code read by the phone; the station unlocks once, however often it is sent."""
    now = now or utcnow()
    client_id = require_uuid(client_id)
    stored_payload = payload.strip()[:PAYLOAD_MAX]

    def create() -> Scan:
        token = token_from_payload(payload)
        live = db.session.scalar(db.select(Station).filter_by(qr_token=token)) if token else None
        if live is None:
            live = short_codes.station_for_short_code(team.rally_id, payload)
        station = station_in(snapshot_of(team), live.id) if live is not None else None
        if station is None or station["unlock"]["mode"] != "qr":
            raise NotFound(msg("Dieser Code gehört zu keiner Station eurer Rallye."), code="unknown_code")
        return Scan(team_id=team.id, client_id=client_id, station_id=station["id"], payload=stored_payload,
                    scanned_at=scanned_at, received_at=now)

    row, created = write_once(team, Scan, client_id, same=lambda stored: stored.payload == stored_payload,
                              create=create, reused="This id was used for a different scan.")
    if created:
        unlock_station(team, row.station_id, "qr", now)
        touch(team, now)
    station = station_in(snapshot_of(team), row.station_id)
    state = load_state(team)
    return {"id": client_id, "status": "accepted" if created else "duplicate",
            "station": {"id": station["id"], "title": station["title"]},
            "unlocked": not state.is_locked(station["id"])}
