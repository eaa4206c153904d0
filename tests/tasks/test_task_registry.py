"""The registry as a whole: which types exist and what every one of them promises."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rallies.tasks import NO_SOLUTION, REGISTRY, get_task_type
from rallies.tasks.schemas import error_paths

FORBIDDEN_KEYS = {"solution", "correct", "accepted_answers", "is_correct"}

SAMPLE_CONFIGS: dict[str, dict[str, Any]] = {
    "info": {},
    "single_choice": {
        "options": [
            {"id": "a", "text": "Rembrandt", "correct": True, "media": ["rembrandt.jpg"]},
            {"id": "b", "text": "Vermeer"},
        ]
    },
    "multiple_choice": {
        "options": [
            {"id": "a", "text": "Oil", "correct": True},
            {"id": "b", "text": "Canvas", "correct": True},
            {"id": "c", "text": "Marble"},
        ],
        "partial_credit": True,
    },
    "text": {"accepted_answers": ["Nachtwache", "The Night Watch"], "max_typos": 1},
    "number": {"value": 1642, "tolerance": 5, "partial_band": 20, "unit": "year"},
    "order": {"options": [{"id": "o1", "text": "1606"}, {"id": "o2", "text": "1642"}, {"id": "o3", "text": "1669"}]},
    "match": {
        "pairs": [
            {"left": {"id": "l1", "text": "Rembrandt"}, "right": {"id": "r1", "text": "Night Watch"}},
            {"left": {"id": "l2", "text": "Vermeer"}, "right": {"id": "r2", "text": "Milkmaid"}},
            {"left": {"id": "l3", "text": "Van Gogh"}, "right": {"id": "r3", "text": "Sunflowers"}},
        ]
    },
    "photo": {"instructions": "The whole team in front of the Night Watch"},
    "audio": {},
    "video": {},
    "location": {"lat": 52.36, "lon": 4.8852, "radius_m": 50},
    "survey": {"scale": {"min": 1, "max": 5, "min_label": "boring", "max_label": "great"}},
    "cloze": {"text": "Rembrandt painted [[The Night Watch|Night Watch]] in {{1642|1648}}.", "max_typos": 1},
    "hotspot": {"regions": [{"circle": {"x": 0.4, "y": 0.5, "r": 0.1}}], "aspect": 0.75},
}


def types_where(predicate: str) -> set[str]:
    """Names of the types whose method `predicate` is true for their sample config."""
    return {
        name
        for name, task in REGISTRY.items()
        if getattr(task, predicate)(task.load_config(SAMPLE_CONFIGS[name]))
    }


def forbidden_keys(data: Any, path: str = "") -> list[str]:
    """Paths of every key anywhere in data that would give a solution away."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if key in FORBIDDEN_KEYS:
                found.append(here)
            found.extend(forbidden_keys(value, here))
    elif isinstance(data, (list, tuple)):
        for index, value in enumerate(data):
            found.extend(forbidden_keys(value, f"{path}.{index}"))
    return found


def test_the_checker_finds_forbidden_keys_at_any_depth():
    assert forbidden_keys({"options": [{"id": "a"}, {"id": "b", "meta": {"is_correct": True}}]}) == [
        "options.1.meta.is_correct"
    ]


def test_registry_holds_exactly_the_client_api_types_with_the_december_additions():
    assert set(REGISTRY) == {
        "info", "single_choice", "multiple_choice", "text", "number", "order",
        "match", "photo", "audio", "video", "location", "survey", "cloze", "hotspot",
    }


def test_every_registered_type_has_a_sample_config_here():
    assert set(SAMPLE_CONFIGS) == set(REGISTRY)


def test_unknown_type_is_a_key_error():
    with pytest.raises(KeyError):
        get_task_type("crossword")


def test_each_type_knows_its_own_name():
    assert all(task.name == name for name, task in REGISTRY.items())


@pytest.mark.parametrize("type_name", sorted(REGISTRY))
def test_public_view_never_contains_a_forbidden_key(type_name):
    task = get_task_type(type_name)
    config = task.load_config(SAMPLE_CONFIGS[type_name])

    public = task.public_view(config)

    assert forbidden_keys(public) == []
    json.dumps(public)  # goes into the bundle as it is


@pytest.mark.parametrize("type_name", sorted(REGISTRY))
def test_public_view_is_a_copy_the_bundle_may_change(type_name):
    task = get_task_type(type_name)
    config = task.load_config(SAMPLE_CONFIGS[type_name])
    before = json.dumps(config, sort_keys=True)

    public = task.public_view(config)
    for value in public.values():
        if isinstance(value, dict):
            value.clear()
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    item.clear()

    assert json.dumps(config, sort_keys=True) == before


@pytest.mark.parametrize("type_name", sorted(REGISTRY))
def test_a_loaded_config_loads_again_unchanged(type_name):
    task = get_task_type(type_name)
    config = task.load_config(SAMPLE_CONFIGS[type_name])

    assert task.load_config(json.loads(json.dumps(config))) == config


@pytest.mark.parametrize("type_name", sorted(REGISTRY))
def test_unknown_config_keys_are_refused(type_name, config_errors):
    errors = config_errors(type_name, {**SAMPLE_CONFIGS[type_name], "difficulty": "hard"})

    assert errors == {"difficulty": ["Unknown field."]}


@pytest.mark.parametrize("type_name", sorted(REGISTRY))
def test_a_config_that_is_not_an_object_is_refused(type_name, config_errors):
    assert config_errors(type_name, ["not", "an", "object"]) == {"_schema": ["Invalid input type."]}


@pytest.mark.parametrize("type_name", sorted(REGISTRY))
def test_solution_and_descriptions_are_json_and_text(type_name):
    task = get_task_type(type_name)
    config = task.load_config(SAMPLE_CONFIGS[type_name])

    solution = task.solution(config)

    if solution is not NO_SOLUTION:
        json.dumps(solution)
    assert isinstance(task.describe_solution(config), str)


def test_only_info_and_survey_earn_no_points():
    assert {name for name, task in REGISTRY.items() if not task.earns_points} == {"info", "survey"}


def test_only_photo_audio_and_video_take_uploads():
    kinds = {name: task.upload_kind for name, task in REGISTRY.items() if task.upload_kind}
    assert kinds == {"photo": "image", "audio": "audio", "video": "video"}


def test_types_that_take_a_single_answer():
    assert types_where("single_answer") == {"info", "survey", "photo", "audio", "video"}


def test_types_that_grade_by_teacher_for_the_sample_configs():
    assert types_where("teacher_graded") == {"photo", "audio", "video"}


def test_types_with_partial_credit_for_the_sample_configs():
    assert types_where("partial_credit") == {"multiple_choice", "number", "order", "match", "cloze"}


def test_solutions_travel_only_for_the_documented_types():
    with_solution = {
        name
        for name in REGISTRY
        if get_task_type(name).solution(get_task_type(name).load_config(SAMPLE_CONFIGS[name])) is not NO_SOLUTION
    }
    assert with_solution == {"single_choice", "multiple_choice", "text", "number", "order", "match", "cloze", "hotspot"}


def test_error_paths_flatten_nested_messages():
    messages = {"pairs": {2: {"left": {"text": ["Missing data for required field."]}}}, "_schema": ["Bad."]}

    assert error_paths(messages) == {"pairs.2.left.text": ["Missing data for required field."], "_schema": ["Bad."]}
