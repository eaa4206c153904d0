"""Each task type's web UI in one module: label, empty config, editor partial, form parser, renderers.

`rallies/tasks/` judges configs and answers; the modules here only say how a type looks on
the pages: its label, what a new task starts with, which partial edits it
(`pages/editor/task_config/<editor>.html`), how posted rows become a config, how the
server-side preview shows it (`pages/editor/preview/<preview>.html`) and which renderer of
the web player shows it to pupils (`static/player/tasks.js`). A module in this package that
defines `UI` is found on import; a type of the domain registry without one is edited as JSON.
"""

from __future__ import annotations

import importlib
import pkgutil

from rallies.tasks import REGISTRY
from server.tasktypes.base import JSON_UI, ConfigSyntaxError, TaskTypeUI

__all__ = ["ConfigSyntaxError", "TaskTypeUI", "UI_REGISTRY", "choices", "label", "ui"]

UI_REGISTRY: dict[str, TaskTypeUI] = {}


def _discover() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_") or module.name == "base":
            continue
        declared = getattr(importlib.import_module(f"{__name__}.{module.name}"), "UI", None)
        for item in declared if isinstance(declared, tuple) else (declared,):
            if item is not None:
                UI_REGISTRY[item.name] = item


def ui(name: str) -> TaskTypeUI:
    """The type's UI; a type without its own module gets the JSON editor."""
    found = UI_REGISTRY.get(name)
    return found if found is not None else JSON_UI.named(name)


def label(name: str) -> str:
    return str(ui(name).label)


def choices() -> list[tuple[str, str]]:
    """Every type of the domain registry, the ones with a UI module first in their order."""
    known = sorted((t for t in UI_REGISTRY.values() if t.name in REGISTRY), key=lambda t: (t.order, t.name))
    rest = sorted(set(REGISTRY) - {t.name for t in known})
    return [(t.name, str(t.label)) for t in known] + [(name, name) for name in rest]


_discover()
