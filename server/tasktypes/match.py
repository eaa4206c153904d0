"""Match: pairs of left and right texts."""

from flask_babel import lazy_gettext as _l

from server.tasktypes.base import TaskTypeUI


def parse(form) -> dict:
    pairs = []
    for index in range(40):
        left = (form.get(f"pairs-{index}-left") or "").strip()
        right = (form.get(f"pairs-{index}-right") or "").strip()
        if left or right:
            pairs.append({
                "left": {"id": (form.get(f"pairs-{index}-left_id") or "").strip() or None, "text": left},
                "right": {"id": (form.get(f"pairs-{index}-right_id") or "").strip() or None, "text": right},
            })
    return {"pairs": pairs}


UI = TaskTypeUI(name="match", label=_l("Paare zuordnen"), editor="match", order=70, parse=parse)
