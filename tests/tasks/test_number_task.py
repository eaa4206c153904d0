"""Numbers and estimates: right within the tolerance, partly right within the band."""

import math

import pytest

from rallies.tasks import InvalidValue, Score, get_task_type

from tests.tasks.conftest import in_english

NUMBER = get_task_type("number")
RIGHT = Score(correct=True, share=1.0)
WRONG = Score(correct=False, share=0.0)


def config(**settings):
    return NUMBER.load_config(settings)


def scored(cfg, value):
    return NUMBER.score(cfg, NUMBER.parse_value(cfg, value))


def test_the_exact_value_is_right():
    assert scored(config(value=1642), 1642) == RIGHT
    assert scored(config(value=1642), 1642.0) == RIGHT


def test_without_tolerance_anything_else_is_wrong():
    assert scored(config(value=1642), 1643) == WRONG


def test_exactly_at_the_absolute_tolerance_is_right():
    cfg = config(value=1642, tolerance=5)

    assert scored(cfg, 1647) == RIGHT
    assert scored(cfg, 1637) == RIGHT


def test_just_outside_the_absolute_tolerance_is_wrong():
    cfg = config(value=1642, tolerance=5)

    assert scored(cfg, 1647.001) == WRONG
    assert scored(cfg, 1636.999) == WRONG


def test_exactly_at_a_decimal_tolerance_is_right_despite_binary_floats():
    cfg = config(value=0.3, tolerance=0.1)

    assert scored(cfg, 0.4) == RIGHT  # 0.4 - 0.3 is 0.10000000000000003 in floats
    assert scored(cfg, 0.2) == RIGHT


def test_exactly_at_the_relative_tolerance_is_right():
    cfg = config(value=300, tolerance=0.1, relative=True)

    assert scored(cfg, 330) == RIGHT
    assert scored(cfg, 270) == RIGHT
    assert scored(config(value=0.3, tolerance=0.1, relative=True), 0.33) == RIGHT


def test_just_outside_the_relative_tolerance_is_wrong():
    cfg = config(value=300, tolerance=0.1, relative=True)

    assert scored(cfg, 330.01) == WRONG
    assert scored(cfg, 269.99) == WRONG


def test_relative_tolerance_uses_the_size_of_a_negative_value():
    assert scored(config(value=-40, tolerance=0.1, relative=True), -44) == RIGHT


def test_halfway_through_the_partial_band_earns_half():
    cfg = config(value=100, tolerance=5, partial_band=15)

    assert scored(cfg, 110) == Score(correct=False, share=0.5)
    assert scored(cfg, 90) == Score(correct=False, share=0.5)


def test_the_band_share_falls_linearly_to_zero_at_its_edge():
    cfg = config(value=100, tolerance=5, partial_band=15)

    assert scored(cfg, 105) == RIGHT
    assert scored(cfg, 107.5) == Score(correct=False, share=0.75)
    assert scored(cfg, 115) == WRONG
    assert scored(cfg, 130) == WRONG


def test_a_relative_band_is_a_fraction_of_the_value_too():
    cfg = config(value=200, tolerance=0.1, relative=True, partial_band=0.3)

    assert scored(cfg, 240) == Score(correct=False, share=0.5)


def test_partial_credit_only_with_a_band():
    assert NUMBER.partial_credit(config(value=1)) is False
    assert NUMBER.partial_credit(config(value=1, tolerance=1, partial_band=2)) is True


@pytest.mark.parametrize("value", [True, False, None, "1642", [1642], {"value": 1642}, math.nan, math.inf, -math.inf])
def test_anything_but_a_finite_number_is_invalid(value):
    with pytest.raises(InvalidValue):
        NUMBER.parse_value(config(value=1642), value)


def test_public_view_shows_only_the_unit():
    assert NUMBER.public_view(config(value=1642, tolerance=5, unit="year")) == {"unit": "year"}
    assert NUMBER.public_view(config(value=1642)) == {"unit": None}


def test_solution_is_value_tolerance_and_relative():
    assert NUMBER.solution(config(value=300, tolerance=0.1, relative=True, partial_band=0.2)) == {
        "value": 300.0,
        "tolerance": 0.1,
        "relative": True,
    }


def test_descriptions_read_naturally():
    assert in_english(NUMBER.describe_solution(config(value=1642, tolerance=5))) == "1642 (±5)"
    assert in_english(NUMBER.describe_solution(config(value=300, tolerance=0.07, relative=True, unit="m"))) == "300 m (±7 %)"
    with_band = config(value=1642, tolerance=5, partial_band=20)
    assert in_english(NUMBER.describe_solution(with_band)) == "1642 (±5, partly right up to ±20)"
    assert in_english(NUMBER.describe_value(config(value=1642, unit="year"), 1650)) == "1650 year"
    assert in_english(NUMBER.describe_value(config(value=1), 2.5)) == "2.5"


def test_an_empty_unit_is_no_unit():
    assert config(value=1, unit="  ")["unit"] is None


def test_defaults_are_filled():
    assert config(value=1642) == {
        "value": 1642.0, "tolerance": 0.0, "relative": False, "partial_band": None, "unit": None
    }


def test_value_is_required(config_errors):
    assert config_errors("number", {}) == {"value": ["Required."]}


@pytest.mark.parametrize("field", ["value", "tolerance", "partial_band"])
def test_booleans_are_not_numbers_in_the_config_either(config_errors, field):
    data = {"value": 10, "tolerance": 1, "partial_band": 2, field: True}

    assert list(config_errors("number", data)) == [field]


def test_negative_tolerance_is_refused(config_errors):
    assert list(config_errors("number", {"value": 10, "tolerance": -1})) == ["tolerance"]


def test_the_band_must_be_wider_than_the_tolerance(config_errors):
    assert list(config_errors("number", {"value": 10, "tolerance": 2, "partial_band": 2})) == ["partial_band"]


def test_a_relative_tolerance_of_zero_makes_no_sense(config_errors):
    assert list(config_errors("number", {"value": 0, "tolerance": 0.1, "relative": True})) == ["relative"]


def test_non_finite_config_values_are_refused(config_errors):
    assert list(config_errors("number", {"value": math.inf})) == ["value"]
