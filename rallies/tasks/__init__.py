"""Task types: importing this package registers every type in REGISTRY."""

from . import (  # noqa: F401  (imported to register the types)
    cloze,
    hotspot,
    info,
    location,
    match,
    media_answer,
    multiple_choice,
    number,
    order,
    single_choice,
    survey,
    text,
)
from .base import NO_SOLUTION, REGISTRY, InvalidValue, Score, TaskType, get_task_type, task_type
from .schemas import error_paths

__all__ = [
    "NO_SOLUTION",
    "REGISTRY",
    "InvalidValue",
    "Score",
    "TaskType",
    "error_paths",
    "get_task_type",
    "task_type",
]
