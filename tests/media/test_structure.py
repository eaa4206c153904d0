"""Uploads checked by structure, cheaply: hostile files are refused in milliseconds, not stored.

Each case is a file that was accepted (or cost seconds of CPU) before: 13 million empty
MP4 boxes, a 6300×6300 PNG of 130 KB, four MP3 frame headers followed by HTML, a 64-byte
MP4 with an empty movie box.
"""

from __future__ import annotations

import io
import struct
import time

import pytest
from PIL import Image

from media.errors import BrokenMedia, UnsupportedMedia
from media.images import process_image
from media.intake import ingest
from media.limits import Limits
from tests.media import samples
from tests.media.samples import MP3_FRAME, box, build_mp4, build_ogg_opus, build_wav, build_webm

AV = {"audio", "video"}
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>" * 20


def refused(data: bytes, kinds=AV, limits=None) -> bool:
    try:
        ingest(data, allowed_kinds=kinds, limits=limits or Limits(video=200 * 1024 * 1024))
    except (BrokenMedia, UnsupportedMedia):
        return True
    return False


def test_thirteen_million_empty_boxes_are_refused_in_well_under_a_second():
    hostile = box(b"ftyp", b"isom" + bytes(4) + b"isommp42") + b"\x00\x00\x00\x08free" * 13_000_000
    started = time.monotonic()
    assert refused(hostile)
    assert time.monotonic() - started < 1.0


def test_a_64_byte_mp4_with_an_empty_movie_box_is_not_a_video():
    tiny = box(b"ftyp", b"isom" + bytes(4) + b"isommp42") + box(b"moov") + box(b"mdat", bytes(24))
    assert len(tiny) <= 64
    assert refused(tiny)


def test_an_mp4_without_a_track_of_its_kind_or_without_media_data_is_refused():
    assert refused(build_mp4(handlers=(b"meta",)))
    whole = build_mp4()
    without_mdat = whole[: whole.rindex(b"mdat") - 4]
    assert refused(without_mdat)
    assert not refused(whole)


def test_four_mp3_frame_headers_followed_by_html_are_refused():
    assert refused(MP3_FRAME * 4 + HTML)
    assert refused(b"\xff\xfb\x90\x64" * 4 + HTML)


def test_a_clean_mp3_is_accepted_with_its_playing_time():
    result = ingest(MP3_FRAME * 40, allowed_kinds=AV, limits=Limits())
    assert result.content_type == "audio/mpeg"
    assert result.duration_s == pytest.approx(40 * 1152 / 44100, rel=0.05)


def test_a_recording_cut_off_in_its_last_frame_is_still_accepted():
    assert not refused(MP3_FRAME * 10 + MP3_FRAME[:200])


@pytest.mark.parametrize("build", [build_wav, build_ogg_opus, lambda: build_mp4(), lambda: build_webm()])
def test_data_after_the_end_of_audio_or_video_is_refused(build):
    good = build()
    assert not refused(good)
    assert refused(good + HTML)


def test_a_webm_without_tracks_is_refused():
    assert refused(build_webm(track_types=()))


def test_a_wav_without_audio_data_is_refused():
    header = samples.riff_chunk(b"fmt ", struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16))
    body = b"WAVE" + header + samples.riff_chunk(b"data", b"")
    assert refused(b"RIFF" + struct.pack("<I", len(body)) + body)


def test_a_6300_pixel_square_png_is_refused_before_decoding():
    buffer = io.BytesIO()
    Image.new("RGB", (6300, 6300), (255, 255, 255)).save(buffer, "PNG")
    started = time.process_time()
    with pytest.raises(BrokenMedia, match="pixels"):
        process_image(buffer.getvalue())
    assert time.process_time() - started < 0.2


def test_a_48_megapixel_phone_jpeg_is_decoded_scaled_down_instead_of_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (8000, 6000), (120, 80, 40)).save(buffer, "JPEG")
    result = ingest(buffer.getvalue(), allowed_kinds={"image"}, limits=Limits())
    assert (result.width, result.height) == (4000, 3000)


def test_the_pixel_limit_is_configurable():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (1, 2, 3)).save(buffer, "PNG")
    with pytest.raises(BrokenMedia):
        ingest(buffer.getvalue(), allowed_kinds={"image"}, limits=Limits(image_pixels=50_000))
