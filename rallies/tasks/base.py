"""The task-type interface and the registry that models, bundle, authoring and scoring ask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, TypeVar

import marshmallow

NO_SOLUTION: Any = object()
"""Returned by `TaskType.solution` for types whose bundle task carries no `solution` key."""


@dataclass(frozen=True)
class Score:
    """How one parsed answer scored, before attempts, penalties and hints are applied."""

    correct: bool | None
    share: float | None
    pending_review: bool = False


UNSCORED = Score(correct=None, share=None)
RIGHT = Score(correct=True, share=1.0)
WRONG = Score(correct=False, share=0.0)


class InvalidValue(ValueError):
    """An answer value of the wrong shape for its task; becomes the `invalid_value` error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TaskType:
    """One kind of task: how its config looks, what an answer is, and how it scores."""

    name: ClassVar[str]
    config_schema: ClassVar[type[marshmallow.Schema]]
    upload_kind: ClassVar[str | None] = None
    earns_points: ClassVar[bool] = True

    def load_config(self, data: dict) -> dict:
        """Validate an editor's config, fill defaults and ids; raises marshmallow.ValidationError."""
        return self.config_schema().load(data)

    def teacher_graded(self, config: dict) -> bool:
        """Whether a teacher, not the server, decides if an answer is right."""
        return False

    def single_answer(self, config: dict) -> bool:
        """Whether a second answer is refused as `already_submitted`."""
        return self.teacher_graded(config)

    def partial_credit(self, config: dict) -> bool:
        """Whether answers can earn a share of the points, so that the last attempt counts."""
        return False

    def parse_value(self, config: dict, value: Any) -> Any:
        """Check an answer value's shape and return the normalised value to store."""
        raise NotImplementedError

    def score(self, config: dict, value: Any) -> Score:
        """Score a value that `parse_value` accepted."""
        raise NotImplementedError

    def public_view(self, config: dict) -> dict:
        """Keys for the bundle's task object that never give the solution away."""
        return {}

    def bundle_view(self, config: dict, task: dict) -> dict:
        """The bundle's keys for this task, given its snapshot (media, prompt); by default `public_view`."""
        return self.public_view(config)

    def solution(self, config: dict) -> Any:
        """The bundle's `solution` for offline feedback, or NO_SOLUTION when the type has none."""
        return NO_SOLUTION

    def describe_value(self, config: dict, value: Any) -> str:
        """A stored answer as people read it, for exports and statistics."""
        return str(value)

    def describe_solution(self, config: dict) -> str:
        """The right answer as a teacher or editor reads it."""
        return ""


REGISTRY: dict[str, TaskType] = {}

_T = TypeVar("_T", bound=type[TaskType])


def task_type(name: str) -> Callable[[_T], _T]:
    """Register a TaskType subclass under its client API name."""

    def register(cls: _T) -> _T:
        if name in REGISTRY:
            raise ValueError(f"task type {name!r} is registered twice")
        cls.name = name
        REGISTRY[name] = cls()
        return cls

    return register


def get_task_type(name: str) -> TaskType:
    """The registered type for a name; KeyError for an unknown one."""
    return REGISTRY[name]
