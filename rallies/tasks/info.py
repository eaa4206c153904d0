"""Info tasks: something to read, marked as read with a null answer and worth no points."""

from __future__ import annotations

from typing import Any

from .base import UNSCORED, InvalidValue, Score, TaskType, task_type
from .schemas import StrictSchema
from rallies.messages import msg


class InfoConfigSchema(StrictSchema):
    """An info task has nothing to configure beyond its prompt."""


@task_type("info")
class InfoTask(TaskType):
    """A text to read; answering it only marks it read."""

    config_schema = InfoConfigSchema
    earns_points = False

    def single_answer(self, config: dict) -> bool:
        """Reading twice means nothing more."""
        return True

    def parse_value(self, config: dict, value: Any) -> None:
        """Only null is an answer: there is nothing to say about an info."""
        if value is not None:
            raise InvalidValue(msg("Eine Info-Aufgabe wird mit null beantwortet."))
        return None

    def score(self, config: dict, value: Any) -> Score:
        """Reading earns nothing and is neither right nor wrong."""
        return UNSCORED

    def describe_value(self, config: dict, value: Any) -> str:
        """Every accepted answer means the same."""
        return msg("gelesen")

    def describe_solution(self, config: dict) -> str:
        """There is nothing to get right."""
        return msg("keine Antwort nötig")
