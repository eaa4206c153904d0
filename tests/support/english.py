"""Domain messages as an English reader gets them: the domain speaks German `Msg`s."""

from __future__ import annotations

from pathlib import Path

from rallies.messages import Msg

TRANSLATIONS = Path(__file__).resolve().parents[2] / "server" / "translations"


def english_gettext():
    from babel.support import Translations

    return Translations.load(str(TRANSLATIONS), ["en"]).gettext


def in_english(value):
    """A Msg (or lists and dicts of them) rendered through the English catalogue; anything else as it is."""
    if isinstance(value, Msg):
        return value.render(english_gettext())
    if isinstance(value, dict):
        return {key: in_english(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(in_english(item) for item in value)
    return value
