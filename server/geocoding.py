"""Address search for the studio's map through geopy, with the geocoder the config names.

`GEOCODER` is a geopy service name (Nominatim by default, with a user agent that names this
site as its usage policy asks) or `none`; tests put a fake geocoder object there instead.
Answers are cached per process, and Nominatim is asked at most once a second.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from flask import current_app

log = logging.getLogger(__name__)

CACHE_SIZE = 500
_cache: OrderedDict[tuple[str, str], list[dict]] = OrderedDict()
_lock = threading.Lock()
_services: dict[tuple[str, str], object] = {}


class GeocoderUnavailable(Exception):
    """Address search is switched off or its service did not answer."""


def _service():
    setting = current_app.config.get("GEOCODER", "nominatim")
    if not isinstance(setting, str):
        return "custom", setting
    if setting in ("", "none", "off"):
        return setting, None
    agent = current_app.config.get("GEOCODER_USER_AGENT") or \
        f"rallyhub/1.0 (+{current_app.config.get('PUBLIC_URL', 'http://localhost')})"
    key = (setting, agent)
    if key not in _services:
        from geopy.extra.rate_limiter import RateLimiter  # noqa: PLC0415 - only when search is on
        from geopy.geocoders import get_geocoder_for_service  # noqa: PLC0415

        geocoder = get_geocoder_for_service(setting)(user_agent=agent, timeout=5)
        _services[key] = RateLimiter(geocoder.geocode, min_delay_seconds=1, max_retries=0, swallow_exceptions=False)
    return setting, _services[key]


def enabled() -> bool:
    return _service()[1] is not None


def search(query: str, *, limit: int = 5) -> list[dict]:
    """Places for a free-text address: `[{"label", "lat", "lon"}]`, best first; [] when nothing fits."""
    query = " ".join((query or "").split())[:200]
    if len(query) < 3:
        return []
    name, service = _service()
    if service is None:
        raise GeocoderUnavailable("Address search is switched off (GEOCODER=none).")
    key = (name, query.casefold())
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    geocode = service.geocode if hasattr(service, "geocode") else service
    try:
        found = geocode(query, exactly_one=False, limit=limit) or []
    except Exception as error:  # noqa: BLE001 - geopy raises many kinds; the author only needs "not now"
        log.warning("geocoder %s failed for %r: %s", name, query, error)
        raise GeocoderUnavailable(str(error)) from None
    results = [{"label": place.address, "lat": round(place.latitude, 6), "lon": round(place.longitude, 6)}
               for place in found[:limit]]
    with _lock:
        _cache[key] = results
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return results


def clear_cache() -> None:
    with _lock:
        _cache.clear()
