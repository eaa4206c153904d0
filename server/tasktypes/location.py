"""Find a place: latitude, longitude and radius."""

from flask_babel import lazy_gettext as _l

from server.tasktypes.base import TaskTypeUI, number, put


def parse(form) -> dict:
    config: dict = {}
    for key in ("lat", "lon", "radius_m"):
        put(config, key, number(form.get(key)))
    return config


UI = TaskTypeUI(name="location", label=_l("Ort finden"), editor="location", order=90, parse=parse)
