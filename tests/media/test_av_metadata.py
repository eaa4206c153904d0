"""Audio and video keep every playable byte in place while titles, places and dates go."""

from __future__ import annotations

import base64
import struct

import pytest

from media import ebml, isobmff, ogg
from media.avmeta import av_duration_s, strip_av_metadata
from media.errors import BrokenMedia
from media.sniff import Sniffed, sniff
from tests.media.samples import (
    BERLIN,
    MP3_FRAME,
    RECORDED,
    SAMPLES,
    SECRET,
    aac_with_id3,
    adts_frame,
    box,
    build_mp4,
    build_ogg_opus,
    build_webm,
    element,
    id3v1,
    id3v2,
    ogg_vorbis_with_comments,
    reference_ogg_crc,
    riff_chunk,
)


def stripped(data: bytes) -> bytes:
    return strip_av_metadata(data, sniff(data))


def top_level(data: bytes) -> list[tuple[bytes, int]]:
    return [(box.type, box.end - box.start) for box in isobmff.iter_boxes(data)]


def chunk_offsets(data: bytes) -> list[int]:
    return [
        struct.unpack_from(">I", data, stco.payload_start + 8)[0]
        for stco in isobmff.find_path(data, b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stco")
    ]


# --- MP4 / MOV / M4A ------------------------------------------------------------------------


def test_mp4_location_atom_is_gone_and_the_file_keeps_its_size_and_boxes(mp4_with_location):
    result = stripped(mp4_with_location)
    assert BERLIN in mp4_with_location and BERLIN not in result
    assert len(result) == len(mp4_with_location)
    before = top_level(mp4_with_location)
    assert [kind for kind, _ in before] == [b"ftyp", b"uuid", b"moov", b"mdat"]
    assert top_level(result) == [(b"free" if kind == b"uuid" else kind, size) for kind, size in before]
    moov = isobmff.find_path(result, b"moov")[0]
    assert [b.type for b in isobmff.iter_boxes(result, moov.payload_start, moov.end)] == [
        b"mvhd",
        b"trak",
        b"trak",
        b"free",
        b"free",
    ]


def test_mp4_samples_stay_where_the_chunk_offsets_point(mp4_with_location):
    result = stripped(mp4_with_location)
    assert chunk_offsets(result) == chunk_offsets(mp4_with_location)
    video, audio = chunk_offsets(result)
    assert result[video : video + len(SAMPLES[b"vide"])] == SAMPLES[b"vide"]
    assert result[audio : audio + len(SAMPLES[b"soun"])] == SAMPLES[b"soun"]


def test_blanked_mp4_boxes_hold_only_zeros(mp4_with_location):
    result = stripped(mp4_with_location)
    free = [b for b, _ in isobmff.walk(result) if b.type == b"free"]
    assert len(free) == 3
    assert all(set(result[b.payload_start : b.end]) == {0} for b in free)


def test_mp4_xmp_box_is_blanked(mp4_with_location):
    assert b"xmpmeta" in mp4_with_location
    assert b"xmpmeta" not in stripped(mp4_with_location)


def test_mp4_recording_times_are_zeroed_but_the_duration_kept(mp4_with_location):
    result = stripped(mp4_with_location)
    movie_header = isobmff.find_path(result, b"moov", b"mvhd")[0]
    assert struct.unpack_from(">II", result, movie_header.payload_start + 4) == (0, 0)
    for trak in isobmff.find_path(result, b"moov", b"trak"):
        for path in ((b"tkhd",), (b"mdia", b"mdhd")):
            box = isobmff.find_path(result, *path, parent=trak)[0]
            assert struct.unpack_from(">II", result, box.payload_start + 4) == (0, 0)
    assert RECORDED.to_bytes(4, "big") not in result
    assert av_duration_s(result, sniff(result)) == 5.0


def test_action_camera_gps_track_is_zeroed_while_video_samples_stay():
    video_with_gps_track = build_mp4(handlers=(b"vide", b"meta"), location=None, xmp=False)
    result = stripped(video_with_gps_track)
    video, gps = chunk_offsets(result)
    assert result[gps : gps + len(SAMPLES[b"meta"])] == bytes(len(SAMPLES[b"meta"]))
    assert result[video : video + len(SAMPLES[b"vide"])] == SAMPLES[b"vide"]
    assert b"52.5200" not in result and len(result) == len(video_with_gps_track)


def test_m4a_audio_loses_its_tags_too():
    m4a = build_mp4(brand=b"M4A ", handlers=(b"soun",))
    result = stripped(m4a)
    assert sniff(result) == Sniffed("audio", "audio/mp4", "m4a")
    assert BERLIN not in result and b"com.apple.quicktime.location" not in result


def test_quicktime_video_is_stripped_like_mp4():
    result = stripped(build_mp4(brand=b"qt  "))
    assert BERLIN not in result


def test_mp4_with_absurdly_deep_box_nesting_is_broken_media_not_a_crash():
    nested = box(b"mdat")
    for _ in range(500):
        nested = box(b"moov", nested)
    with pytest.raises(BrokenMedia, match="nested too deeply"):
        strip_av_metadata(box(b"ftyp", b"isom" + bytes(4)) + nested, Sniffed("video", "video/mp4", "mp4"))


def test_mp4_whose_box_overruns_the_file_is_broken_media(mp4_with_location):
    broken = mp4_with_location[:-1]
    with pytest.raises(BrokenMedia):
        strip_av_metadata(broken, Sniffed("video", "video/mp4", "mp4"))


# --- MP3 / AAC ------------------------------------------------------------------------------


def test_mp3_loses_its_id3_title_and_trailing_tags(mp3_with_tags):
    result = stripped(mp3_with_tags)
    assert result == MP3_FRAME * 3
    assert SECRET.encode() not in result and b"APETAGEX" not in result


def test_aac_loses_a_leading_id3_tag():
    assert stripped(aac_with_id3()) == adts_frame() * 3


def test_mp3_without_tags_is_unchanged():
    assert stripped(MP3_FRAME * 4) == MP3_FRAME * 4


def test_mp3_whose_tag_claims_to_be_larger_than_the_file_is_broken_media():
    lying_ape = MP3_FRAME + b"APETAGEX" + struct.pack("<IIII", 2000, 10**6, 0, 0) + bytes(8)
    with pytest.raises(BrokenMedia):
        stripped(lying_ape)


def test_ape_tag_claiming_no_size_is_broken_media_rather_than_an_endless_loop():
    empty_ape = MP3_FRAME + b"APETAGEX" + struct.pack("<IIII", 2000, 0, 0, 0) + bytes(8)
    with pytest.raises(BrokenMedia):
        stripped(empty_ape)


def test_mp3_that_is_only_tags_is_broken_media():
    with pytest.raises(BrokenMedia, match="no audio"):
        strip_av_metadata(id3v2("x") + id3v1("y"), Sniffed("audio", "audio/mpeg", "mp3"))


# --- WAV ------------------------------------------------------------------------------------


def test_wav_keeps_only_format_and_audio_with_a_correct_riff_size(wav_with_info):
    result = stripped(wav_with_info)
    assert SECRET.encode() not in result and b"LIST" not in result
    assert struct.unpack_from("<I", result, 4)[0] == len(result) - 8
    assert result[12:16] == b"fmt " and result[36:40] == b"data"
    assert result[44:] == wav_with_info[-16000:]
    assert av_duration_s(result, sniff(result)) == 1.0


def test_streamed_wav_with_a_placeholder_data_size_keeps_all_its_audio():
    fmt = riff_chunk(b"fmt ", struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16))
    audio = b"\x01\x02" * 4000
    streamed = b"RIFF\xff\xff\xff\xffWAVE" + fmt + b"data\xff\xff\xff\xff" + audio
    result = stripped(streamed)
    assert result.endswith(audio)
    assert struct.unpack_from("<I", result, 40)[0] == len(audio)
    assert av_duration_s(result, sniff(result)) == 0.5


def test_wav_without_a_format_chunk_is_broken_media():
    body = b"WAVE" + riff_chunk(b"data", b"\0" * 10)
    with pytest.raises(BrokenMedia):
        stripped(b"RIFF" + struct.pack("<I", len(body)) + body)


# --- Ogg ------------------------------------------------------------------------------------


def assert_valid_pages(data: bytes) -> None:
    for page in ogg.iter_pages(data):
        raw = bytearray(data[page.start : page.end])
        crc = struct.unpack_from("<I", raw, 22)[0]
        raw[22:26] = bytes(4)
        assert crc == reference_ogg_crc(bytes(raw))


def comment_packet(data: bytes) -> bytes:
    pages = list(ogg.iter_pages(data))
    return data[pages[1].body_start : pages[1].end]


def test_opus_comments_are_zeroed_in_place_and_page_checksums_stay_valid(ogg_opus_with_comments):
    result = stripped(ogg_opus_with_comments)
    assert len(result) == len(ogg_opus_with_comments)
    assert SECRET.encode() not in result and b"LOCATION" not in result
    assert_valid_pages(result)
    packet = comment_packet(result)
    assert packet.startswith(b"OpusTags" + struct.pack("<I", 11) + b"libopus 1.4" + struct.pack("<I", 0))
    assert set(packet[27:]) == {0}


def test_opus_audio_pages_are_untouched(ogg_opus_with_comments):
    result = stripped(ogg_opus_with_comments)
    first_audio = list(ogg.iter_pages(result))[2].start
    assert result[first_audio:] == ogg_opus_with_comments[first_audio:]
    assert av_duration_s(result, sniff(result)) == 1.0


def test_vorbis_comments_go_while_the_setup_header_on_the_same_page_stays():
    vorbis = ogg_vorbis_with_comments()
    result = stripped(vorbis)
    assert SECRET.encode() not in result
    assert_valid_pages(result)
    assert b"\x05vorbis" + b"SETUP" * 20 in result
    vendor = b"Xiph.Org libVorbis I 20200704"
    assert b"\x03vorbis" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0) + b"\x01" in result
    assert av_duration_s(result, sniff(result)) == 1.0


def test_cover_art_spanning_several_pages_is_zeroed_on_every_page():
    cover = "METADATA_BLOCK_PICTURE=" + base64.b64encode(b"PUPIL-PHOTO" * 9000).decode()
    opus = build_ogg_opus(cover, f"TITLE={SECRET}")
    pages_before = list(ogg.iter_pages(opus))
    result = stripped(opus)
    assert len(pages_before) > 3 and len(result) == len(opus)  # the comment packet spans pages 2 to 4
    assert b"METADATA_BLOCK_PICTURE" not in result and SECRET.encode() not in result
    assert_valid_pages(result)


def test_ogg_with_garbage_between_pages_is_broken_media(ogg_opus_with_comments):
    with pytest.raises(BrokenMedia):
        stripped(ogg_opus_with_comments + b"garbage")


def segment_children(data: bytes) -> list[ebml.Element]:
    segment = next(ebml.segments(data))
    return list(ebml.iter_elements(data, segment.payload_start, segment.end))


# --- WebM / Matroska ------------------------------------------------------------------------


def test_webm_tags_title_and_date_become_void_of_the_same_size(webm_with_tags):
    result = stripped(webm_with_tags)
    assert len(result) == len(webm_with_tags)
    assert BERLIN not in result and SECRET.encode() not in result and b"LOCATION" not in result
    assert [e.id for e in segment_children(result)] == [
        ebml.SEEK_HEAD,
        ebml.INFO,
        ebml.TRACKS,
        ebml.CLUSTER,
        ebml.CLUSTER,
        ebml.VOID,
    ]


def test_webm_clusters_and_tracks_are_byte_identical_after_stripping(webm_with_tags):
    result = stripped(webm_with_tags)
    for original, cleaned in zip(segment_children(webm_with_tags), segment_children(result), strict=True):
        if original.id in (ebml.CLUSTER, ebml.TRACKS):
            assert result[cleaned.start : cleaned.end] == webm_with_tags[original.start : original.end]
    assert sniff(result) == sniff(webm_with_tags)
    assert av_duration_s(result, sniff(result)) == 2.5


def test_webm_seek_entry_for_the_removed_tags_is_voided(webm_with_tags):
    result = stripped(webm_with_tags)
    segment = next(ebml.segments(result))
    seek_head = next(ebml.children(result, segment, ebml.SEEK_HEAD))
    assert [e.id for e in ebml.iter_elements(result, seek_head.payload_start, seek_head.end)] == [ebml.VOID]


def test_live_recorded_webm_with_unknown_sizes_passes_through_intact():
    live = build_webm(track_types=(2,), live=True, tags=False)
    assert stripped(live) == live
    assert av_duration_s(live, sniff(live)) is None


def test_webm_with_unknown_sizes_nested_without_end_is_broken_media_not_a_crash():
    nested = b""
    for _ in range(500):
        nested = element(0xA0, nested, unknown_size=True)
    header = element(0x1A45DFA3, element(0x4282, b"webm"))
    with pytest.raises(BrokenMedia, match="nested too deeply"):
        strip_av_metadata(
            header + element(0x18538067, nested, unknown_size=True), Sniffed("video", "video/webm", "webm")
        )


def test_matroska_is_stripped_like_webm():
    result = stripped(build_webm(doc_type="matroska"))
    assert BERLIN not in result and SECRET.encode() not in result


# --- dispatch -------------------------------------------------------------------------------


def test_images_are_not_stripped_here_but_by_process_image():
    with pytest.raises(ValueError, match="process_image"):
        strip_av_metadata(b"\xff\xd8\xff", Sniffed("image", "image/jpeg", "jpg"))


def test_mp3_duration_is_not_estimated(mp3_with_tags):
    assert av_duration_s(mp3_with_tags, sniff(mp3_with_tags)) is None
