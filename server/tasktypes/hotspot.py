"""Hotspot: regions drawn on the task's picture (circles by a click, polygons corner by corner), kept as JSON."""

import json

from flask_babel import lazy_gettext as _l

from server.tasktypes.base import ConfigSyntaxError, TaskTypeUI, number, put


def parse(form) -> dict:
    """The drawing tool writes the regions into a hidden field; without JavaScript it is typed as JSON."""
    raw = (form.get("regions") or "").strip() or "[]"
    try:
        regions = json.loads(raw)
    except ValueError:
        raise ConfigSyntaxError(_l("Die Bereiche sind kein gültiges JSON.")) from None
    config = {"regions": regions}
    put(config, "aspect", number(form.get("aspect")))
    return config


UI = TaskTypeUI(name="hotspot", label=_l("Stelle im Bild"), editor="hotspot", order=47, parse=parse, picture=True,
                empty=lambda: {"regions": [], "aspect": 1.0})
