"""Removing metadata from audio and video without re-encoding (there is no ffmpeg), and their duration.

Each container is handled where its structure allows it without moving any byte that an
index points to: MP4/MOV/M4A and WebM/Matroska blank metadata in place (same size), Ogg
blanks its comment header in place and fixes the page checksums, MP3/AAC drop their ID3
and APE tags, WAV is rebuilt from its format and data chunks.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from media import ebml, id3, isobmff, ogg, wav
from media.errors import BrokenMedia, MediaError
from media.sniff import Sniffed

STRIPPERS: dict[str, Callable[[bytes], bytes]] = {
    "video/mp4": isobmff.strip_metadata,
    "video/quicktime": isobmff.strip_metadata,
    "audio/mp4": isobmff.strip_metadata,
    "video/webm": ebml.strip_metadata,
    "audio/webm": ebml.strip_metadata,
    "video/x-matroska": ebml.strip_metadata,
    "audio/x-matroska": ebml.strip_metadata,
    "audio/ogg": ogg.strip_metadata,
    "audio/mpeg": id3.strip_tags,
    "audio/aac": id3.strip_tags,
    "audio/wav": wav.strip_metadata,
}

DURATIONS: dict[str, Callable[[bytes], float | None]] = {
    "video/mp4": isobmff.duration_s,
    "video/quicktime": isobmff.duration_s,
    "audio/mp4": isobmff.duration_s,
    "video/webm": ebml.duration_s,
    "audio/webm": ebml.duration_s,
    "video/x-matroska": ebml.duration_s,
    "audio/x-matroska": ebml.duration_s,
    "audio/ogg": ogg.duration_s,
    "audio/wav": wav.duration_s,
}


def strip_av_metadata(data: bytes, sniffed: Sniffed) -> bytes:
    """The audio or video without titles, places, dates and pictures; broken structure is BrokenMedia."""
    try:
        strip = STRIPPERS[sniffed.content_type]
    except KeyError:
        raise ValueError(
            f"no metadata stripping for {sniffed.content_type}; images go through process_image"
        ) from None
    try:
        return strip(data)
    except (struct.error, IndexError) as exc:
        raise BrokenMedia(f"broken {sniffed.content_type} file") from exc


def av_duration_s(data: bytes, sniffed: Sniffed) -> float | None:
    """Seconds of playing time where the container states it (not for MP3 and AAC), else None."""
    duration = DURATIONS.get(sniffed.content_type)
    if duration is None:
        return None
    try:
        return duration(data)
    except (MediaError, struct.error, IndexError, ZeroDivisionError):
        return None
