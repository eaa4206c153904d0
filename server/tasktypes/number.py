"""Number or estimate: value, tolerance (absolute or relative), partial band, unit."""

from flask_babel import lazy_gettext as _l

from server.tasktypes.base import TaskTypeUI, number, put


def parse(form) -> dict:
    config = {"relative": form.get("relative") is not None}
    for key in ("value", "tolerance"):
        put(config, key, number(form.get(key)))
    config["partial_band"] = number(form.get("partial_band"))
    config["unit"] = (form.get("unit") or "").strip() or None
    return config


UI = TaskTypeUI(name="number", label=_l("Zahl oder Schätzung"), editor="number", order=50, parse=parse,
                empty=lambda: {"tolerance": 0, "relative": False})
