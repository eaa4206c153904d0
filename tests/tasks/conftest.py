"""Helpers for the task-type tests: they need no app and no database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from marshmallow import ValidationError

from rallies.messages import Msg
from rallies.tasks import error_paths, get_task_type

TRANSLATIONS = Path(__file__).resolve().parents[2] / "server" / "translations"


def in_english(value):
    """Messages as an English reader gets them (the domain's texts are German `Msg`s)."""
    from babel.support import Translations

    english = Translations.load(str(TRANSLATIONS), ["en"])
    if isinstance(value, Msg):
        return value.render(english.gettext)
    if isinstance(value, dict):
        return {key: in_english(item) for key, item in value.items()}
    if isinstance(value, list):
        return [in_english(item) for item in value]
    return value


@pytest.fixture
def config_errors() -> Callable[[str, object], dict[str, list[str]]]:
    """The dotted-path errors an editor would see for a config of the named type."""

    def errors(type_name: str, data: object) -> dict[str, list[str]]:
        with pytest.raises(ValidationError) as raised:
            get_task_type(type_name).load_config(data)
        return in_english(error_paths(raised.value.messages))

    return errors
