"""Gap texts: each gap typed or picked; each right gap earns its share, all right is correct."""

import pytest

from rallies.bundle import _task_view
from rallies.tasks import InvalidValue, Score, get_task_type

CLOZE = get_task_type("cloze")
TEXT = "Rembrandt malte [[Die Nachtwache|Nachtwache]] im Jahr {{1642|1648|1650}} für die **Schützen**."
CONFIG = CLOZE.load_config({"text": TEXT, "max_typos": 1})


def scored(value, config=CONFIG):
    return CLOZE.score(config, CLOZE.parse_value(config, value))


def test_all_gaps_right_is_correct():
    assert scored(["Nachtwache", "1642"]) == Score(correct=True, share=1.0)


def test_each_right_gap_earns_its_share():
    assert scored(["Nachtwache", "1648"]) == Score(correct=False, share=0.5)
    assert scored(["Sonnenblumen", "1642"]) == Score(correct=False, share=0.5)
    assert scored(["", "1650"]) == Score(correct=False, share=0.0)


def test_typed_gaps_forgive_case_spaces_and_the_tasks_typos_like_a_text_answer():
    assert scored(["  die NACHTWACHE ", "1642"]).correct is True
    assert scored(["Nachtwahce", "1642"]).correct is False  # two edits: more than max_typos
    assert scored(["Nachtwache.", "1642"]).correct is True
    assert scored(["Nachtwach", "1642"]).correct is True


def test_a_drop_down_gap_counts_only_its_first_choice():
    strict = CLOZE.load_config({"text": "{{Öl|Tempera|Acryl}}"})
    assert scored(["öl"], strict).correct is True
    assert scored(["Tempera"], strict).correct is False


@pytest.mark.parametrize("value", [None, "Nachtwache", ["Nachtwache"], ["a", "b", "c"], ["a", 1642],
                                   ["x" * 201, "1642"]])
def test_answers_of_the_wrong_shape_are_invalid(value):
    with pytest.raises(InvalidValue):
        CLOZE.parse_value(CONFIG, value)


def test_the_bundle_shows_the_text_with_empty_gaps_and_the_drop_down_choices_in_alphabetical_order():
    task = {"id": 1, "type": "cloze", "prompt_html": "<p>Ergänze.</p>", "points": 10, "media": [], "hint": None,
            "time_limit_s": None, "config": CONFIG}
    view = _task_view(task, with_solutions=False)
    assert view["prompt_html"].startswith("<p>Ergänze.</p><p>Rembrandt malte ")
    assert '<span class="gap" data-gap="0"></span> im Jahr <span class="gap" data-gap="1"></span>' in view["prompt_html"]
    assert "<strong>Schützen</strong>" in view["prompt_html"]
    assert "Nachtwache" not in view["prompt_html"] and "1642" not in view["prompt_html"]
    assert view["gaps"] == [{"id": 0, "options": None}, {"id": 1, "options": ["1642", "1648", "1650"]}]
    assert "solution" not in view


def test_offline_feedback_carries_the_accepted_strings_per_gap():
    assert CLOZE.solution(CONFIG) == [["Die Nachtwache", "Nachtwache"], ["1642"]]


def test_gap_markup_cannot_smuggle_html_into_the_bundle():
    config = CLOZE.load_config({"text": "<script>alert(1)</script> [[<b>x</b>]] <img src=x onerror=alert(1)>"})
    task = {"id": 1, "type": "cloze", "prompt_html": "", "points": 1, "media": [], "hint": None,
            "time_limit_s": None, "config": config}
    html = _task_view(task, with_solutions=False)["prompt_html"]
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html  # shown as text, harmless


@pytest.mark.parametrize("config, path", [
    ({"text": "Kein Lückentext."}, "text"),
    ({"text": "[[ ]] fehlt"}, "text"),
    ({"text": "{{nur eine}}"}, "text"),
    ({"text": "{{a|a}}"}, "text"),
    ({"text": "[[a]]", "max_typos": 4}, "max_typos"),
    ({"text": "[[a]]", "extra": 1}, "extra"),
])
def test_editor_mistakes_are_named_at_their_field(config_errors, config, path):
    assert path in config_errors("cloze", config)
