"""Fixtures for the media tests: sample files with metadata to strip, and a local storage."""

from __future__ import annotations

import pytest

from media.storage import LocalStorage
from tests.media import samples


@pytest.fixture
def jpeg_with_gps() -> bytes:
    return samples.photo_with_gps()


@pytest.fixture
def mp4_with_location() -> bytes:
    return samples.build_mp4()


@pytest.fixture
def mp3_with_tags() -> bytes:
    return samples.mp3_with_tags()


@pytest.fixture
def wav_with_info() -> bytes:
    return samples.build_wav()


@pytest.fixture
def ogg_opus_with_comments() -> bytes:
    return samples.build_ogg_opus(f"TITLE={samples.SECRET}", "LOCATION=52.5200,13.4050")


@pytest.fixture
def webm_with_tags() -> bytes:
    return samples.build_webm()


@pytest.fixture
def local_storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "media")
