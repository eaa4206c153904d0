"""The fixed shuffle behind order and match public views."""

import hashlib

from rallies.tasks.shuffle import SALT, shuffled


def ident(item: str) -> str:
    return item


def in_hash_order(ids: list[str]) -> list[str]:
    return sorted(ids, key=lambda item: hashlib.sha256((SALT + item).encode()).hexdigest())


def test_the_order_depends_only_on_the_ids():
    ids = [f"id{n}" for n in range(10)]

    assert shuffled(ids, ident) == shuffled(list(reversed(ids)), ident) == in_hash_order(ids)


def test_a_list_already_in_hash_order_is_rotated_by_one():
    ids = in_hash_order([f"id{n}" for n in range(6)])

    assert shuffled(ids, ident) == ids[1:] + ids[:1]


def test_a_single_item_stays():
    assert shuffled(["only"], ident) == ["only"]
