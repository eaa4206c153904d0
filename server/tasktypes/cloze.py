"""Gap text: one text field with the gaps marked in place, and the typo tolerance."""

from flask_babel import lazy_gettext as _l

from server.tasktypes.base import TaskTypeUI, number, put


def parse(form) -> dict:
    config = {"text": (form.get("text") or "").strip()}
    put(config, "max_typos", number(form.get("max_typos")))
    return config


UI = TaskTypeUI(name="cloze", label=_l("Lückentext"), editor="cloze", order=45, parse=parse,
                empty=lambda: {"text": "", "max_typos": 0})
