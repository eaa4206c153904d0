"""Audio and video checked by structure before they are stored, not only by their first bytes.

A file passes when its frames (MP3, AAC), pages (Ogg), chunks (WAV), boxes (MP4, MOV, M4A)
or elements (WebM) are consistent to the end of the file, it has a real track, and it
plays for some time: four MP3 frame headers followed by an HTML page, or an MP4 whose
`moov` holds no track, are refused. Mutagen, where it knows the format (MP3, AAC, M4A,
Ogg, WAV), reads the stream information and the playing time; the walks here are bounded
in count, so a hostile file costs milliseconds, not minutes.
"""

from __future__ import annotations

import io
import struct

from media import ebml, id3, isobmff, ogg, wav
from media.errors import BrokenMedia, MediaError
from media.sniff import Sniffed

MAX_FRAMES = 2_000_000  # MPEG/ADTS frames; a 25 MB MP3 at 8 kbit/s has about a million

# MPEG audio bit rates in kbit/s by (version group, layer); version group 1 = MPEG-1, 2 = MPEG-2/2.5.
BITRATES = {
    (1, 3): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 1): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 3): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 1): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def check_structure(data: bytes, sniffed: Sniffed) -> float | None:
    """Refuse (BrokenMedia) audio or video whose structure is not sound; return its seconds if known."""
    check = CHECKS.get(sniffed.content_type)
    if check is None:
        raise ValueError(f"no structure check for {sniffed.content_type}")
    try:
        seconds = check(data)
    except MediaError:
        raise
    except (struct.error, IndexError, ValueError, OverflowError, ZeroDivisionError) as exc:
        raise BrokenMedia(f"broken {sniffed.content_type} file") from exc
    except Exception as exc:  # mutagen's own errors on hostile input
        raise BrokenMedia(f"broken {sniffed.content_type} file ({exc.__class__.__name__})") from exc
    if seconds is not None and not seconds > 0:
        raise BrokenMedia(f"{sniffed.content_type} file without any playing time")
    return seconds


# --- MP3 and AAC: every frame, to the end ----------------------------------------------------

def _mpeg_frame_length(header: bytes, first: bytes | None) -> int | None:
    """The length of the MPEG audio frame starting with `header`, None if it is not one (or
    differs in version, layer or sample rate from the first frame)."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate_index, rate_index, padding = header[2] >> 4, (header[2] >> 2) & 3, (header[2] >> 1) & 1
    if version == 1 or layer == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    if first is not None and (first[1] & 0xFE != header[1] & 0xFE or (first[2] >> 2) & 3 != rate_index):
        return None
    bitrate = BITRATES[(1 if version == 3 else 2, layer)][bitrate_index] * 1000
    sample_rate = SAMPLE_RATES[version][rate_index]
    if layer == 3:  # layer I
        return (12 * bitrate // sample_rate + padding) * 4
    per_frame = 144 if layer == 2 or version == 3 else 72
    return per_frame * bitrate // sample_rate + padding


def _adts_frame_length(header: bytes, first: bytes | None) -> int | None:
    if len(header) < 7 or header[0] != 0xFF or header[1] & 0xF6 != 0xF0:
        return None
    if first is not None and (first[1] != header[1] or first[2] & 0xFC != header[2] & 0xFC):
        return None
    length = (header[3] & 0x03) << 11 | header[4] << 3 | header[5] >> 5
    return length if length >= 7 else None


def _walk_frames(data: bytes, frame_length, header_size: int) -> int:
    """Walk the frames between the tags; the bytes after the last whole frame may only be a
    cut-off last frame. Returns the number of frames."""
    start = id3.leading_tags_end(data)
    while start < len(data) and data[start] == 0:
        start += 1
    end = id3.trailing_tags_start(data, start)
    pos, frames, first = start, 0, None
    while pos < end:
        header = data[pos : pos + header_size]
        length = frame_length(header, first)
        if length is None:
            raise BrokenMedia(f"audio file with {end - pos} bytes that are not audio frames after frame {frames}")
        if pos + length > end:
            break  # a recording cut off in its last frame
        first = first or header
        frames += 1
        if frames > MAX_FRAMES:
            raise BrokenMedia("audio file with too many frames")
        pos += length
    if frames == 0:
        raise BrokenMedia("audio file without a single whole frame")
    return frames


def _mp3(data: bytes) -> float | None:
    from mutagen.mp3 import MP3  # noqa: PLC0415 - mutagen is loaded for audio only

    _walk_frames(data, _mpeg_frame_length, 4)
    return MP3(io.BytesIO(data)).info.length


def _aac(data: bytes) -> float | None:
    from mutagen.aac import AAC  # noqa: PLC0415

    _walk_frames(data, _adts_frame_length, 7)
    return AAC(io.BytesIO(data)).info.length


# --- Containers ---------------------------------------------------------------------------------

def _mp4(kind: str):
    def check(data: bytes) -> float | None:
        boxes = [box for box, depth in isobmff.walk(data) if depth == 0]  # bounded in count
        types = [box.type for box in boxes]
        if b"moov" not in types:
            raise BrokenMedia("MP4/QuickTime file without a movie header (moov)")
        if b"mdat" not in types and b"moof" not in types:
            raise BrokenMedia("MP4/QuickTime file without media data")
        handlers = isobmff.handler_types(data)
        wanted = b"vide" if kind == "video" else b"soun"
        if wanted not in handlers:
            raise BrokenMedia(f"MP4/QuickTime file without a {kind} track")
        seconds = isobmff.duration_s(data)
        if seconds is None and b"moof" not in types:
            raise BrokenMedia("MP4/QuickTime file without a duration")
        if kind == "audio":
            from mutagen.mp4 import MP4  # noqa: PLC0415

            try:
                seconds = MP4(io.BytesIO(data)).info.length or seconds
            except Exception:  # a codec mutagen does not describe; the box check above stands
                pass
        return seconds
    return check


def _ogg(data: bytes) -> float | None:
    from mutagen.oggopus import OggOpus  # noqa: PLC0415
    from mutagen.oggvorbis import OggVorbis  # noqa: PLC0415

    pages = 0
    for _ in ogg.iter_pages(data):  # every page to the end of the file, bounded in count
        pages += 1
    if pages < 2:
        raise BrokenMedia("Ogg file without audio pages")
    opener = OggOpus if b"OpusHead" in data[:200] else OggVorbis
    return opener(io.BytesIO(data)).info.length


def _wav(data: bytes) -> float | None:
    from mutagen.wave import WAVE  # noqa: PLC0415

    ids = [chunk_id for chunk_id, _ in wav.chunks(data)]
    if b"fmt " not in ids or b"data" not in ids:
        raise BrokenMedia("WAV file without format or audio data")
    return WAVE(io.BytesIO(data)).info.length


def _webm(data: bytes) -> float | None:
    for _ in ebml.iter_elements(data):  # top-level elements to the end of the file, bounded
        pass
    if not ebml.track_types(data) & {1, 2}:
        raise BrokenMedia("WebM file without an audio or video track")
    return ebml.duration_s(data)  # live recordings state none


CHECKS = {
    "audio/mpeg": _mp3,
    "audio/aac": _aac,
    "audio/mp4": _mp4("audio"),
    "video/mp4": _mp4("video"),
    "video/quicktime": _mp4("video"),
    "audio/ogg": _ogg,
    "audio/wav": _wav,
    "video/webm": _webm,
    "audio/webm": _webm,
    "video/x-matroska": _webm,
    "audio/x-matroska": _webm,
}
