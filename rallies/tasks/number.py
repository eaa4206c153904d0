"""Number and estimate tasks: right within an absolute or relative tolerance, optionally partly right beyond it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from .base import RIGHT, WRONG, Score, TaskType, task_type
from .schemas import StrictSchema, Text
from .values import format_number, require_number
from rallies.messages import msg


def exact(number: float) -> Decimal:
    """A number as the decimal it was written as, so that 0.33 is exactly 10 % off 0.3."""
    return Decimal(repr(number))


class NumberConfigSchema(StrictSchema):
    """The right value, a tolerance (a fraction of the value when relative), an optional partial band and unit."""

    value = fields.Float(required=True, allow_nan=False)
    tolerance = fields.Float(load_default=0.0, allow_nan=False, validate=validate.Range(min=0))
    relative = fields.Boolean(load_default=False)
    partial_band = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=validate.Range(min=0))
    unit = Text(load_default=None, allow_none=True, validate=validate.Length(max=40))

    @validates_schema
    def consistent(self, data: dict, **kwargs: Any) -> None:
        band = data["partial_band"]
        if band is not None and band <= data["tolerance"]:
            raise ValidationError(msg("Der Bereich für Teilpunkte muss breiter sein als die Toleranz."), "partial_band")
        if data["relative"] and data["value"] == 0:
            raise ValidationError(msg("Eine relative Toleranz braucht einen Wert ungleich 0."), "relative")

    @post_load
    def no_empty_unit(self, data: dict, **kwargs: Any) -> dict:
        data["unit"] = data["unit"] or None
        return data


@task_type("number")
class NumberTask(TaskType):
    """Give a number; close enough is right, and with a partial band nearly close enough earns a share."""

    config_schema = NumberConfigSchema

    def partial_credit(self, config: dict) -> bool:
        """Only with a partial band."""
        return config["partial_band"] is not None

    def parse_value(self, config: dict, value: Any) -> int | float:
        """A finite number; true and false are not numbers."""
        return require_number(value)

    def score(self, config: dict, value: int | float) -> Score:
        """Right within the tolerance (inclusive); in the band the share falls linearly from 1 to 0."""
        target = exact(config["value"])
        scale = abs(target) if config["relative"] else Decimal(1)
        allowed = exact(config["tolerance"]) * scale
        off = abs(exact(value) - target)
        if off <= allowed:
            return RIGHT
        if config["partial_band"] is None:
            return WRONG
        band = exact(config["partial_band"]) * scale
        if off >= band:
            return WRONG
        return Score(correct=False, share=float((band - off) / (band - allowed)))

    def public_view(self, config: dict) -> dict:
        """The unit to show next to the input."""
        return {"unit": config["unit"]}

    def solution(self, config: dict) -> dict:
        """Value and tolerance as the bundle documents them."""
        return {"value": config["value"], "tolerance": config["tolerance"], "relative": config["relative"]}

    def describe_value(self, config: dict, value: int | float) -> str:
        """The number with its unit."""
        return self._with_unit(config, value)

    def describe_solution(self, config: dict) -> str:
        """Like "1642 (±5)", "300 m (±10 %)", with the partial band when there is one."""
        spread = f"±{self._tolerance(config, config['tolerance'])}"
        if config["partial_band"] is not None:
            return msg("%(value)s (%(spread)s, teilweise richtig bis ±%(band)s)", value=self._with_unit(config, config["value"]),
                       spread=spread, band=self._tolerance(config, config["partial_band"]))
        return f"{self._with_unit(config, config['value'])} ({spread})"

    @staticmethod
    def _with_unit(config: dict, number: float) -> str:
        return f"{format_number(number)} {config['unit']}" if config["unit"] else format_number(number)

    @classmethod
    def _tolerance(cls, config: dict, amount: float) -> str:
        if config["relative"]:
            return f"{format_number(float(exact(amount) * 100))} %"
        return cls._with_unit(config, amount)
