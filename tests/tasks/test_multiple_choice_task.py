"""Multiple choice: the exact set of right options, or a share of it with partial credit."""

import pytest

from rallies.tasks import InvalidValue, Score, get_task_type

MULTIPLE = get_task_type("multiple_choice")
OPTIONS = [
    {"id": "a", "text": "A", "correct": True},
    {"id": "b", "text": "B", "correct": True},
    {"id": "c", "text": "C", "correct": True},
    {"id": "d", "text": "D"},
    {"id": "e", "text": "E"},
]
ALL_OR_NOTHING = MULTIPLE.load_config({"options": OPTIONS})
PARTIAL = MULTIPLE.load_config({"options": OPTIONS, "partial_credit": True})


def scored(config, value):
    return MULTIPLE.score(config, MULTIPLE.parse_value(config, value))


@pytest.mark.parametrize("config", [ALL_OR_NOTHING, PARTIAL])
def test_exactly_the_right_set_is_right_in_any_order(config):
    assert scored(config, ["c", "a", "b"]) == Score(correct=True, share=1.0)


def test_without_partial_credit_anything_else_is_wrong():
    assert scored(ALL_OR_NOTHING, ["a", "b"]) == Score(correct=False, share=0.0)
    assert scored(ALL_OR_NOTHING, ["a", "b", "c", "d"]) == Score(correct=False, share=0.0)


def test_partial_credit_counts_right_picks_minus_wrong_ones():
    assert scored(PARTIAL, ["a", "b"]) == Score(correct=False, share=pytest.approx(2 / 3))
    assert scored(PARTIAL, ["a", "b", "d"]) == Score(correct=False, share=pytest.approx(1 / 3))


def test_all_options_picked_is_not_right_even_with_partial_credit():
    assert scored(PARTIAL, ["a", "b", "c", "d", "e"]) == Score(correct=False, share=pytest.approx(1 / 3))


def test_partial_credit_floors_at_zero_when_wrong_picks_outnumber_right_ones():
    assert scored(PARTIAL, ["a", "d", "e"]) == Score(correct=False, share=0.0)


def test_picking_nothing_is_allowed_and_earns_nothing():
    assert MULTIPLE.parse_value(PARTIAL, []) == []
    assert scored(PARTIAL, []) == Score(correct=False, share=0.0)
    assert MULTIPLE.describe_value(PARTIAL, []) == "—"


def test_picks_are_stored_in_option_order():
    assert MULTIPLE.parse_value(PARTIAL, ["d", "a"]) == ["a", "d"]


@pytest.mark.parametrize(
    "value",
    [None, "a", {"a": True}, ["a", "a"], ["a", "z"], ["a", 1], [True], [None], [["a"]]],
)
def test_malformed_values_are_invalid(value):
    with pytest.raises(InvalidValue):
        MULTIPLE.parse_value(PARTIAL, value)


def test_partial_credit_is_off_unless_enabled():
    assert MULTIPLE.partial_credit(ALL_OR_NOTHING) is False
    assert MULTIPLE.partial_credit(PARTIAL) is True


def test_solution_lists_right_ids_in_option_order():
    config = MULTIPLE.load_config(
        {
            "options": [
                {"id": "x", "text": "X"},
                {"id": "z", "text": "Z", "correct": True},
                {"id": "y", "text": "Y", "correct": True},
            ]
        }
    )

    assert MULTIPLE.solution(config) == ["z", "y"]
    assert MULTIPLE.describe_solution(config) == "Z, Y"


def test_public_options_carry_no_correct_flag():
    assert MULTIPLE.public_view(PARTIAL)["options"][0] == {"id": "a", "text": "A"}


def test_describe_value_lists_texts():
    assert MULTIPLE.describe_value(PARTIAL, ["b", "c"]) == "B, C"


def test_at_least_one_option_must_be_right(config_errors):
    assert config_errors("multiple_choice", {"options": [{"text": "A"}, {"text": "B"}]}) == {
        "options": ["At least one option must be correct."]
    }


def test_partial_credit_must_be_a_boolean(config_errors):
    errors = config_errors("multiple_choice", {"options": OPTIONS, "partial_credit": "sometimes"})

    assert list(errors) == ["partial_credit"]


def test_option_errors_carry_their_path(config_errors):
    options = [{"text": "A", "correct": True}, {"text": "B", "correct": "yes please"}]

    assert list(config_errors("multiple_choice", {"options": options})) == ["options.1.correct"]
