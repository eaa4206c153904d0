"""Surveys and ratings: any answer on offer is welcome and none is scored."""

import pytest

from rallies.tasks import NO_SOLUTION, InvalidValue, Score, get_task_type

SURVEY = get_task_type("survey")
CHOICE = SURVEY.load_config({"options": [{"id": "yes", "text": "Yes"}, {"id": "no", "text": "No"}]})
SCALE = SURVEY.load_config({"scale": {"min": 0, "max": 10, "step": 2, "min_label": "boring", "max_label": "great"}})


def test_an_option_is_an_unscored_answer():
    assert SURVEY.score(CHOICE, SURVEY.parse_value(CHOICE, "yes")) == Score(correct=None, share=None)
    assert SURVEY.describe_value(CHOICE, "no") == "No"


def test_a_rating_on_the_scale_is_an_unscored_answer():
    assert SURVEY.parse_value(SCALE, 4) == 4
    assert SURVEY.score(SCALE, 4) == Score(correct=None, share=None)
    assert SURVEY.describe_value(SCALE, 4) == "4 (0–10)"


def test_both_ends_of_the_scale_are_on_it():
    assert SURVEY.parse_value(SCALE, 0) == 0
    assert SURVEY.parse_value(SCALE, 10) == 10


def test_a_whole_float_rating_is_stored_as_an_integer():
    assert SURVEY.parse_value(SCALE, 6.0) == 6
    assert isinstance(SURVEY.parse_value(SCALE, 6.0), int)


@pytest.mark.parametrize("value", [-2, 12, 3, 4.5, True, False, None, "4", [4], float("nan")])
def test_ratings_off_the_scale_or_between_steps_are_invalid(value):
    with pytest.raises(InvalidValue):
        SURVEY.parse_value(SCALE, value)


@pytest.mark.parametrize("value", ["maybe", None, 1, True, ["yes"]])
def test_unknown_or_malformed_options_are_invalid(value):
    with pytest.raises(InvalidValue):
        SURVEY.parse_value(CHOICE, value)


def test_a_survey_takes_one_answer_earns_nothing_and_has_no_solution():
    assert SURVEY.single_answer(CHOICE) is True
    assert SURVEY.earns_points is False
    assert SURVEY.teacher_graded(CHOICE) is False
    assert SURVEY.solution(SCALE) is NO_SOLUTION


def test_public_view_is_the_options_or_the_scale():
    assert SURVEY.public_view(CHOICE) == {"options": [{"id": "yes", "text": "Yes"}, {"id": "no", "text": "No"}]}
    assert SURVEY.public_view(SCALE) == {
        "scale": {"min": 0, "max": 10, "step": 2, "min_label": "boring", "max_label": "great"}
    }


def test_scale_defaults_are_filled():
    assert SURVEY.load_config({"scale": {"min": 1, "max": 5}}) == {
        "scale": {"min": 1, "max": 5, "step": 1, "min_label": "", "max_label": ""}
    }


def test_options_or_a_scale_but_not_both_nor_neither(config_errors):
    assert config_errors("survey", {}) == {"_schema": ["Give either options or a scale."]}
    both = {"options": CHOICE["options"], "scale": {"min": 1, "max": 5}}
    assert config_errors("survey", both) == {"_schema": ["Give either options or a scale."]}


def test_min_must_be_below_max(config_errors):
    assert list(config_errors("survey", {"scale": {"min": 5, "max": 5}})) == ["scale.max"]


def test_max_must_be_reachable_in_steps(config_errors):
    assert list(config_errors("survey", {"scale": {"min": 1, "max": 10, "step": 4}})) == ["scale.step"]


@pytest.mark.parametrize("step", [0, -1, 1.5, True])
def test_step_is_a_positive_whole_number(config_errors, step):
    assert list(config_errors("survey", {"scale": {"min": 1, "max": 5, "step": step}})) == ["scale.step"]


def test_option_errors_carry_their_path(config_errors):
    options = [{"id": "a", "text": "A"}, {"id": "a", "text": "B"}, {"text": ""}]

    assert sorted(config_errors("survey", {"options": options})) == ["options.2.text"]
    assert config_errors("survey", {"options": options[:2]}) == {"options.1.id": ["Duplicate id 'a'."]}
