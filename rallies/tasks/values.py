"""Shape checks for answer values that several task types share."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from .base import InvalidValue
from rallies.messages import msg


def is_number(value: Any) -> bool:
    """A finite JSON number; booleans are not numbers here although Python says so."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def require_number(value: Any, what: str = "The answer") -> int | float:
    """The value when it is a finite number, else InvalidValue."""
    if not is_number(value):
        raise InvalidValue(f"{what} must be a number.")
    return value


def require_option_id(value: Any, known: Iterable[str]) -> str:
    """The value when it is one of the task's option ids, else InvalidValue."""
    if not isinstance(value, str):
        raise InvalidValue(msg("Die Antwort muss die ID einer Antwortmöglichkeit sein."))
    if value not in set(known):
        raise InvalidValue(f"{value!r} is not an option of this task.")
    return value


def require_id_list(value: Any, known: Iterable[str]) -> list[str]:
    """The value when it is a list of distinct known ids, else InvalidValue."""
    if not isinstance(value, list):
        raise InvalidValue(msg("Die Antwort muss eine Liste von IDs von Antwortmöglichkeiten sein."))
    known_ids = set(known)
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, str):
            raise InvalidValue(msg("Die Antwort muss eine Liste von IDs von Antwortmöglichkeiten sein."))
        if item not in known_ids:
            raise InvalidValue(f"{item!r} is not an option of this task.")
        if item in seen:
            raise InvalidValue(f"{item!r} is listed twice.")
        seen.add(item)
    return value


def format_number(value: float) -> str:
    """A number as people write it: 1642 rather than 1642.0."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
