"""Finding public rallies to play: near a place, by words, a page at a time."""

from __future__ import annotations

from rallies.db import db
from rallies.geo import distance_m as geodesic_m
from rallies.models import Rally

DISCOVERY_PAGE_SIZE = 50
KM_PER_DEGREE = 111.32


def discover(*, near: tuple[float, float] | None = None, radius_km: float = 50.0, q: str | None = None,
             page: int = 1, page_size: int = DISCOVERY_PAGE_SIZE) -> tuple[list[dict], bool]:
    """Public, published rallies: with `near` those within `radius_km`, nearest first;
    `q` matches title, theme and institution name ignoring case. Returns (items, has_more).

    Text matching and geodesic distances are done here rather than in SQL so that they
    mean the same on SQLite (whose lower() knows only ASCII) and PostgreSQL; a bounding
    box keeps the candidates few.
    """
    import math

    from rallies.media_library import descriptor

    query = (db.select(Rally)
             .where(Rally.visibility == "public", Rally.published_version_id.is_not(None),
                    Rally.free_play_code.is_not(None)))
    if near is not None:
        lat, lon = near
        dlat = radius_km / KM_PER_DEGREE
        query = query.where(Rally.start_lat.is_not(None), Rally.start_lon.is_not(None),
                            Rally.start_lat.between(lat - dlat, lat + dlat))
        cos_lat = math.cos(math.radians(min(abs(lat) + dlat, 90.0)))
        if cos_lat > 0.01:
            dlon = radius_km / (KM_PER_DEGREE * cos_lat)
            if dlon < 180:
                west, east = lon - dlon, lon + dlon
                if west < -180:
                    query = query.where((Rally.start_lon >= west + 360) | (Rally.start_lon <= east))
                elif east > 180:
                    query = query.where((Rally.start_lon >= west) | (Rally.start_lon <= east - 360))
                else:
                    query = query.where(Rally.start_lon.between(west, east))
    rallies = db.session.scalars(query).unique().all()
    needle = " ".join(q.split()).casefold() if q else ""
    found = []
    for rally in rallies:
        if needle and not any(needle in (text or "").casefold()
                              for text in (rally.title, rally.theme, rally.owner_name)):
            continue
        distance = None
        if near is not None:
            distance = geodesic_m(near[0], near[1], rally.start_lat, rally.start_lon)
            if distance > radius_km * 1000:
                continue
        found.append((rally, distance))
    if near is not None:
        found.sort(key=lambda pair: (pair[1], pair[0].id))
    else:
        found.sort(key=lambda pair: (pair[0].title.casefold(), pair[0].id))
    start = (page - 1) * page_size
    chosen = found[start:start + page_size]
    items = [{
        "id": rally.id,
        "title": rally.title,
        "theme": rally.theme or "",
        "language": rally.language,
        "age_min": rally.age_min,
        "age_max": rally.age_max,
        "institution": {"name": rally.owner_name, "kind": rally.owner_kind},
        "cover": descriptor(rally.cover, rally.cover_alt) if rally.cover is not None else None,
        "start": ({"lat": rally.start_lat, "lon": rally.start_lon}
                  if rally.start_lat is not None and rally.start_lon is not None else None),
        "distance_m": round(distance, 1) if distance is not None else None,
        "join_code": rally.free_play_code,
    } for rally, distance in chosen]
    return items, len(found) > start + page_size
