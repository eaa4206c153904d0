"""Helpers for the task-type tests: they need no app and no database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from marshmallow import ValidationError

from rallies.tasks import error_paths, get_task_type
from tests.support.english import in_english  # noqa: F401 - the task tests import it from here



@pytest.fixture
def config_errors() -> Callable[[str, object], dict[str, list[str]]]:
    """The dotted-path errors an editor would see for a config of the named type."""

    def errors(type_name: str, data: object) -> dict[str, list[str]]:
        with pytest.raises(ValidationError) as raised:
            get_task_type(type_name).load_config(data)
        return in_english(error_paths(raised.value.messages))

    return errors
