"""A fixed shuffle for order and match tasks, so the bundle never lists items in solution order."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

# Part of the shuffle: changing it reorders every published bundle and changes its ETag.
SALT = "rallyhub-shuffle-v1:"


def _rank(item_id: str) -> str:
    return hashlib.sha256((SALT + item_id).encode("utf-8")).hexdigest()


def shuffled(items: Sequence[T], key: Callable[[T], str]) -> list[T]:
    """Items in an order that depends only on their ids and differs from the given order.

    The same ids always give the same order, which keeps bundles and their ETags stable;
    when hashing happens to give back the original order, rotating by one breaks it.
    """
    result = sorted(items, key=lambda item: _rank(key(item)))
    if len(result) >= 2 and [key(item) for item in result] == [key(item) for item in items]:
        result = result[1:] + result[:1]
    return result
