"""Single choice: one right option among 2 to 20."""

import pytest

from rallies.tasks import InvalidValue, Score, get_task_type

SINGLE = get_task_type("single_choice")
CONFIG = SINGLE.load_config(
    {
        "options": [
            {"id": "rembrandt", "text": "Rembrandt", "correct": True, "media": ["portrait.jpg"]},
            {"id": "vermeer", "text": "Vermeer"},
            {"id": "hals", "text": "Frans Hals"},
        ]
    }
)


def test_the_right_option_is_right():
    assert SINGLE.score(CONFIG, SINGLE.parse_value(CONFIG, "rembrandt")) == Score(correct=True, share=1.0)


def test_another_option_is_wrong():
    assert SINGLE.score(CONFIG, SINGLE.parse_value(CONFIG, "vermeer")) == Score(correct=False, share=0.0)


@pytest.mark.parametrize("value", [None, "monet", "", 1, True, ["rembrandt"], {"id": "rembrandt"}])
def test_malformed_or_unknown_values_are_invalid(value):
    with pytest.raises(InvalidValue):
        SINGLE.parse_value(CONFIG, value)


def test_an_unknown_id_is_named_in_the_message():
    with pytest.raises(InvalidValue) as raised:
        SINGLE.parse_value(CONFIG, "monet")
    assert "'monet'" in raised.value.message


def test_the_phone_sees_texts_and_pictures_but_not_which_is_right():
    assert SINGLE.public_view(CONFIG) == {
        "options": [
            {"id": "rembrandt", "text": "Rembrandt", "media": ["portrait.jpg"]},
            {"id": "vermeer", "text": "Vermeer"},
            {"id": "hals", "text": "Frans Hals"},
        ]
    }


def test_solution_and_descriptions():
    assert SINGLE.solution(CONFIG) == "rembrandt"
    assert SINGLE.describe_value(CONFIG, "hals") == "Frans Hals"
    assert SINGLE.describe_solution(CONFIG) == "Rembrandt"


def test_missing_option_ids_are_generated_short_random_and_unique():
    config = SINGLE.load_config({"options": [{"text": "A", "correct": True}, {"text": "B"}, {"id": "c", "text": "C"}]})

    ids = [option["id"] for option in config["options"]]
    assert ids[2] == "c"
    assert len(set(ids)) == 3
    assert all(isinstance(option_id, str) and 4 <= len(option_id) <= 16 for option_id in ids[:2])


def test_option_texts_are_trimmed():
    config = SINGLE.load_config({"options": [{"text": "  A ", "correct": True}, {"text": "B"}]})

    assert config["options"][0]["text"] == "A"


def test_config_errors_name_the_field(config_errors):
    errors = config_errors("single_choice", {"options": [{"text": "A", "correct": True}, {"text": "   "}]})

    assert list(errors) == ["options.1.text"]


def test_exactly_one_option_must_be_right(config_errors):
    two_right = [{"text": "A", "correct": True}, {"text": "B", "correct": True}]

    errors = config_errors("single_choice", {"options": two_right})

    assert errors == {"options": ["Exactly one option must be correct."]}
    assert "options" in config_errors("single_choice", {"options": [{"text": "A"}, {"text": "B"}]})


def test_option_ids_must_be_unique(config_errors):
    options = [{"id": "x", "text": "A", "correct": True}, {"id": "x", "text": "B"}]

    errors = config_errors("single_choice", {"options": options})

    assert errors == {"options.1.id": ["Duplicate id 'x'."]}


@pytest.mark.parametrize("count", [1, 21])
def test_between_two_and_twenty_options(config_errors, count):
    options = [{"text": f"Option {n}", "correct": n == 0} for n in range(count)]

    assert "options" in config_errors("single_choice", {"options": options})


def test_options_are_required(config_errors):
    assert config_errors("single_choice", {}) == {"options": ["Required."]}
