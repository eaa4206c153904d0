"""Each kind of upload has its own size limit, reported with the limit so the app can say it."""

from __future__ import annotations

import pytest

from media.errors import TooLarge
from media.limits import MB, Limits


def test_default_limits_are_15_25_and_100_megabytes():
    limits = Limits()
    assert (limits.image, limits.audio, limits.video) == (15 * MB, 25 * MB, 100 * MB)
    assert limits.largest == 100 * MB


def test_a_file_at_the_limit_is_accepted():
    Limits().check_size("image", 15 * MB)


def test_a_file_over_its_kinds_limit_is_too_large_and_carries_the_limit():
    with pytest.raises(TooLarge) as error:
        Limits().check_size("image", 15 * MB + 1)
    assert error.value.code == "too_large"
    assert error.value.limit == 15 * MB
    assert "15.0 MB" in error.value.message


def test_the_same_size_can_be_fine_for_video_and_too_large_for_audio():
    size = 30 * MB
    Limits().check_size("video", size)
    with pytest.raises(TooLarge):
        Limits().check_size("audio", size)


def test_limits_come_from_configuration():
    with pytest.raises(TooLarge) as error:
        Limits(image=1000, audio=2000, video=3000).check_size("video", 3001)
    assert error.value.limit == 3000


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        Limits().check_size("document", 1)
