"""Ordering: every item in its place; each item in place earns its share."""

import pytest

from rallies.tasks import InvalidValue, Score, get_task_type

ORDER = get_task_type("order")
CONFIG = ORDER.load_config(
    {
        "options": [
            {"id": "a", "text": "Self-portrait, 1628"},
            {"id": "b", "text": "Night Watch, 1642"},
            {"id": "c", "text": "Jewish Bride, 1665"},
            {"id": "d", "text": "Self-portrait, 1669"},
        ]
    }
)


def scored(cfg, value):
    return ORDER.score(cfg, ORDER.parse_value(cfg, value))


def test_the_right_order_is_right():
    assert scored(CONFIG, ["a", "b", "c", "d"]) == Score(correct=True, share=1.0)


def test_each_item_in_its_place_earns_a_share():
    assert scored(CONFIG, ["a", "b", "d", "c"]) == Score(correct=False, share=0.5)
    assert scored(CONFIG, ["b", "a", "d", "c"]) == Score(correct=False, share=0.0)
    assert scored(CONFIG, ["a", "c", "d", "b"]) == Score(correct=False, share=0.25)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "abcd",
        {"a": 1},
        ["a", "b", "c"],
        ["a", "b", "c", "d", "d"],
        ["a", "b", "c", "c"],
        ["a", "b", "c", "x"],
        ["a", "b", "c", 4],
        ["a", "b", "c", None],
    ],
)
def test_anything_but_a_permutation_of_all_ids_is_invalid(value):
    with pytest.raises(InvalidValue):
        ORDER.parse_value(CONFIG, value)


def test_order_always_gives_partial_credit():
    assert ORDER.partial_credit(CONFIG) is True


def test_public_options_are_all_there_but_not_in_solution_order():
    public_ids = [option["id"] for option in ORDER.public_view(CONFIG)["options"]]

    assert sorted(public_ids) == ["a", "b", "c", "d"]
    assert public_ids != ORDER.solution(CONFIG)


@pytest.mark.parametrize("count", range(2, 21))
def test_no_list_of_any_length_is_shown_in_solution_order(count):
    for first in range(30):
        cfg = ORDER.load_config({"options": [{"id": f"item{first + n}", "text": str(n)} for n in range(count)]})
        assert [option["id"] for option in ORDER.public_view(cfg)["options"]] != ORDER.solution(cfg)


@pytest.mark.parametrize("n", range(20))
def test_two_items_are_always_shown_swapped(n):
    cfg = ORDER.load_config({"options": [{"id": f"x{n}", "text": "1"}, {"id": f"y{n}", "text": "2"}]})

    assert [option["id"] for option in ORDER.public_view(cfg)["options"]] == [f"y{n}", f"x{n}"]


def test_the_shuffle_is_the_same_every_time():
    assert ORDER.public_view(CONFIG) == ORDER.public_view(ORDER.load_config(CONFIG))


def test_public_options_have_only_id_and_text():
    assert all(set(option) == {"id", "text"} for option in ORDER.public_view(CONFIG)["options"])


def test_solution_and_descriptions():
    assert ORDER.solution(CONFIG) == ["a", "b", "c", "d"]
    assert ORDER.describe_value(CONFIG, ["b", "a", "c", "d"]).startswith("Night Watch, 1642 → Self-portrait, 1628")


def test_option_errors_carry_their_path(config_errors):
    marked = [{"text": "A"}, {"text": "B", "correct": True}]
    duplicated = [{"id": "a", "text": "A"}, {"id": "a", "text": "B"}]

    assert list(config_errors("order", {"options": marked})) == ["options.1.correct"]
    assert list(config_errors("order", {"options": duplicated})) == ["options.1.id"]
    assert list(config_errors("order", {"options": [{"text": "A"}]})) == ["options"]
