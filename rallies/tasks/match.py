"""Matching tasks: pair every left item with its right item; each right pair earns its share."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from .base import RIGHT, InvalidValue, Score, TaskType, task_type
from .schemas import MAX_OPTIONS, OptionSchema, StrictSchema, fill_ids
from .shuffle import shuffled
from rallies.messages import msg

SIDES = ("left", "right")


class PairSchema(StrictSchema):
    """One left item and the right item that belongs to it."""

    left = fields.Nested(OptionSchema, required=True)
    right = fields.Nested(OptionSchema, required=True)


class MatchConfigSchema(StrictSchema):
    """2..20 pairs; ids are unique across both sides, so an answer cannot mix them up."""

    pairs = fields.List(fields.Nested(PairSchema), required=True, validate=validate.Length(
        2, MAX_OPTIONS, error=msg("%(min)s bis %(max)s Paare.")))

    @validates_schema
    def unique_ids(self, data: dict, **kwargs: Any) -> None:
        seen: set[str] = set()
        errors: dict[int, dict[str, dict[str, list[str]]]] = {}
        for index, pair in enumerate(data["pairs"]):
            for side in SIDES:
                item_id = pair[side]["id"]
                if item_id is None:
                    continue
                if item_id in seen:
                    errors.setdefault(index, {})[side] = {"id": [f"Duplicate id {item_id!r}."]}
                seen.add(item_id)
        if errors:
            raise ValidationError({"pairs": errors})

    @post_load
    def generate_ids(self, data: dict, **kwargs: Any) -> dict:
        items = [pair[side] for pair in data["pairs"] for side in SIDES]
        fill_ids(items, {item["id"] for item in items if item["id"] is not None})
        return data


def _item(item: dict) -> dict:
    return {"id": item["id"], "text": item["text"]}


@task_type("match")
class MatchTask(TaskType):
    """Match pairs, e.g. artists to their paintings."""

    config_schema = MatchConfigSchema

    def partial_credit(self, config: dict) -> bool:
        """Every right pair counts."""
        return True

    def parse_value(self, config: dict, value: Any) -> dict[str, str]:
        """Every left id mapped to a right id; a right id may be used twice (and then scores so)."""
        if not isinstance(value, dict):
            raise InvalidValue(msg("Die Antwort muss ein Objekt von linken zu rechten Element-IDs sein."))
        left_ids = [pair["left"]["id"] for pair in config["pairs"]]
        right_ids = {pair["right"]["id"] for pair in config["pairs"]}
        unknown = [key for key in value if key not in left_ids]
        if unknown:
            raise InvalidValue(f"{unknown[0]!r} is not a left item of this task.")
        missing = [left_id for left_id in left_ids if left_id not in value]
        if missing:
            raise InvalidValue(msg("Das linke Element %(item)s hat keinen Partner.", item=missing[0]))
        for left_id in left_ids:
            right_id = value[left_id]
            if not isinstance(right_id, str) or right_id not in right_ids:
                raise InvalidValue(f"{right_id!r} is not a right item of this task.")
        return {left_id: value[left_id] for left_id in left_ids}

    def score(self, config: dict, value: dict[str, str]) -> Score:
        """The share of right pairs; right when all are."""
        solution = self.solution(config)
        right_pairs = sum(value[left_id] == right_id for left_id, right_id in solution.items())
        if right_pairs == len(solution):
            return RIGHT
        return Score(correct=False, share=right_pairs / len(solution))

    def public_view(self, config: dict) -> dict:
        """Left items in the editor's order, right items in a fixed shuffle that is never pair order."""
        pairs = config["pairs"]
        rights = shuffled([pair["right"] for pair in pairs], key=lambda item: item["id"])
        return {"pairs": {"left": [_item(pair["left"]) for pair in pairs], "right": [_item(item) for item in rights]}}

    def solution(self, config: dict) -> dict[str, str]:
        """Left id to right id."""
        return {pair["left"]["id"]: pair["right"]["id"] for pair in config["pairs"]}

    def describe_value(self, config: dict, value: dict[str, str]) -> str:
        """Pairs as "left → right", separated by semicolons."""
        texts = {pair[side]["id"]: pair[side]["text"] for pair in config["pairs"] for side in SIDES}
        return "; ".join(f"{texts.get(left, left)} → {texts.get(right, right)}" for left, right in value.items())

    def describe_solution(self, config: dict) -> str:
        """The right pairs."""
        return self.describe_value(config, self.solution(config))
