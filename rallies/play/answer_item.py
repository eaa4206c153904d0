"""The one definition of an answer item: the service validates with it, the OpenAPI document is made from it.

msgspec checks an item in about a microsecond; `json_schema()` gives the same definition as
JSON Schema for the client API's documentation, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from rallies.messages import msg
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from rallies.validation import out_of_bounds, time_in_bounds

INT64 = Meta(ge=-(2**63), le=2**63 - 1)


class AnswerLocation(msgspec.Struct, forbid_unknown_fields=False):
    """Where the phone was when the answer was given."""

    lat: Annotated[float, Meta(ge=-90, le=90)]
    lon: Annotated[float, Meta(ge=-180, le=180)]
    accuracy_m: Annotated[float, Meta(ge=0)] | None = None


class AnswerItem(msgspec.Struct, forbid_unknown_fields=False):
    """One answer of a batch; fields a newer app sends beyond these are ignored."""

    id: Annotated[str, Meta(description="Client-generated UUID.", extra_json_schema={"format": "uuid"})]
    task_id: Annotated[int, INT64]
    value: Annotated[Any, Meta(description=(
        "By task type: option id, list of ids, text, number, {left: right}, media_id, "
        "{lat, lon, accuracy_m}, survey option or rating, null for info."))]
    answered_at: Annotated[str, Meta(description="ISO 8601 with an offset.", extra_json_schema={"format": "date-time"})]
    hint_used: bool | None = False
    location: AnswerLocation | None = None


class ItemInvalid(ValueError):
    """An item that does not match the definition; `message` says what is wrong, for people."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


FIELD_MESSAGES = {
    "task_id": "task_id must be an integer.",
    "answered_at": "answered_at must be an ISO 8601 time with an offset.",
    "hint_used": "hint_used must be true or false.",
    "location": "location must be an object with lat and lon.",
}
REQUIRED = ("id", "task_id", "value", "answered_at")


def check_item(raw) -> tuple[AnswerItem, dt.datetime]:
    """The item and its time in UTC, or ItemInvalid."""
    if not isinstance(raw, dict):
        raise ItemInvalid(msg("Jede Antwort ist ein Objekt."))
    missing = [name for name in REQUIRED if name not in raw]
    if missing:
        raise ItemInvalid(f"Missing field(s): {', '.join(missing)}.")
    unstorable = out_of_bounds(raw)  # NUL in a text, integers beyond 64 bits, non-finite numbers
    if unstorable:
        path, messages = next(iter(sorted(unstorable.items())))
        raise ItemInvalid(f"{path}: {messages[0]}")
    try:
        item = msgspec.convert(raw, AnswerItem)
    except msgspec.ValidationError as error:
        at = re.search(r"at `\$\.(\w+)", str(error))
        field = at.group(1) if at else ""
        raise ItemInvalid(FIELD_MESSAGES.get(field, "The answer does not have the documented form.")) from None
    try:
        answered_at = parse_time(item.answered_at)
    except (ValueError, TypeError, OverflowError):
        raise ItemInvalid(FIELD_MESSAGES["answered_at"]) from None
    return item, answered_at


def parse_time(value) -> dt.datetime:
    """ISO 8601 with an offset, in UTC; a time without one, or outside 1900-2999, is refused."""
    if not isinstance(value, str):
        raise ValueError("not a string")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("no offset")
    if not time_in_bounds(parsed):  # near year 1 or 9999 the conversion to UTC would overflow
        raise ValueError("out of range")
    return parsed.astimezone(dt.timezone.utc)


def json_schema() -> tuple[dict, dict]:
    """(schema of AnswerItem, components it refers to), as OpenAPI 3.0 schema objects."""
    (schema,), components = msgspec.json.schema_components([AnswerItem], ref_template="#/components/schemas/{name}")
    return _openapi30(schema), {name: _openapi30(part) for name, part in components.items()}


def _openapi30(node):
    """JSON Schema's `anyOf: [X, {type: null}]` as OpenAPI 3.0's `X` with `nullable: true`."""
    if isinstance(node, list):
        return [_openapi30(part) for part in node]
    if not isinstance(node, dict):
        return node
    node = {key: _openapi30(part) for key, part in node.items()}
    options = node.get("anyOf")
    if options and {"type": "null"} in options:
        rest = [option for option in options if option != {"type": "null"}]
        del node["anyOf"]
        if len(rest) == 1 and "$ref" in rest[0]:
            node["allOf"] = rest
        elif len(rest) == 1:
            node.update(rest[0])
        else:
            node["anyOf"] = rest
        node["nullable"] = True
    return node
