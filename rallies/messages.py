"""Texts for people, written in the domain and translated at the edge.

The domain has no request and so no language: it says *what* happened as a `Msg` whose
`msgid` is the German source text (German is the catalogue's source language) with named
`%(param)s` placeholders. Pages, both APIs, exports, PDFs and the CLI render it with the
reader's `gettext` (`msg.render(gettext)`); `str(msg)` is the German text, for logs.
`pybabel extract` finds the msgids through the `msg` keyword (see babel.cfg).
"""

from __future__ import annotations

from typing import Callable


class Msg(str):
    """An untranslated message with its parameters.

    It is a `str` (the German text, parameters filled in) so that libraries which insist on
    strings (marshmallow's ValidationError, session storage, logs) take it as it is; the
    edge uses `render` to say it in the reader's language instead.
    """

    def __new__(cls, msgid: str, **params):
        text = super().__new__(cls, _fill(msgid, msgid, params, lambda text: text))
        text.msgid = msgid
        text.params = params
        return text

    def render(self, gettext: Callable[[str], str], present: Callable | None = None) -> str:
        """The text in the language `gettext` translates into, parameters filled in.

        `present` turns parameter values (dates, numbers) into the reader's way of writing them.
        """
        return _fill(gettext(self.msgid), self.msgid, self.params, gettext, present)

    def format(self, *args, **params) -> "Msg":
        """Marshmallow fills its `{min}`-style parameters through `format`; they become ours."""
        return Msg(self.msgid, **{**params, **self.params})

    def __str__(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"Msg({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other) -> bool:
        if isinstance(other, Msg):
            return (self.msgid, self.params) == (other.msgid, other.params)
        return str.__eq__(self, other)

    def __ne__(self, other) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.msgid)

    def __reduce__(self):
        return (_rebuild, (self.msgid, self.params))


def _german(value):
    """Dates and decimals in German, for the German text `str(msg)` (logs, fallbacks)."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)).replace(".", ",")
    return value


def _rebuild(msgid: str, params: dict) -> Msg:
    return Msg(msgid, **params)


def _fill(text: str, msgid: str, params: dict, gettext: Callable[[str], str], present: Callable | None = None) -> str:
    """`text % params`, nested messages rendered too; a translation that breaks its placeholders falls back to the msgid."""
    if not params:
        return text
    values = {name: value.render(gettext, present) if isinstance(value, Msg)
              else present(value) if present else _german(value) for name, value in params.items()}
    try:
        return text % values
    except (KeyError, ValueError, TypeError):
        try:
            return msgid % values
        except (KeyError, ValueError, TypeError):
            return msgid


def msg(msgid: str, **params) -> Msg:
    """Mark a German source text for the catalogue and keep it untranslated until shown."""
    return Msg(msgid, **params)


def render(value, gettext: Callable[[str], str], present: Callable | None = None):
    """Render every Msg inside `value` (a Msg, a string, or lists and dicts of them).

    Error bodies nest messages (`errors: {path: [msg, …]}`, `reasons: [msg, …]`); the
    edge renders the whole structure at once. Anything else passes through unchanged.
    """
    if isinstance(value, Msg):
        return value.render(gettext, present)
    if isinstance(value, dict):
        return {key: render(item, gettext, present) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [render(item, gettext, present) for item in value]
    return value
