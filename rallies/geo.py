"""Distances and the inside-the-radius rule shared by location stations and find-the-place tasks."""

from __future__ import annotations

import math
from typing import Any

from geopy.distance import geodesic

ACCURACY_ALLOWANCE_CAP_M = 50.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic (WGS 84) distance in metres, as the client API promises."""
    return geodesic((lat1, lon1), (lat2, lon2)).meters


def is_inside(distance_m: float, accuracy_m: float, radius_m: float) -> bool:
    """Whether a fix counts as inside: its accuracy helps, but by at most 50 m or half the radius.

    The cap keeps a very inaccurate fix (5 km in a museum basement) from unlocking a far place.
    """
    allowance = min(accuracy_m, ACCURACY_ALLOWANCE_CAP_M, radius_m / 2)
    return distance_m - allowance <= radius_m


def _coordinate(value: Any, name: str, limit: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number.")
    if not -limit <= value <= limit:
        raise ValueError(f"{name} must be between -{limit:g} and {limit:g}.")
    return float(value)


def validate_lat_lon(lat: Any, lon: Any) -> tuple[float, float]:
    """The WGS 84 coordinates as floats; ValueError with a readable message when out of range."""
    return _coordinate(lat, "lat", 90), _coordinate(lon, "lon", 180)
