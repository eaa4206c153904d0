"""The one place JSON from outside is read: bounded in nesting and numbers, for both APIs.

Python's json module follows a body nested tens of thousands deep until the stack runs
out, reads `1e400` as infinity and `NaN` as a number, and turns a 400-digit integer into
an int no database column takes. Here a body like that is not JSON we accept, and the
APIs answer `400 malformed_json`. Integers beyond 2^53 are read as the float a browser
would read (I-JSON, RFC 7493), so a huge number answer is just a big number.
"""

from __future__ import annotations

import json
import math

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 64
MAX_EXACT_INT = 2**53
MAX_NUMBER_CHARS = 400


class JSONTooComplex(json.JSONDecodeError):
    """A body that is JSON but beyond what we read; handled like any other malformed body."""


def _refuse(doc: str, reason: str):
    raise JSONTooComplex(reason, doc or " ", 0)


def _parse_int(text: str):
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError("number too long")
    value = int(text)
    if abs(value) <= MAX_EXACT_INT:
        return value
    as_float = float(value)
    if not math.isfinite(as_float):
        raise ValueError("number out of range")
    return as_float


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError("number too long")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _parse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def loads(data: bytes | str):
    """Parse a request body; JSONDecodeError for anything malformed, too deep or out of range."""
    if isinstance(data, (bytes, bytearray)):
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise json.JSONDecodeError(f"not UTF-8: {error.reason}", " ", error.start) from None
    else:
        text = data
    try:
        value = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
    except RecursionError:
        _refuse(text, "nested too deeply")
    except json.JSONDecodeError:
        raise
    except ValueError as error:  # from the hooks above
        _refuse(text, str(error))
    if _depth_exceeds(value, MAX_DEPTH):
        _refuse(text, "nested too deeply")
    return value


def _depth_exceeds(value, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit`, measured without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with the bounded reader, so `request.get_json()` is bounded too."""

    def loads(self, s, **kwargs):
        return loads(s)
