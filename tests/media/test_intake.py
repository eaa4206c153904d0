"""An upload handler calls ingest once and gets a clean file, its name and what to record about it."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from media.errors import BrokenMedia, TooLarge, UnsupportedMedia
from media.intake import ingest, rendition_name
from media.limits import Limits
from media.storage import sha256_hex
from tests.media.samples import BERLIN, SECRET, build_wav, encode, two_colour

EVERYTHING = {"image", "audio", "video"}


def test_photo_is_stored_as_clean_jpeg_with_display_and_thumbnail_derivatives(jpeg_with_gps):
    result = ingest(jpeg_with_gps, allowed_kinds={"image"}, limits=Limits())
    assert (result.kind, result.content_type, result.extension) == ("image", "image/jpeg", "jpg")
    assert (result.width, result.height, result.duration_s) == (480, 640, None)
    assert b"PupilPhone" not in result.data and result.data != jpeg_with_gps
    assert result.sha256 == sha256_hex(result.data)
    assert result.name == f"{result.sha256}.jpg"
    assert set(result.derivatives) == {"display", "thumbnail"}
    thumbnail = result.derivatives["thumbnail"]
    assert max(thumbnail.width, thumbnail.height) == 320
    assert Image.open(io.BytesIO(thumbnail.data)).size == (thumbnail.width, thumbnail.height)
    assert rendition_name(thumbnail) == f"{sha256_hex(thumbnail.data)}.jpg"


def test_heic_upload_becomes_jpeg():
    result = ingest(encode(two_colour((64, 48)), "HEIF"), allowed_kinds={"image"}, limits=Limits())
    assert (result.content_type, result.extension) == ("image/jpeg", "jpg")


def test_audio_is_stripped_and_measured(wav_with_info):
    result = ingest(wav_with_info, allowed_kinds={"audio"}, limits=Limits())
    assert (result.kind, result.content_type, result.extension) == ("audio", "audio/wav", "wav")
    assert SECRET.encode() not in result.data
    assert result.duration_s == 1.0
    assert (result.width, result.height, result.derivatives) == (None, None, {})
    assert result.sha256 == sha256_hex(result.data)


def test_video_is_stripped_and_measured(mp4_with_location):
    result = ingest(mp4_with_location, allowed_kinds={"video"}, limits=Limits())
    assert (result.kind, result.content_type) == ("video", "video/mp4")
    assert BERLIN not in result.data and len(result.data) == len(mp4_with_location)
    assert result.duration_s == 5.0


def test_the_same_photo_uploaded_twice_gets_the_same_name(jpeg_with_gps):
    first = ingest(jpeg_with_gps, allowed_kinds=EVERYTHING, limits=Limits())
    second = ingest(jpeg_with_gps, allowed_kinds=EVERYTHING, limits=Limits())
    assert first.name == second.name


def test_a_kind_the_task_does_not_take_is_unsupported(mp4_with_location):
    with pytest.raises(UnsupportedMedia, match="expected image"):
        ingest(mp4_with_location, allowed_kinds={"image"}, limits=Limits())


def test_size_is_checked_per_kind_before_any_decoding(jpeg_with_gps):
    with pytest.raises(TooLarge) as error:
        ingest(jpeg_with_gps, allowed_kinds={"image"}, limits=Limits(image=1000))
    assert error.value.limit == 1000
    ingest(build_wav(0.1), allowed_kinds={"audio"}, limits=Limits(image=1000))


def test_a_broken_image_is_refused_as_unsupported_media(jpeg_with_gps):
    with pytest.raises(BrokenMedia) as error:
        ingest(jpeg_with_gps[:3000], allowed_kinds={"image"}, limits=Limits())
    assert error.value.code == "unsupported_media"


def test_an_html_file_named_like_a_photo_is_refused():
    with pytest.raises(UnsupportedMedia):
        ingest(b"<html><script>steal()</script></html>", allowed_kinds={"image"}, limits=Limits())


def test_an_empty_upload_is_refused():
    with pytest.raises(BrokenMedia, match="empty"):
        ingest(b"", allowed_kinds=EVERYTHING, limits=Limits())
