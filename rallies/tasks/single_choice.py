"""Single-choice tasks: exactly one option is right."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from .base import RIGHT, WRONG, Score, TaskType, task_type
from .schemas import StrictSchema, Text, fill_option_ids, item_id, label, option_list, raise_duplicate_ids
from .values import require_option_id
from rallies.messages import msg


class ChoiceOptionSchema(StrictSchema):
    """A choice option, which may show pictures and is marked right or wrong."""

    id = item_id()
    text = label()
    correct = fields.Boolean(load_default=False)
    media = fields.List(Text(validate=validate.Length(1, 200)), load_default=list)


def public_choice(option: dict) -> dict:
    """An option as the phone sees it: without its `correct` flag; media names only when set."""
    public = {"id": option["id"], "text": option["text"]}
    if option.get("media"):
        public["media"] = list(option["media"])
    return public


def option_texts(config: dict) -> dict[str, str]:
    """Option id to text, for describing answers."""
    return {option["id"]: option["text"] for option in config["options"]}


class SingleChoiceConfigSchema(StrictSchema):
    """2..20 options with unique ids, exactly one of them right."""

    options = option_list(ChoiceOptionSchema)

    @validates_schema
    def exactly_one_correct(self, data: dict, **kwargs: Any) -> None:
        raise_duplicate_ids(data["options"])
        if sum(option["correct"] for option in data["options"]) != 1:
            raise ValidationError(msg("Genau eine Antwortmöglichkeit muss richtig sein."), "options")

    @post_load
    def generate_ids(self, data: dict, **kwargs: Any) -> dict:
        fill_option_ids(data["options"])
        return data


@task_type("single_choice")
class SingleChoiceTask(TaskType):
    """Pick the one right option."""

    config_schema = SingleChoiceConfigSchema

    def parse_value(self, config: dict, value: Any) -> str:
        """The answer is one option id of this task."""
        return require_option_id(value, (option["id"] for option in config["options"]))

    def score(self, config: dict, value: str) -> Score:
        """Right only for the right option."""
        return RIGHT if value == self.solution(config) else WRONG

    def public_view(self, config: dict) -> dict:
        """Options in the editor's order, none marked."""
        return {"options": [public_choice(option) for option in config["options"]]}

    def solution(self, config: dict) -> str:
        """The right option's id."""
        return next(option["id"] for option in config["options"] if option["correct"])

    def describe_value(self, config: dict, value: str) -> str:
        """The picked option's text."""
        return option_texts(config).get(value, value)

    def describe_solution(self, config: dict) -> str:
        """The right option's text."""
        return self.describe_value(config, self.solution(config))
