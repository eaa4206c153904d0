"""Marshmallow's nested error messages as the flat field paths problem+json reports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rallies.messages import Msg


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
