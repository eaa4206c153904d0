"""Finding the ID3 and APE tags around MP3 and AAC frames, where titles, names and pictures hide."""

from __future__ import annotations

import struct

from media.errors import BrokenMedia


def synchsafe(raw: bytes) -> int:
    """An ID3v2 size: four bytes of seven bits each."""
    return (raw[0] & 0x7F) << 21 | (raw[1] & 0x7F) << 14 | (raw[2] & 0x7F) << 7 | (raw[3] & 0x7F)


def leading_tags_end(data: bytes) -> int:
    """The offset just after the ID3v2 tags at the start (0 if there are none)."""
    pos = 0
    while data[pos : pos + 3] == b"ID3" and len(data) >= pos + 10:
        pos += 10 + synchsafe(data[pos + 6 : pos + 10]) + (10 if data[pos + 5] & 0x10 else 0)
    return pos


def trailing_tags_start(data: bytes, start: int = 0) -> int:
    """The offset where the ID3v1, APEv2 and appended ID3v2 tags at the end begin (len(data) if none)."""
    end = len(data)
    while True:
        if end - start >= 128 and data[end - 128 : end - 125] == b"TAG":
            end -= 128
            if end - start >= 227 and data[end - 227 : end - 223] == b"TAG+":
                end -= 227
        elif end - start >= 32 and data[end - 32 : end - 24] == b"APETAGEX":
            size, _, flags = struct.unpack_from("<III", data, end - 20)
            if size < 32:
                raise BrokenMedia("broken audio file: an APE tag smaller than its own footer")
            end -= size + (32 if flags & 0x8000_0000 else 0)
        elif end - start >= 10 and data[end - 10 : end - 7] == b"3DI":
            end -= synchsafe(data[end - 4 : end]) + 20
        else:
            return end
        if end < start:
            raise BrokenMedia("broken audio file: a tag claims to be larger than the file")


def strip_tags(data: bytes) -> bytes:
    """The audio frames without the tags before and after them."""
    start = leading_tags_end(data)
    audio = data[start : trailing_tags_start(data, start)]
    if not audio.strip(b"\0"):
        raise BrokenMedia("no audio left after removing its tags")
    return audio
