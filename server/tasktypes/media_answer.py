"""Photo, audio and video answers: optional instructions; the teacher grades them."""

from flask_babel import lazy_gettext as _l

from server.tasktypes.base import TaskTypeUI, put


def parse(form) -> dict:
    config: dict = {}
    put(config, "instructions", (form.get("instructions") or "").strip())
    return config


UI = (
    TaskTypeUI(name="photo", label=_l("Foto-Antwort"), editor="media_answer", order=80, parse=parse),
    TaskTypeUI(name="audio", label=_l("Audio-Antwort"), editor="media_answer", order=81, parse=parse),
    TaskTypeUI(name="video", label=_l("Video-Antwort"), editor="media_answer", order=82, parse=parse),
)
