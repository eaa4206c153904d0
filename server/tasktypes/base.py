"""What a task type's UI module declares, and the row parsing the editors share."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Callable

from flask_babel import gettext as _


class ConfigSyntaxError(ValueError):
    """Input that cannot even be shaped into a config (only the JSON fallback raises it)."""


@dataclass(frozen=True)
class TaskTypeUI:
    """One task type's web UI: everything the pages and the player need to know about it."""

    name: str
    label: object                       # lazy_gettext text
    parse: Callable[[dict], dict]       # posted form → config (the domain registry judges it)
    editor: str = "json"                # pages/editor/task_config/<editor>.html
    preview: str | None = None          # pages/editor/preview/<preview>.html (default: the name)
    player: str | None = None           # renderer key in static/player/tasks.js (default: the name)
    empty: Callable[[], dict] = field(default=dict)  # what a new task's form starts with
    order: int = 100                    # place in the "add a task" list
    picture: bool = False               # a new task starts by choosing its picture (the studio asks at once)

    def empty_config(self) -> dict:
        return self.empty()

    @property
    def preview_template(self) -> str:
        return f"pages/editor/preview/{self.preview or self.name}.html"

    @property
    def editor_template(self) -> str:
        return f"pages/editor/task_config/{self.editor}.html"

    @property
    def player_renderer(self) -> str:
        return self.player or self.name

    def named(self, name: str) -> "TaskTypeUI":
        return replace(self, name=name, label=name)


def number(raw: str | None):
    """A posted number as int or float; text that is no number is passed on for the registry to refuse."""
    text = (raw or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def put(config: dict, key: str, value) -> None:
    """Leave out blank values so that the registry's defaults and 'required' messages apply."""
    if value is not None and value != "":
        config[key] = value


def rows(form, prefix: str, fields: tuple[str, ...], limit: int = 40) -> list[dict]:
    """Posted rows `prefix-N-field`, in order, skipping rows where every text is blank."""
    found = []
    for index in range(limit):
        row = {name: (form.get(f"{prefix}-{index}-{name}") or "").strip() for name in fields}
        marked = form.get(f"{prefix}-{index}-correct") is not None or form.get("correct") == str(index)
        if any(row[name] for name in fields if name not in ("id", "media")) or marked:
            row["_index"] = index
            found.append(row)
    return found


def option(row: dict, *, with_correct: bool, correct: bool = False) -> dict:
    result = {"id": row["id"] or None, "text": row["text"]}
    if with_correct:
        result["correct"] = correct
        media = [name for name in (row.get("media") or "").split(",") if name.strip()]
        if media:
            result["media"] = media
    return result


def plain_options(form) -> list[dict]:
    """Option rows without right/wrong (order, survey)."""
    return [option(row, with_correct=False) for row in rows(form, "options", ("id", "text"))]


def parse_json(form) -> dict:
    """The fallback editor for types without their own module: the config as JSON."""
    raw = (form.get("config_json") or "").strip() or "{}"
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise ConfigSyntaxError(_("Kein gültiges JSON: %(error)s", error=error)) from None
    if not isinstance(value, dict):
        raise ConfigSyntaxError(_("Die Konfiguration muss ein JSON-Objekt sein."))
    return value


JSON_UI = TaskTypeUI(name="json", label="json", parse=parse_json, editor="json", preview="_generic")
