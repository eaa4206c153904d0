"""Input bounds at the edge of the pages and of every URL: what no database or date can hold.

The APIs check their loaded arguments field by field (client_api.openapi.EdgeParser); the
pages' forms and query strings are checked here, once, before any view runs: a NUL
character (PostgreSQL refuses it in text), an integer of more than 64 bits (no id column
holds it) or a date outside 1900–2999 (date arithmetic overflows) answers 422 with a
message instead of reaching a form or a query. Ids in paths are bounded by the `int`
converter, so `/…/9223372036854775808` is simply not found.
"""

from __future__ import annotations

import re

from flask import Flask, request
from flask_babel import gettext
from werkzeug.routing import IntegerConverter

from rallies.errors import Invalid
from rallies.validation import DATE_MESSAGE, INT_MESSAGE, MAX_INT, NUL_MESSAGE

API_PREFIXES = ("/api/", "/media/")
INTEGER = re.compile(r"\s*[+-]?\d{19,}\s*")
DATE_LIKE = re.compile(r"\s*[+-]?(\d{1,9})-\d{1,2}-\d{1,2}(?:[T ][\d:.+\-Z ]*)?\s*")


class BoundedIntegerConverter(IntegerConverter):
    """`<int:id>` that matches only ids a 64-bit column can hold; larger ones are 404."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's parameter name
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


def value_problem(value: str):
    """The message for a form or query value no database or date can hold, else None."""
    if "\x00" in value:
        return NUL_MESSAGE
    if INTEGER.fullmatch(value) and abs(int(value)) > MAX_INT:
        return INT_MESSAGE
    match = DATE_LIKE.fullmatch(value)
    if match and not 1900 <= int(match.group(1)) <= 2999:
        return DATE_MESSAGE
    return None


def refuse_unstorable_page_input() -> None:
    """A `before_request` hook for pages: 422 for a query or form value outside the bounds."""
    if request.path.startswith(API_PREFIXES):
        return
    sources = [request.args]
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        sources.append(request.form)
    for source in sources:
        for name, value in source.items(multi=True):
            message = value_problem(name) or value_problem(value)
            if message is not None:
                text = message.render(gettext)
                raise Invalid(text, errors={name: [text]})


def init_edge(app: Flask) -> None:
    """Install the bounded `int` converter (before any route is added) and the page check."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_unstorable_page_input)
