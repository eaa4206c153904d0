"""Single choice: option rows, one marked right by the `correct` radio."""

from flask_babel import lazy_gettext as _l

from server.tasktypes.base import TaskTypeUI, option, rows


def choice_options(form, *, single: bool) -> list[dict]:
    """Option rows with right/wrong: one radio `correct` (single) or a checkbox per row (multiple)."""
    options = []
    for row in rows(form, "options", ("id", "text", "media")):
        if single:
            correct = form.get("correct") == str(row["_index"])
        else:
            correct = form.get(f"options-{row['_index']}-correct") is not None
        options.append(option(row, with_correct=True, correct=correct))
    return options


def empty() -> dict:
    return {"options": [], "partial_credit": False}


UI = TaskTypeUI(name="single_choice", label=_l("Einfachauswahl"), editor="choice", order=20, empty=empty,
                parse=lambda form: {"options": choice_options(form, single=True)})
