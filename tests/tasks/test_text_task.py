"""Free text: forgiving about case, spacing, Unicode forms and, if allowed, typos."""

import pytest

from rallies.tasks import NO_SOLUTION, InvalidValue, Score, get_task_type

from tests.tasks.conftest import in_english

TEXT = get_task_type("text")
RIGHT = Score(correct=True, share=1.0)
WRONG = Score(correct=False, share=0.0)


def config(*accepted, **settings):
    return TEXT.load_config({"accepted_answers": list(accepted), **settings})


def scored(cfg, value):
    return TEXT.score(cfg, TEXT.parse_value(cfg, value))


def test_an_accepted_answer_is_right():
    assert scored(config("Rembrandt"), "Rembrandt") == RIGHT


def test_any_of_several_accepted_answers_is_right():
    assert scored(config("Nachtwache", "The Night Watch"), "the night watch") == RIGHT


def test_a_different_answer_is_wrong():
    assert scored(config("Rembrandt"), "Vermeer") == WRONG


def test_case_and_surrounding_and_inner_whitespace_do_not_count():
    assert scored(config("Rembrandt van Rijn"), "  Rembrandt   van Rijn ") == RIGHT
    assert scored(config("Rembrandt van Rijn"), "REMBRANDT\tVAN\nRIJN") == RIGHT


def test_final_punctuation_does_not_count():
    assert scored(config("Amsterdam"), "Amsterdam!") == RIGHT
    assert scored(config("Amsterdam."), "amsterdam") == RIGHT
    assert scored(config("Amsterdam"), "Amsterdam ?!") == RIGHT


def test_punctuation_inside_the_answer_still_counts():
    assert scored(config("St. Paul"), "St Paul") == WRONG


def test_sharp_s_matches_double_s_because_casefold_maps_it_so():
    assert scored(config("Straße"), "STRASSE") == RIGHT
    assert scored(config("STRASSE"), "straße") == RIGHT


def test_composed_and_decomposed_accents_are_the_same_answer():
    assert scored(config("Café"), "Cafe\u0301") == RIGHT


def test_full_width_letters_and_ligatures_are_folded():
    assert scored(config("Rembrandt"), "Ｒｅｍｂｒａｎｄｔ") == RIGHT
    assert scored(config("Schiff"), "Schiﬀ") == RIGHT


def test_without_typo_tolerance_one_typo_is_wrong():
    assert scored(config("Rembrandt"), "Rembrant") == WRONG


def test_one_typo_is_accepted_with_max_typos_one():
    cfg = config("Rembrandt", max_typos=1)

    assert scored(cfg, "Rembrant") == RIGHT
    assert scored(cfg, "Rembrandtt") == RIGHT
    assert scored(cfg, "Remrbandt") == WRONG  # a swap is two edits


def test_two_typos_are_refused_with_max_typos_one():
    assert scored(config("Rembrandt", max_typos=1), "Rembrnt") == WRONG


def test_two_typos_are_accepted_with_max_typos_two():
    assert scored(config("Rembrandt", max_typos=2), "Rembrnt") == RIGHT


def test_short_answers_are_never_typo_tolerant():
    cfg = config("Rom", "Zn", max_typos=3)

    assert scored(cfg, "Ron") == WRONG
    assert scored(cfg, "Zr") == WRONG
    assert scored(cfg, "rom") == RIGHT


def test_four_characters_are_enough_for_typo_tolerance():
    assert scored(config("Oslo", max_typos=1), "Osla") == RIGHT
    assert scored(config("Rom", max_typos=1), "Roma") == WRONG


@pytest.mark.parametrize("value", [None, 42, True, ["Rembrandt"], {"text": "Rembrandt"}])
def test_non_strings_are_invalid(value):
    with pytest.raises(InvalidValue):
        TEXT.parse_value(config("Rembrandt"), value)


def test_at_most_2000_characters():
    cfg = config("Rembrandt")

    assert TEXT.parse_value(cfg, "x" * 2000) == "x" * 2000
    with pytest.raises(InvalidValue, match="2000"):
        TEXT.parse_value(cfg, "x" * 2001)


def test_a_task_may_set_a_shorter_cap():
    with pytest.raises(InvalidValue):
        TEXT.parse_value(config("Rembrandt", max_length=10), "Rembrandt!!")


def test_the_answer_is_stored_as_typed():
    assert TEXT.parse_value(config("Rembrandt"), "  rembrandt ") == "  rembrandt "
    assert in_english(TEXT.describe_value(config("Rembrandt"), "  rembrandt ")) == "  rembrandt "


def test_teacher_graded_text_waits_for_review_and_takes_one_answer():
    cfg = TEXT.load_config({"teacher_graded": True})

    assert scored(cfg, "Because of the light.") == Score(correct=None, share=None, pending_review=True)
    assert TEXT.teacher_graded(cfg) is True
    assert TEXT.single_answer(cfg) is True
    assert TEXT.solution(cfg) is NO_SOLUTION
    assert in_english(TEXT.describe_solution(cfg)) == "graded by the teacher"


def test_automatically_graded_text_takes_several_attempts():
    cfg = config("Rembrandt")

    assert TEXT.teacher_graded(cfg) is False
    assert TEXT.single_answer(cfg) is False
    assert TEXT.partial_credit(cfg) is False


def test_solution_is_the_accepted_answers_and_public_view_holds_none_of_them():
    cfg = config("Nachtwache", "The Night Watch", max_typos=1)

    assert TEXT.solution(cfg) == ["Nachtwache", "The Night Watch"]
    assert TEXT.public_view(cfg) == {}
    assert in_english(TEXT.describe_solution(cfg)) == "Nachtwache / The Night Watch (up to 1 typos)"


def test_accepted_answers_are_needed_unless_a_teacher_grades(config_errors):
    assert list(config_errors("text", {})) == ["accepted_answers"]
    assert list(config_errors("text", {"accepted_answers": []})) == ["accepted_answers"]


def test_accepted_answers_must_be_non_empty_strings(config_errors):
    assert list(config_errors("text", {"accepted_answers": ["Rembrandt", "  "]})) == ["accepted_answers.1"]
    assert list(config_errors("text", {"accepted_answers": ["Rembrandt", 7]})) == ["accepted_answers.1"]


def test_an_accepted_answer_of_only_punctuation_is_refused(config_errors):
    assert list(config_errors("text", {"accepted_answers": ["Rembrandt", "?!"]})) == ["accepted_answers.1"]


def test_at_most_fifty_accepted_answers(config_errors):
    assert list(config_errors("text", {"accepted_answers": [f"answer {n}" for n in range(51)]})) == ["accepted_answers"]


@pytest.mark.parametrize("typos", [-1, 4, 1.5, True])
def test_max_typos_is_a_whole_number_from_zero_to_three(config_errors, typos):
    assert list(config_errors("text", {"accepted_answers": ["Rembrandt"], "max_typos": typos})) == ["max_typos"]


def test_max_length_cannot_exceed_2000(config_errors):
    assert list(config_errors("text", {"accepted_answers": ["Rembrandt"], "max_length": 5000})) == ["max_length"]


def test_defaults_are_filled():
    assert config("Rembrandt") == {
        "accepted_answers": ["Rembrandt"],
        "teacher_graded": False,
        "max_typos": 0,
        "max_length": 2000,
    }
