"""RIFF WAVE files: keeping only the chunks needed to play them, and their duration."""

from __future__ import annotations

import struct
from collections.abc import Iterator

from media.errors import BrokenMedia

# Everything else (LIST/INFO, bext, iXML, id3, cue ...) is metadata and goes.
KEPT = (b"fmt ", b"fact", b"data")


def chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(id, body) of each chunk; a data chunk with an unknown or too large size runs to the end."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise BrokenMedia("not a RIFF WAVE file")
    pos = 12
    while pos + 8 <= len(data):
        chunk_id, size = struct.unpack_from("<4sI", data, pos)
        body_end = pos + 8 + size
        if body_end > len(data):
            if chunk_id != b"data":
                raise BrokenMedia(f"truncated WAV file: chunk {chunk_id!r} does not fit")
            body_end = len(data)  # recorders that stream write a placeholder size
        yield chunk_id, data[pos + 8 : body_end]
        pos = body_end + (size & 1)


def strip_metadata(data: bytes) -> bytes:
    """The same audio with only the fmt, fact and data chunks, in their order."""
    kept = [(chunk_id, body) for chunk_id, body in chunks(data) if chunk_id in KEPT]
    ids = [chunk_id for chunk_id, _ in kept]
    if b"fmt " not in ids or b"data" not in ids or ids.index(b"fmt ") > ids.index(b"data"):
        raise BrokenMedia("broken WAV file: no format chunk before the audio data")
    body = b"".join(chunk_id + struct.pack("<I", len(b)) + b + b"\0" * (len(b) & 1) for chunk_id, b in kept)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


def duration_s(data: bytes) -> float | None:
    """Seconds of audio: the data size over the byte rate."""
    found = dict(chunks(data))
    if b"fmt " not in found or b"data" not in found or len(found[b"fmt "]) < 12:
        return None
    (byte_rate,) = struct.unpack_from("<I", found[b"fmt "], 8)
    return len(found[b"data"]) / byte_rate if byte_rate else None
