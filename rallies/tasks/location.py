"""Find-the-place tasks: right when the phone's position is inside the place by the check-in rule."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from .. import geo
from .base import RIGHT, WRONG, InvalidValue, Score, TaskType, task_type
from .schemas import StrictSchema
from .values import format_number, is_number
from rallies.messages import msg

MIN_RADIUS_M = 10
MAX_RADIUS_M = 5000
VALUE_KEYS = ("lat", "lon", "accuracy_m")


class LocationConfigSchema(StrictSchema):
    """The place and how close (10..5000 m) counts as there."""

    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    radius_m = fields.Float(required=True, validate=validate.Range(MIN_RADIUS_M, MAX_RADIUS_M))


@task_type("location")
class LocationTask(TaskType):
    """Reach a place shown on the map."""

    config_schema = LocationConfigSchema

    def parse_value(self, config: dict, value: Any) -> dict[str, float]:
        """`{lat, lon, accuracy_m}`, all numbers, coordinates in range, accuracy not negative."""
        if not isinstance(value, dict):
            raise InvalidValue(msg("Die Antwort muss ein Objekt mit lat, lon und accuracy_m sein."))
        missing = [key for key in VALUE_KEYS if key not in value]
        if missing:
            raise InvalidValue(msg("Der Antwort fehlt: %(fields)s.", fields=", ".join(missing)))
        extra = sorted(set(value) - set(VALUE_KEYS))
        if extra:
            raise InvalidValue(msg("Die Antwort hat unbekannte Schlüssel: %(keys)s.", keys=", ".join(map(str, extra))))
        try:
            lat, lon = geo.validate_lat_lon(value["lat"], value["lon"])
        except ValueError as error:
            raise InvalidValue(str(error)) from error
        accuracy = value["accuracy_m"]
        if not is_number(accuracy) or accuracy < 0:
            raise InvalidValue("accuracy_m must be a number of metres, 0 or more.")
        return {"lat": lat, "lon": lon, "accuracy_m": float(accuracy)}

    def score(self, config: dict, value: dict[str, float]) -> Score:
        """Right when inside by the same rule as a location station's check-in."""
        return RIGHT if self._inside(config, value) else WRONG

    def public_view(self, config: dict) -> dict:
        """The place itself: finding it on the map is the task."""
        return {"target": {"lat": config["lat"], "lon": config["lon"], "radius_m": config["radius_m"]}}

    def describe_value(self, config: dict, value: dict[str, float]) -> str:
        """Where the phone was, how exact, and how far from the place."""
        distance = geo.distance_m(value["lat"], value["lon"], config["lat"], config["lon"])
        return (
            f"{value['lat']:.6f}, {value['lon']:.6f} (±{format_number(round(value['accuracy_m']))} m), "
            f"{format_number(round(distance))} m from the place"
        )

    def describe_solution(self, config: dict) -> str:
        """The place and its radius."""
        return msg("im Umkreis von %(radius)s m um %(lat)s, %(lon)s", radius=format_number(config["radius_m"]),
                   lat=f"{config['lat']:.6f}", lon=f"{config['lon']:.6f}")

    @staticmethod
    def _inside(config: dict, value: dict[str, float]) -> bool:
        distance = geo.distance_m(value["lat"], value["lon"], config["lat"], config["lon"])
        return geo.is_inside(distance, value["accuracy_m"], config["radius_m"])
