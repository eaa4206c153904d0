"""Texts for people, written in the domain and translated at the edge.

The domain has no request and so no language: it says *what* happened as a `Msg` whose
`msgid` is the German source text (German is the catalogue's source language) with named
`%(param)s` placeholders. Pages, both APIs, exports, PDFs and the CLI render it with the
reader's `gettext` (`msg.render(gettext)`); `str(msg)` is the German text, for logs.
`pybabel extract` finds the msgids through the `msg` keyword (see babel.cfg).
"""

from __future__ import annotations

from typing import Callable


class Msg:
    """An untranslated message with its parameters."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, **params):
        self.msgid = msgid
        self.params = params

    def render(self, gettext: Callable[[str], str]) -> str:
        """The text in the language `gettext` translates into, parameters filled in."""
        text = gettext(self.msgid)
        params = {name: value.render(gettext) if isinstance(value, Msg) else value
                  for name, value in self.params.items()}
        return text % params if params else text

    def __str__(self) -> str:
        return self.render(lambda text: text)

    def __repr__(self) -> str:
        return f"Msg({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other) -> bool:
        if isinstance(other, Msg):
            return (self.msgid, self.params) == (other.msgid, other.params)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.msgid)


def msg(msgid: str, **params) -> Msg:
    """Mark a German source text for the catalogue and keep it untranslated until shown."""
    return Msg(msgid, **params)
