"""Marshmallow's nested error messages as the flat field paths problem+json reports, and the
bounds every stored value keeps."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from rallies.messages import Msg, msg


def error_paths(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten nested messages into dotted paths like `answers.3.value` or `config.options.1.text`.

    A schema-level message (`_schema`) belongs to the object it was raised on, so it is
    reported at that object's path (or at `_schema` on the top level). Messages stay what
    they are (`Msg`s are rendered at the edge, in the reader's language).
    """
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, nested in messages.items():
            if key == "_schema":
                path = prefix or "_schema"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for sub_path, texts in error_paths(nested, path).items():
                flat.setdefault(sub_path, []).extend(texts)
    elif isinstance(messages, (list, tuple)) and all(isinstance(m, (str, Msg)) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, (list, tuple)):
        for nested in messages:
            for sub_path, texts in error_paths(nested, prefix).items():
                flat.setdefault(sub_path, []).extend(texts)
    elif isinstance(messages, Msg):
        flat[prefix or "_schema"] = [messages]
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


# --- Bounds every stored value must keep ----------------------------------------------
# Outside them the databases refuse a value (PostgreSQL: NUL in text, integers beyond
# 64 bits) or date arithmetic overflows (a run ending in 9999 has no deletion date), so
# they are refused as field errors before any service sees them.

EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc)
LATEST = dt.datetime(3000, 1, 1, tzinfo=dt.timezone.utc)
MAX_INT = 2**63 - 1
NUL_MESSAGE = msg("Darf kein NUL-Zeichen enthalten.")
INT_MESSAGE = msg("Zahl außerhalb des zulässigen Bereichs.")
TIME_MESSAGE = msg("Zeitpunkt außerhalb des zulässigen Bereichs (1900 bis 2999).")
DATE_MESSAGE = msg("Datum außerhalb des zulässigen Bereichs (1900 bis 2999).")


def time_in_bounds(value: dt.datetime) -> bool:
    """An aware time between 1900 and 2999 (compared in UTC without converting, which could overflow)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return EARLIEST.replace(tzinfo=None) <= value < LATEST.replace(tzinfo=None)
    return EARLIEST <= value < LATEST


def date_in_bounds(value: dt.date) -> bool:
    return EARLIEST.date() <= value < LATEST.date()


def out_of_bounds(value: Any, prefix: str = "", *, skip: Callable[[str], bool] | None = None,
                  render: Callable[[Msg], str] = str, limit: int = 100_000) -> dict[str, list[str]]:
    """Field paths of values no database or date arithmetic can take: NUL characters in texts
    (also in keys), integers beyond 64 bits, non-finite numbers, times and dates outside
    1900–2999. Walks without recursion; `skip(path)` leaves a subtree to someone else;
    `render` turns the messages into the reader's language (German by default)."""
    errors: dict[str, list[str]] = {}
    stack = [(prefix, value)]
    seen = 0
    while stack and seen < limit:
        path, item = stack.pop()
        seen += 1
        if skip is not None and path and skip(path):
            continue
        message = _bound_message(item)
        if message:
            errors.setdefault(path or "_schema", []).append(render(message))
        elif isinstance(item, Mapping):
            for key, nested in item.items():
                child = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and "\x00" in key:
                    errors.setdefault(path or "_schema", []).append(render(NUL_MESSAGE))
                    continue
                stack.append((child, nested))
        elif isinstance(item, (list, tuple)):
            stack.extend((f"{path}.{index}" if path else str(index), nested) for index, nested in enumerate(item))
    return errors


def _bound_message(item: Any) -> Msg | None:
    if isinstance(item, str):
        return NUL_MESSAGE if "\x00" in item else None
    if isinstance(item, bool):
        return None
    if isinstance(item, int):
        return INT_MESSAGE if abs(item) > MAX_INT else None
    if isinstance(item, float):
        return INT_MESSAGE if not math.isfinite(item) else None
    if isinstance(item, Decimal):
        return INT_MESSAGE if not item.is_finite() or abs(item) > MAX_INT else None
    if isinstance(item, dt.datetime):
        return None if time_in_bounds(item) else TIME_MESSAGE
    if isinstance(item, dt.date):
        return None if date_in_bounds(item) else DATE_MESSAGE
    return None
