"""Info tasks are read, never scored."""

import pytest

from rallies.tasks import NO_SOLUTION, InvalidValue, Score, get_task_type

from tests.tasks.conftest import in_english

INFO = get_task_type("info")


def test_reading_an_info_is_neither_right_nor_wrong():
    config = INFO.load_config({})

    assert INFO.parse_value(config, None) is None
    assert INFO.score(config, None) == Score(correct=None, share=None)
    assert in_english(INFO.describe_value(config, None)) == "read"


@pytest.mark.parametrize("value", ["read", True, 0, "", [], {}])
def test_anything_but_null_is_an_invalid_value(value):
    with pytest.raises(InvalidValue, match="null"):
        INFO.parse_value({}, value)


def test_an_info_takes_one_answer_earns_no_points_and_has_no_solution():
    config = INFO.load_config({})

    assert INFO.single_answer(config) is True
    assert INFO.earns_points is False
    assert INFO.solution(config) is NO_SOLUTION
    assert INFO.public_view(config) == {}


def test_an_info_config_has_nothing_to_set(config_errors):
    assert config_errors("info", {"options": []}) == {"options": ["Unknown field."]}
