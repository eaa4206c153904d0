"""Files are recognised by their bytes, never by name, and everything we do not serve safely is refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from media.errors import BrokenMedia, MediaError, UnsupportedMedia
from media.sniff import Sniffed, sniff, sniff_as
from tests.media.samples import (
    MP3_FRAME,
    adts_frame,
    box,
    build_mp4,
    build_ogg_opus,
    build_wav,
    build_webm,
    encode,
    id3v2,
    ogg_stream,
    two_colour,
)


def small(fmt: str, **options) -> bytes:
    return encode(two_colour((16, 16)), fmt, **options)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (small("JPEG"), Sniffed("image", "image/jpeg", "jpg")),
        (small("PNG"), Sniffed("image", "image/png", "png")),
        (small("WEBP"), Sniffed("image", "image/webp", "webp")),
        (small("GIF"), Sniffed("image", "image/gif", "gif")),
        (small("HEIF"), Sniffed("image", "image/heic", "heic")),
        (MP3_FRAME * 2, Sniffed("audio", "audio/mpeg", "mp3")),
        (adts_frame() * 2, Sniffed("audio", "audio/aac", "aac")),
        (build_wav(0.1), Sniffed("audio", "audio/wav", "wav")),
        (build_ogg_opus(), Sniffed("audio", "audio/ogg", "ogg")),
        (build_mp4(brand=b"M4A ", handlers=(b"soun",)), Sniffed("audio", "audio/mp4", "m4a")),
        (build_mp4(), Sniffed("video", "video/mp4", "mp4")),
        (build_mp4(brand=b"qt  "), Sniffed("video", "video/quicktime", "mov")),
        (build_webm(), Sniffed("video", "video/webm", "webm")),
        (build_webm(doc_type="matroska"), Sniffed("video", "video/x-matroska", "mkv")),
    ],
    ids=[
        "jpeg",
        "png",
        "webp",
        "gif",
        "heic",
        "mp3",
        "aac",
        "wav",
        "ogg",
        "m4a",
        "mp4",
        "mov",
        "webm",
        "mkv",
    ],
)
def test_accepted_formats_are_recognised_by_their_bytes(data, expected):
    assert sniff(data) == expected


def test_mp4_recorded_as_audio_only_counts_as_audio_whatever_its_brand():
    assert sniff(build_mp4(brand=b"mp42", handlers=(b"soun",))) == Sniffed("audio", "audio/mp4", "m4a")


def test_m4a_brand_with_a_video_track_counts_as_video():
    assert sniff(build_mp4(brand=b"M4A ", handlers=(b"vide", b"soun"))).kind == "video"


def test_browser_recorded_webm_audio_with_unknown_sizes_counts_as_audio():
    assert sniff(build_webm(track_types=(2,), live=True, tags=False)) == Sniffed(
        "audio", "audio/webm", "webm"
    )


def test_mp3_behind_an_id3_tag_is_recognised():
    assert sniff(id3v2("Titel") + b"\0" * 20 + MP3_FRAME).content_type == "audio/mpeg"


def test_id3_tag_with_nothing_playable_behind_it_is_refused():
    with pytest.raises(UnsupportedMedia):
        sniff(id3v2("Titel") + b"just text")


def test_empty_upload_is_broken_media_saying_so():
    with pytest.raises(BrokenMedia, match="empty file") as error:
        sniff(b"")
    assert error.value.code == "unsupported_media"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "SVG",
        ),
        (b"\xef\xbb\xbf  <!DOCTYPE html><html><body>hi</body></html>", "HTML"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (_zip(), "ZIP"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56), "programs"),
        (b"\x7fELF\x02\x01\x01" + bytes(57), "programs"),
        (b"#!/bin/sh\nrm -rf /\n", "scripts"),
        (b"RIFF\x24\x00\x00\x00AVI LIST", "unrecognised"),
        (bytes(range(256)), "unrecognised"),
    ],
    ids=["svg", "html", "pdf", "zip", "exe", "elf", "script", "avi", "noise"],
)
def test_other_content_is_refused_as_unsupported_media_naming_what_it_is(data, said):
    with pytest.raises(UnsupportedMedia, match=said) as error:
        sniff(data)
    assert error.value.code == "unsupported_media"


def test_audio_that_also_reads_as_html_is_refused():
    polyglot = MP3_FRAME[:4] + b"<html><script>alert(document.cookie)</script>" + MP3_FRAME[4:]
    with pytest.raises(UnsupportedMedia, match="HTML"):
        sniff(polyglot)


def test_video_with_a_script_tag_in_its_first_bytes_is_refused():
    mp4 = build_mp4(xmp=False)
    ftyp_end = int.from_bytes(mp4[:4], "big")
    polyglot = mp4[:ftyp_end] + box(b"free", b"<SCRIPT src=//evil.example/x.js></SCRIPT>") + mp4[ftyp_end:]
    with pytest.raises(UnsupportedMedia, match="HTML"):
        sniff(polyglot)


def test_image_with_markup_after_its_header_is_still_an_image_because_it_is_re_encoded():
    jpeg = small("JPEG", comment=b"<html><script>alert(1)</script></html>")
    assert b"<script>" in jpeg[:512]
    assert sniff(jpeg).kind == "image"


def test_ogg_video_is_refused():
    theora = ogg_stream([([b"\x80theora" + bytes(34)], 0)])
    with pytest.raises(UnsupportedMedia):
        sniff(theora)


def test_avif_is_refused_by_name():
    avif = b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00avifmif1miaf" + bytes(40)
    with pytest.raises(UnsupportedMedia, match="AVIF"):
        sniff(avif)


def test_sniff_as_refuses_a_kind_the_task_does_not_take():
    with pytest.raises(UnsupportedMedia, match="expected audio or image, got video"):
        sniff_as(build_mp4(), {"image", "audio"})


def test_sniff_as_returns_what_it_found_for_an_allowed_kind():
    assert sniff_as(build_wav(0.1), {"audio"}).content_type == "audio/wav"


def test_every_refusal_is_a_media_error_with_a_human_message():
    with pytest.raises(MediaError) as error:
        sniff(b"hello")
    assert error.value.message and error.value.message == str(error.value)


def test_truncated_mp4_box_tree_is_broken_media():
    mp4 = build_mp4()
    with pytest.raises(BrokenMedia):
        sniff(mp4[:-10])
