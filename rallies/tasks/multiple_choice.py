"""Multiple-choice tasks: one or more options are right, scored all-or-nothing or in part."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, post_load, validates_schema

from .base import RIGHT, WRONG, Score, TaskType, task_type
from .schemas import StrictSchema, fill_option_ids, option_list, raise_duplicate_ids
from .single_choice import ChoiceOptionSchema, option_texts, public_choice
from .values import require_id_list
from rallies.messages import msg


class MultipleChoiceConfigSchema(StrictSchema):
    """2..20 options with unique ids, at least one right; partial credit is opt-in."""

    options = option_list(ChoiceOptionSchema)
    partial_credit = fields.Boolean(load_default=False)

    @validates_schema
    def at_least_one_correct(self, data: dict, **kwargs: Any) -> None:
        raise_duplicate_ids(data["options"])
        if not any(option["correct"] for option in data["options"]):
            raise ValidationError(msg("Mindestens eine Antwortmöglichkeit muss richtig sein."), "options")

    @post_load
    def generate_ids(self, data: dict, **kwargs: Any) -> dict:
        fill_option_ids(data["options"])
        return data


@task_type("multiple_choice")
class MultipleChoiceTask(TaskType):
    """Pick every right option and none of the others."""

    config_schema = MultipleChoiceConfigSchema

    def partial_credit(self, config: dict) -> bool:
        """Only when the editor turned it on."""
        return config["partial_credit"]

    def parse_value(self, config: dict, value: Any) -> list[str]:
        """Distinct option ids, stored in option order; an empty list means nothing was picked."""
        picked = set(require_id_list(value, (option["id"] for option in config["options"])))
        return [option["id"] for option in config["options"] if option["id"] in picked]

    def score(self, config: dict, value: list[str]) -> Score:
        """Exactly the right set is right; with partial credit each wrong pick cancels a right one."""
        right_ids = set(self.solution(config))
        picked = set(value)
        if picked == right_ids:
            return RIGHT
        if not config["partial_credit"]:
            return WRONG
        right_picks = len(picked & right_ids)
        wrong_picks = len(picked - right_ids)
        return Score(correct=False, share=max(0.0, (right_picks - wrong_picks) / len(right_ids)))

    def public_view(self, config: dict) -> dict:
        """Options in the editor's order, none marked."""
        return {"options": [public_choice(option) for option in config["options"]]}

    def solution(self, config: dict) -> list[str]:
        """The right options' ids in option order."""
        return [option["id"] for option in config["options"] if option["correct"]]

    def describe_value(self, config: dict, value: list[str]) -> str:
        """The picked options' texts, or a dash for none."""
        texts = option_texts(config)
        return ", ".join(texts.get(option_id, option_id) for option_id in value) or "—"

    def describe_solution(self, config: dict) -> str:
        """The right options' texts."""
        return self.describe_value(config, self.solution(config))
