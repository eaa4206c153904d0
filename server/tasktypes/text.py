"""Free text: accepted answers one per line, typo tolerance, or graded by the teacher."""

from flask_babel import lazy_gettext as _l

from server.tasktypes.base import TaskTypeUI, number, put


def parse(form) -> dict:
    config = {
        "accepted_answers": [line.strip() for line in (form.get("accepted_answers") or "").splitlines() if line.strip()],
        "teacher_graded": form.get("teacher_graded") is not None,
    }
    put(config, "max_typos", number(form.get("max_typos")))
    put(config, "max_length", number(form.get("max_length")))
    return config


UI = TaskTypeUI(name="text", label=_l("Freitext"), editor="text", order=40, parse=parse,
                empty=lambda: {"accepted_answers": [], "teacher_graded": False, "max_typos": 0})
