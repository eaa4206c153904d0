"""Multiple choice: option rows, each with its own "right" checkbox; optional partial credit."""

from flask_babel import lazy_gettext as _l

from server.tasktypes.base import TaskTypeUI
from server.tasktypes.single_choice import choice_options, empty


def parse(form) -> dict:
    return {"options": choice_options(form, single=False), "partial_credit": form.get("partial_credit") is not None}


UI = TaskTypeUI(name="multiple_choice", label=_l("Mehrfachauswahl"), editor="choice", order=30, empty=empty,
                parse=parse)
