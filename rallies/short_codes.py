"""Short station codes: five characters a team without a working camera types instead of scanning.

Drawn from the join-code alphabet (no 0/O, 1/I/L look-alikes), unique within their rally, and
renewed with the station's QR token, so regenerating a printed code retires both. They are a
second way to the same scan: `POST /api/v1/team/scans` takes one as its payload, normalised
like a join code. They never travel to a team (bundle, progress, scan results).
"""

from __future__ import annotations

import secrets

from rallies.db import db
from rallies.models import Station
from rallies.tokens import JOIN_CODE_ALPHABET, new_secret, normalise_join_code

SHORT_CODE_LENGTH = 5


def _taken_in(station: Station) -> set[str]:
    """The codes the station's rally already uses (those in this session too), except its own."""
    with db.session.no_autoflush:  # the station may be half-built (a copy under way)
        taken = {s.short_code for s in (station.rally.stations if station.rally is not None else [])
                 if s is not station and s.short_code}
        rally_id = station.rally_id or (station.rally.id if station.rally is not None else None)
        if rally_id is not None:
            query = db.select(Station.short_code).filter(Station.rally_id == rally_id, Station.short_code.is_not(None))
            if station.id is not None:
                query = query.filter(Station.id != station.id)
            taken |= set(db.session.scalars(query))
    return taken


def new_short_code(taken: set[str] = frozenset()) -> str:
    """A random code not in `taken` (31⁵ ≈ 28 million codes: a rally of 200 stations never waits)."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))
        if code not in taken:
            return code


def issue_qr_codes(station: Station) -> Station:
    """A fresh QR token and a fresh short code for a QR station (new, copied or regenerated)."""
    station.qr_token = new_secret(24)
    station.short_code = new_short_code(_taken_in(station) | ({station.short_code} if station.short_code else set()))
    return station


def normalise_short_code(payload: str) -> str:
    """Upper-cased without spaces and hyphens, like a join code: `k7m-3p` → `K7M3P`."""
    return normalise_join_code((payload or "").strip())


def is_short_code(text: str) -> bool:
    return len(text) == SHORT_CODE_LENGTH and all(ch in JOIN_CODE_ALPHABET for ch in text)


def station_for_short_code(rally_id: int, payload: str) -> Station | None:
    """The live station of this rally with this short code, or None (another rally's code too)."""
    code = normalise_short_code(payload)
    if not is_short_code(code):
        return None
    return db.session.scalar(db.select(Station).filter_by(rally_id=rally_id, short_code=code))


def display_short_code(code: str | None) -> str:
    """`K7M3P` printed as `K7M-3P`: easier to read aloud and to copy; the hyphen is ignored when typed."""
    return f"{code[:3]}-{code[3:]}" if code else ""
