"""Marshmallow pieces shared by the task configs: strict schemas, options, ids and error paths."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from rallies.validation import error_paths  # noqa: F401 - re-exported for the task types
from rallies.messages import msg

MAX_OPTIONS = 20
MAX_TEXT = 500
MAX_ID = 64


class StrictSchema(Schema):
    """Refuses unknown keys, so a typo in the editor is an error instead of a silent no-op."""

    class Meta:
        unknown = RAISE


class Text(fields.String):
    """A string with surrounding whitespace removed, so " " counts as empty."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


def label(*, required: bool = True) -> Text:
    """A visible text such as an option's text: non-empty and of sensible length."""
    return Text(required=required, validate=validate.Length(1, MAX_TEXT))


def item_id() -> fields.String:
    """An option or item id; generated later when the editor leaves it out."""
    return Text(load_default=None, allow_none=True, validate=validate.Length(1, MAX_ID))


def option_list(schema: type[Schema], *, minimum: int = 2) -> fields.List:
    """A list of 2..20 nested options."""
    return fields.List(fields.Nested(schema), required=True, validate=validate.Length(
        minimum, MAX_OPTIONS, error=msg("%(min)s bis %(max)s Antwortmöglichkeiten.")))


class OptionSchema(StrictSchema):
    """An option of an order or survey task: just an id and a text."""

    id = item_id()
    text = label()


def duplicate_id_errors(
    items: Iterable[Mapping[str, Any] | None], field: str = "id"
) -> dict[int, dict[str, list[str]]]:
    """Errors by index for items whose id an earlier item already uses."""
    seen: set[str] = set()
    errors: dict[int, dict[str, list[str]]] = {}
    for index, item in enumerate(items):
        item_id_ = (item or {}).get(field)
        if item_id_ is None:
            continue
        if item_id_ in seen:
            errors[index] = {field: [f"Duplicate id {item_id_!r}."]}
        seen.add(item_id_)
    return errors


def raise_duplicate_ids(options: list[Mapping[str, Any]] | None, key: str = "options") -> None:
    """Raise a field-path error when two options share an id."""
    errors = duplicate_id_errors(options or [])
    if errors:
        raise ValidationError({key: errors})


def new_id(taken: set[str]) -> str:
    """A short random id, unguessable enough that it tells nothing about the option."""
    while True:
        candidate = secrets.token_urlsafe(6)
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def fill_ids(items: Iterable[dict[str, Any]], taken: set[str]) -> None:
    """Give every item without an id a fresh one not in `taken` (which grows)."""
    for item in items:
        if item.get("id") is None:
            item["id"] = new_id(taken)


def fill_option_ids(options: list[dict[str, Any]]) -> None:
    """Give options without an id a fresh one unique within the task."""
    fill_ids(options, {option["id"] for option in options if option.get("id") is not None})


