"""Survey and rating tasks: pupils' opinions for evaluation, with no right answer and no points."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from .base import UNSCORED, InvalidValue, Score, TaskType, task_type
from .schemas import MAX_OPTIONS, OptionSchema, StrictSchema, Text, fill_option_ids, duplicate_id_errors
from .values import format_number, is_number, require_option_id
from rallies.messages import msg


class ScaleSchema(StrictSchema):
    """A rating scale from min to max in steps, with labels for its ends."""

    min = fields.Integer(required=True, strict=True)
    max = fields.Integer(required=True, strict=True)
    step = fields.Integer(strict=True, load_default=1, validate=validate.Range(min=1))
    min_label = Text(load_default="", validate=validate.Length(max=100))
    max_label = Text(load_default="", validate=validate.Length(max=100))

    @validates_schema
    def reachable(self, data: dict, **kwargs: Any) -> None:
        if data["min"] >= data["max"]:
            raise ValidationError("max must be greater than min.", "max")
        if (data["max"] - data["min"]) % data["step"]:
            raise ValidationError("max must be reachable from min in whole steps.", "step")


class SurveyConfigSchema(StrictSchema):
    """Either 2..20 options or a scale, never both."""

    options = fields.List(fields.Nested(OptionSchema), validate=validate.Length(2, MAX_OPTIONS))
    scale = fields.Nested(ScaleSchema)

    @validates_schema
    def options_or_scale(self, data: dict, **kwargs: Any) -> None:
        if ("options" in data) == ("scale" in data):
            raise ValidationError(msg("Entweder Antwortmöglichkeiten oder eine Skala angeben."), "_schema")
        errors = duplicate_id_errors(data.get("options", []))
        if errors:
            raise ValidationError({"options": errors})

    @post_load
    def generate_ids(self, data: dict, **kwargs: Any) -> dict:
        if "options" in data:
            fill_option_ids(data["options"])
        return data


@task_type("survey")
class SurveyTask(TaskType):
    """Ask for an opinion or a rating; every answer is welcome and none is scored."""

    config_schema = SurveyConfigSchema
    earns_points = False

    def single_answer(self, config: dict) -> bool:
        """One voice per team in the evaluation."""
        return True

    def parse_value(self, config: dict, value: Any) -> str | int:
        """An option id, or a number on the scale (min..max, in whole steps from min)."""
        if "options" in config:
            return require_option_id(value, (option["id"] for option in config["options"]))
        scale = config["scale"]
        if not is_number(value) or value != int(value):
            raise InvalidValue(msg("Die Antwort muss eine ganze Zahl auf der Skala sein."))
        rating = int(value)
        if not scale["min"] <= rating <= scale["max"] or (rating - scale["min"]) % scale["step"]:
            raise InvalidValue(
                f"The answer must be on the scale from {scale['min']} to {scale['max']} in steps of {scale['step']}."
            )
        return rating

    def score(self, config: dict, value: Any) -> Score:
        """Opinions are neither right nor wrong."""
        return UNSCORED

    def public_view(self, config: dict) -> dict:
        """The options, or the scale."""
        if "options" in config:
            return {"options": [{"id": option["id"], "text": option["text"]} for option in config["options"]]}
        return {"scale": dict(config["scale"])}

    def describe_value(self, config: dict, value: str | int) -> str:
        """The option's text, or the rating out of the scale."""
        if "options" in config:
            return next((option["text"] for option in config["options"] if option["id"] == value), str(value))
        scale = config["scale"]
        return f"{format_number(value)} ({scale['min']}–{scale['max']})"

    def describe_solution(self, config: dict) -> str:
        """There is none."""
        return msg("keine richtige Antwort (Umfrage)")
