"""Photo, audio and video answers: an upload's media_id, graded later by the teacher."""

import uuid

import pytest

from rallies.tasks import NO_SOLUTION, InvalidValue, Score, get_task_type

from tests.tasks.conftest import in_english

MEDIA_TYPES = ["photo", "audio", "video"]
MEDIA_ID = "6f1c1f0e-3c1a-4c55-9a43-6b8f6f0c2d11"


@pytest.mark.parametrize("type_name", MEDIA_TYPES)
def test_an_upload_waits_for_the_teacher(type_name):
    task = get_task_type(type_name)
    config = task.load_config({})

    score = task.score(config, task.parse_value(config, MEDIA_ID))

    assert score == Score(correct=None, share=None, pending_review=True)


@pytest.mark.parametrize("type_name", MEDIA_TYPES)
def test_media_answers_are_teacher_graded_single_answers_that_earn_points(type_name):
    task = get_task_type(type_name)
    config = task.load_config({})

    assert task.teacher_graded(config) is True
    assert task.single_answer(config) is True
    assert task.partial_credit(config) is False
    assert task.earns_points is True
    assert task.solution(config) is NO_SOLUTION
    assert task.public_view(config) == {}


def test_each_type_takes_its_own_kind_of_upload():
    assert [get_task_type(name).upload_kind for name in MEDIA_TYPES] == ["image", "audio", "video"]


def test_media_ids_are_stored_in_canonical_form():
    task = get_task_type("photo")

    assert task.parse_value({}, MEDIA_ID.upper()) == MEDIA_ID


@pytest.mark.parametrize(
    "value",
    [None, "", "holiday.jpg", "6f1c1f0e-3c1a", 42, True, [MEDIA_ID], {"media_id": MEDIA_ID}, uuid.UUID(MEDIA_ID)],
)
def test_anything_but_a_uuid_string_is_invalid(value):
    with pytest.raises(InvalidValue):
        get_task_type("video").parse_value({}, value)


def test_instructions_are_optional_and_shown_to_the_teacher():
    task = get_task_type("photo")
    config = task.load_config({"instructions": " The whole team in front of the painting "})

    assert config == {"instructions": "The whole team in front of the painting"}
    assert in_english(task.describe_solution(config)) == "graded by the teacher: The whole team in front of the painting"
    assert in_english(task.describe_solution(task.load_config({}))) == "graded by the teacher"
    assert in_english(task.describe_value(config, MEDIA_ID)) == f"image {MEDIA_ID}"


def test_instructions_must_be_text(config_errors):
    assert list(config_errors("audio", {"instructions": 5})) == ["instructions"]
