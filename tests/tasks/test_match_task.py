"""Matching pairs: every left item to its right item; each right pair earns its share."""

import pytest

from rallies.tasks import InvalidValue, Score, get_task_type

MATCH = get_task_type("match")
CONFIG = MATCH.load_config(
    {
        "pairs": [
            {"left": {"id": "rembrandt", "text": "Rembrandt"}, "right": {"id": "watch", "text": "Night Watch"}},
            {"left": {"id": "vermeer", "text": "Vermeer"}, "right": {"id": "milk", "text": "The Milkmaid"}},
            {"left": {"id": "gogh", "text": "Van Gogh"}, "right": {"id": "sun", "text": "Sunflowers"}},
            {"left": {"id": "hals", "text": "Frans Hals"}, "right": {"id": "cav", "text": "Laughing Cavalier"}},
        ]
    }
)
SOLUTION = {"rembrandt": "watch", "vermeer": "milk", "gogh": "sun", "hals": "cav"}


def scored(value):
    return MATCH.score(CONFIG, MATCH.parse_value(CONFIG, value))


def test_all_pairs_right_is_right():
    assert scored(SOLUTION) == Score(correct=True, share=1.0)


def test_each_right_pair_earns_a_share():
    assert scored({**SOLUTION, "gogh": "cav", "hals": "sun"}) == Score(correct=False, share=0.5)


def test_the_same_right_item_twice_is_allowed_and_scores_accordingly():
    assert scored({"rembrandt": "watch", "vermeer": "watch", "gogh": "watch", "hals": "watch"}) == Score(
        correct=False, share=0.25
    )


@pytest.mark.parametrize(
    "value",
    [
        None,
        [["rembrandt", "watch"]],
        "rembrandt=watch",
        {"rembrandt": "watch", "vermeer": "milk", "gogh": "sun"},
        {**SOLUTION, "monet": "sun"},
        {**SOLUTION, "hals": "lilies"},
        {**SOLUTION, "hals": None},
        {**SOLUTION, "hals": ["cav"]},
        {**SOLUTION, "hals": 3},
        {**SOLUTION, "hals": "hals"},
        {"watch": "rembrandt", "milk": "vermeer", "sun": "gogh", "cav": "hals"},
    ],
)
def test_malformed_values_are_invalid(value):
    with pytest.raises(InvalidValue):
        MATCH.parse_value(CONFIG, value)


def test_match_always_gives_partial_credit():
    assert MATCH.partial_credit(CONFIG) is True


def test_public_view_lists_left_in_order_and_right_shuffled():
    public = MATCH.public_view(CONFIG)["pairs"]

    assert [item["id"] for item in public["left"]] == ["rembrandt", "vermeer", "gogh", "hals"]
    right_ids = [item["id"] for item in public["right"]]
    assert sorted(right_ids) == sorted(SOLUTION.values())
    assert right_ids != list(SOLUTION.values())
    assert {item["text"] for item in public["right"]} == {
        "Night Watch", "The Milkmaid", "Sunflowers", "Laughing Cavalier"
    }


@pytest.mark.parametrize("count", range(2, 21))
def test_right_items_are_never_in_pair_order(count):
    for first in range(30):
        pairs = [
            {"left": {"id": f"l{first + n}", "text": "L"}, "right": {"id": f"r{first + n}", "text": "R"}}
            for n in range(count)
        ]
        cfg = MATCH.load_config({"pairs": pairs})
        assert [item["id"] for item in MATCH.public_view(cfg)["pairs"]["right"]] != list(MATCH.solution(cfg).values())


def test_solution_and_descriptions():
    assert MATCH.solution(CONFIG) == SOLUTION
    assert MATCH.describe_value(CONFIG, {**SOLUTION, "hals": "sun"}).endswith("Frans Hals → Sunflowers")
    assert MATCH.describe_solution(CONFIG).startswith("Rembrandt → Night Watch; Vermeer → The Milkmaid")


def test_missing_ids_are_generated_unique_across_both_sides():
    pairs = [
        {"left": {"text": "a"}, "right": {"text": "b"}},
        {"left": {"id": "x", "text": "c"}, "right": {"text": "d"}},
    ]
    cfg = MATCH.load_config({"pairs": pairs})

    ids = [pair[side]["id"] for pair in cfg["pairs"] for side in ("left", "right")]
    assert len(set(ids)) == 4
    assert ids[2] == "x"


def test_ids_must_be_unique_across_sides(config_errors):
    pairs = [
        {"left": {"id": "a", "text": "A"}, "right": {"id": "b", "text": "B"}},
        {"left": {"id": "c", "text": "C"}, "right": {"id": "a", "text": "D"}},
    ]

    assert config_errors("match", {"pairs": pairs}) == {"pairs.1.right.id": ["Duplicate id 'a'."]}


def test_pair_errors_carry_their_path(config_errors):
    pairs = [{"left": {"text": "A"}, "right": {"text": "B"}}, {"left": {"text": "C"}}]

    assert config_errors("match", {"pairs": pairs}) == {"pairs.1.right": ["Required."]}


@pytest.mark.parametrize("count", [1, 21])
def test_between_two_and_twenty_pairs(config_errors, count):
    pairs = [{"left": {"text": f"L{n}"}, "right": {"text": f"R{n}"}} for n in range(count)]

    assert list(config_errors("match", {"pairs": pairs})) == ["pairs"]
