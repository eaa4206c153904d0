"""A pseudo-locale for tests: every translation of the catalogue wrapped in ⟦…⟧.

Text on a page that comes from the catalogue shows up inside markers; text that was
forgotten (hard-coded English or German) shows up outside them. Swiss German (`gsw`) is
the locale code because Babel knows it and formats dates and numbers with digits
("07.12.2026", "02:42"), which the checker recognises as data.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PSEUDO = "gsw"
OPEN, CLOSE = "⟦", "⟧"
POT = Path(__file__).resolve().parents[2] / "server" / "translations" / "messages.pot"


def build_catalogue(folder: Path) -> Path:
    """Compile `folder/gsw/LC_MESSAGES/messages.mo` from messages.pot, every msgstr marked."""
    with POT.open("rb") as source:
        catalogue = read_po(source, locale=PSEUDO)
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            message.string = tuple(OPEN + form + CLOSE for form in message.id)
        else:
            message.string = OPEN + message.id + CLOSE
    target = folder / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with (target / "messages.mo").open("wb") as out:
        write_mo(out, catalogue)
    return folder


class VisibleText(HTMLParser):
    """The text a person sees: text nodes outside script/style, and labels in attributes."""

    HIDDEN = {"script", "style", "template", "noscript",
              "code", "kbd"}  # literal technical text (`Authorization: Bearer …`, join codes), never translated
    LABELS = ("title", "placeholder", "aria-label", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "input" and (attrs.get("type") or "").lower() == "hidden":
            return
        for name in self.LABELS:
            if attrs.get(name):
                self.parts.append(attrs[name])
        # An input button shows its value; a <button>'s value is sent, never shown (its text is the label).
        if tag == "input" and (attrs.get("type") or "").lower() in ("submit", "button", "reset") \
                and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in self.HIDDEN:
            self._hidden -= 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data)


def visible_text(page: str) -> list[str]:
    parser = VisibleText()
    parser.feed(page)
    return parser.parts


_MARKED = re.compile(re.escape(OPEN) + "[^" + OPEN + CLOSE + "]*" + re.escape(CLOSE))
_ADDRESSES = [
    re.compile(r"[\w.+-]+@[\w.-]+"),                    # e-mail addresses
    re.compile(r"https?://[\w./?=&%#:-]*"),             # web addresses
    re.compile(r"\b[\w-]+(?:\.[\w-]+)+/[\w./?=&%#:-]*"),  # addresses printed without their scheme
]
_NOT_WORDS = [
    re.compile(r"/[\w./?=&%#:-]*"),                     # paths
    re.compile(r"\b[0-9A-Fa-f]{8}-[0-9A-Fa-f-]{27}\b"),  # UUIDs
    re.compile(r"\b[A-Z0-9]{4,}\b"),                    # join codes, short codes, tokens
    re.compile(r"\b[A-Z0-9]{2,3}(?:[ -][A-Z0-9]{2,3})+\b"),  # short codes printed in groups
    re.compile(r"[\d]+"),                               # numbers, dates, times
]
WORD = re.compile(r"[^\W\d_]{2,}")
CODE = re.compile(r"^[a-z][a-z_]*$")  # stored codes (`draft`, `single_choice`) are said through the catalogue


def unmarked_words(text: str, data: list[str], allowed: frozenset[str]) -> list[str]:
    """Words of `text` outside the markers that are not data; empty when all is translated."""
    previous = None
    while previous != text:
        previous, text = text, _MARKED.sub(" ", text)
    text = " ".join(text.split())  # PDFs wrap lines inside titles
    for pattern in _ADDRESSES:  # first, so that a stored word inside an address cannot cut it apart
        text = pattern.sub(" ", text)
    for value in data:
        value = " ".join(value.split())
        if value and value in text:
            text = text.replace(value, " ")
    for pattern in _NOT_WORDS:
        text = pattern.sub(" ", text)
    return [word for word in WORD.findall(text) if word not in allowed]


GAP_MARKUP = re.compile(r"\[\[[^\[\]]*\]\]|\{\{[^{}]*\}\}")


def data_strings(db) -> list[str]:
    """Every string stored in the database (names, titles, user content), longest first.

    Whatever users typed is data, never a missing translation; rich text is also listed
    as its visible text, and JSON documents (snapshots, task configs) by their strings.
    """
    import sqlalchemy as sa

    found: set[str] = set()

    def collect(value):
        if isinstance(value, str):
            text = value.strip()
            if text and not CODE.match(text):
                found.add(text)
                found.add(html.unescape(text))
                if "<" in text:
                    found.update(part.strip() for part in visible_text(text) if part.strip())
                found.update(line.strip() for line in text.splitlines() if line.strip())
                # A gap text (cloze) shows its words between the gaps: `… [[Brot|Brote]] im großen {{…}}.`
                found.update(part.strip() for part in GAP_MARKUP.split(text) if part and part.strip())
                found.update(answer.strip() for gap in GAP_MARKUP.findall(text)
                             for answer in gap.strip("[]{}").split("|") if answer.strip())
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                collect(item)

    from rallies.db import db as database

    for table in database.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            for value in row:
                collect(value)
    return sorted(found, key=len, reverse=True)
