"""Survey: options without a right answer, or a rating scale."""

from flask_babel import lazy_gettext as _l

from server.tasktypes.base import TaskTypeUI, number, plain_options, put


def parse(form) -> dict:
    if form.get("survey_mode") == "scale":
        scale: dict = {}
        for key in ("min", "max", "step"):
            put(scale, key, number(form.get(f"scale_{key}")))
        for key in ("min_label", "max_label"):
            scale[key] = (form.get(f"scale_{key}") or "").strip()
        return {"scale": scale}
    return {"options": plain_options(form)}


UI = TaskTypeUI(name="survey", label=_l("Umfrage oder Bewertung"), editor="survey", order=95, parse=parse,
                empty=lambda: {"options": []})
