"""Ordering tasks: put every option in the right place; each item in place earns its share."""

from __future__ import annotations

from typing import Any

from marshmallow import post_load, validates_schema

from .base import RIGHT, InvalidValue, Score, TaskType, task_type
from .schemas import OptionSchema, StrictSchema, fill_option_ids, option_list, raise_duplicate_ids
from .shuffle import shuffled
from rallies.messages import msg


class OrderConfigSchema(StrictSchema):
    """2..20 options with unique ids, listed in the right order."""

    options = option_list(OptionSchema)

    @validates_schema
    def unique_ids(self, data: dict, **kwargs: Any) -> None:
        raise_duplicate_ids(data["options"])

    @post_load
    def generate_ids(self, data: dict, **kwargs: Any) -> dict:
        fill_option_ids(data["options"])
        return data


@task_type("order")
class OrderTask(TaskType):
    """Sort the items, e.g. paintings by year."""

    config_schema = OrderConfigSchema

    def partial_credit(self, config: dict) -> bool:
        """Items in the right place always count."""
        return True

    def parse_value(self, config: dict, value: Any) -> list[str]:
        """Every option id exactly once, first to last."""
        ids = self.solution(config)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise InvalidValue(msg("Die Antwort muss die Liste der IDs der Antwortmöglichkeiten sein, von der ersten bis zur letzten."))
        if sorted(value) != sorted(ids):
            raise InvalidValue(msg("Die Antwort muss jede Antwortmöglichkeit dieser Aufgabe genau einmal nennen."))
        return value

    def score(self, config: dict, value: list[str]) -> Score:
        """The share of items in their right place; right when all are."""
        ids = self.solution(config)
        in_place = sum(given == right for given, right in zip(value, ids))
        if in_place == len(ids):
            return RIGHT
        return Score(correct=False, share=in_place / len(ids))

    def public_view(self, config: dict) -> dict:
        """The options in a fixed shuffle that is never the right order."""
        options = shuffled(config["options"], key=lambda option: option["id"])
        return {"options": [{"id": option["id"], "text": option["text"]} for option in options]}

    def solution(self, config: dict) -> list[str]:
        """The option ids in the right order."""
        return [option["id"] for option in config["options"]]

    def describe_value(self, config: dict, value: list[str]) -> str:
        """The texts in the given order."""
        texts = {option["id"]: option["text"] for option in config["options"]}
        return " → ".join(texts.get(option_id, option_id) for option_id in value)

    def describe_solution(self, config: dict) -> str:
        """The texts in the right order."""
        return self.describe_value(config, self.solution(config))
