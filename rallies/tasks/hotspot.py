"""Hotspot tasks: tap the detail in the picture ("Wo hält die Figur den Schlüssel?").

The picture is the task's first image (attached with its alternative text like any task
media); the regions that count as right are circles and polygons in fractions of the
picture's width and height (0…1 from the top-left corner), so they fit the picture at any
size. A circle's radius is a fraction of the width; `aspect` (height ÷ width of the
picture, set by the editor) keeps it round on pictures that are not square.
"""

from __future__ import annotations

import math
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from rallies.messages import msg

from .base import NO_SOLUTION, RIGHT, WRONG, InvalidValue, Score, TaskType, task_type
from .schemas import StrictSchema

MAX_REGIONS = 20
MAX_POINTS = 50

Fraction = lambda **kw: fields.Float(required=True, allow_nan=False, validate=validate.Range(0, 1), **kw)  # noqa: E731


class CircleSchema(StrictSchema):
    x = Fraction()
    y = Fraction()
    r = fields.Float(required=True, allow_nan=False, validate=validate.Range(0.005, 1))


class RegionSchema(StrictSchema):
    """Either `{"circle": {x, y, r}}` or `{"polygon": [[x, y], …]}` with 3..50 corners."""

    circle = fields.Nested(CircleSchema)
    polygon = fields.List(fields.List(fields.Float(allow_nan=False, validate=validate.Range(0, 1)),
                                      validate=validate.Length(equal=2)),
                          validate=validate.Length(3, MAX_POINTS))

    @validates_schema
    def one_shape(self, data: dict, **kwargs: Any) -> None:
        if ("circle" in data) == ("polygon" in data):
            raise ValidationError(msg("Jeder Bereich ist ein Kreis oder ein Vieleck."))


class HotspotConfigSchema(StrictSchema):
    """1..20 regions that count as right, and the picture's height ÷ width."""

    regions = fields.List(fields.Nested(RegionSchema), required=True,
                          validate=validate.Length(1, MAX_REGIONS,
                                                   error=msg("%(min)s bis %(max)s Bereiche im Bild.")))
    aspect = fields.Float(load_default=1.0, allow_nan=False, validate=validate.Range(0.05, 20))


def inside_circle(point: tuple[float, float], circle: dict, aspect: float) -> bool:
    """Distance measured in widths: a fraction of the height is `aspect` widths."""
    dx = point[0] - circle["x"]
    dy = (point[1] - circle["y"]) * aspect
    return math.hypot(dx, dy) <= circle["r"]


def inside_polygon(point: tuple[float, float], corners: list[list[float]]) -> bool:
    """Ray casting; scaling the axes does not change what is inside, so fractions will do."""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(corners, corners[1:] + corners[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def first_image(media: list[dict]) -> dict | None:
    return next((item for item in media if str(item.get("content_type", "")).startswith("image/")), None)


@task_type("hotspot")
class HotspotTask(TaskType):
    """Tap the place in the picture; right inside one of the regions, no partial credit."""

    config_schema = HotspotConfigSchema

    def parse_value(self, config: dict, value: Any) -> dict:
        """`{x, y}`: where the team tapped, fractions 0…1 of the picture's width and height."""
        if not isinstance(value, dict) or set(value) != {"x", "y"}:
            raise InvalidValue(msg("Die Antwort ist ein Punkt {x, y} im Bild."))
        point = {}
        for key in ("x", "y"):
            number = value[key]
            if isinstance(number, bool) or not isinstance(number, (int, float)) or not 0 <= number <= 1:
                raise InvalidValue(msg("x und y sind Anteile von 0 bis 1 der Bildbreite und -höhe."))
            point[key] = float(number)
        return point

    def score(self, config: dict, value: dict) -> Score:
        """Right when the tap lies in any region."""
        point = (value["x"], value["y"])
        for region in config["regions"]:
            if "circle" in region and inside_circle(point, region["circle"], config["aspect"]):
                return RIGHT
            if "polygon" in region and inside_polygon(point, region["polygon"]):
                return RIGHT
        return WRONG

    def bundle_view(self, config: dict, task: dict) -> dict:
        """The picture to tap and how many places count; the regions travel only as a solution."""
        return {"image": first_image(task.get("media") or []), "regions_count": len(config["regions"])}

    def solution(self, config: dict) -> Any:
        """The regions, for offline feedback."""
        return [dict(region) for region in config["regions"]] or NO_SOLUTION

    def describe_value(self, config: dict, value: dict) -> str:
        """Where the team tapped, in percent of the picture."""
        return f"x {value['x'] * 100:.0f} %, y {value['y'] * 100:.0f} %"

    def describe_solution(self, config: dict) -> str:
        return msg("%(count)s Bereich(e) im Bild", count=len(config["regions"]))
