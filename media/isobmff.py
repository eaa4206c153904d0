"""ISO base media files (MP4, MOV, M4A, HEIF): walking boxes, blanking metadata in place, duration."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import NamedTuple

from media.errors import BrokenMedia

# Boxes that hold only other boxes; we descend into these and nothing else.
CONTAINERS = frozenset(
    {b"moov", b"trak", b"mdia", b"minf", b"edts", b"mvex", b"moof", b"traf", b"dinf", b"stbl"}
)
MAX_DEPTH = 16  # real files nest about 6 deep; a hostile one must not exhaust the stack
MAX_BOXES_PER_LEVEL = 50_000  # a 2-hour fragmented recording has ~15,000; 13 million empty boxes are refused fast


class Box(NamedTuple):
    """One box: `start` is where its header begins; the payload is data[payload_start:end]."""

    type: bytes
    start: int
    payload_start: int
    end: int


def iter_boxes(data: bytes | bytearray, start: int = 0, end: int | None = None) -> Iterator[Box]:
    """The boxes between start and end, in order; a box running past its parent is broken media."""
    end = len(data) if end is None else end
    pos, count = start, 0
    while pos < end:
        count += 1
        if count > MAX_BOXES_PER_LEVEL:
            raise BrokenMedia("broken MP4/QuickTime structure: too many boxes")
        if end - pos < 8:
            raise BrokenMedia("broken MP4/QuickTime structure: trailing bytes after the last box")
        size, box_type = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if end - pos < 16:
                raise BrokenMedia("broken MP4/QuickTime structure: truncated box header")
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise BrokenMedia(f"broken MP4/QuickTime structure: box {box_type!r} does not fit")
        yield Box(box_type, pos, pos + header, pos + size)
        pos += size


def walk(
    data: bytes | bytearray, start: int = 0, end: int | None = None, depth: int = 0
) -> Iterator[tuple[Box, int]]:
    """Every box of the tree with its depth, descending only into plain containers."""
    if depth > MAX_DEPTH:
        raise BrokenMedia("broken MP4/QuickTime structure: boxes nested too deeply")
    for box in iter_boxes(data, start, end):
        yield box, depth
        if box.type in CONTAINERS:
            yield from walk(data, box.payload_start, box.end, depth + 1)


def find_path(data: bytes | bytearray, *path: bytes, parent: Box | None = None) -> list[Box]:
    """Every box reached by following the given types from parent (or the top level), e.g. moov, trak."""
    level = [parent or Box(b"", 0, 0, len(data))]
    for box_type in path:
        level = [
            child
            for p in level
            for child in iter_boxes(data, p.payload_start, p.end)
            if child.type == box_type
        ]
    return level


def brands(data: bytes) -> tuple[bytes, set[bytes]]:
    """The major brand and the compatible brands of an `ftyp` box at the very start."""
    if len(data) < 16 or data[4:8] != b"ftyp":
        return b"", set()
    (size,) = struct.unpack_from(">I", data, 0)
    size = min(max(size, 16), len(data))
    compatible = {data[i : i + 4] for i in range(16, size - 3, 4)}
    return data[8:12], compatible


def handler_types(data: bytes) -> set[bytes]:
    """The handler of every track (b"vide", b"soun", ...), which tells video from audio-only files."""
    return {_track_handler(data, track) for track in find_path(data, b"moov", b"trak")}


# Boxes that only describe (titles, places, XMP, Apple's location keys), never needed to play.
METADATA = frozenset({b"udta", b"meta", b"\xa9xyz", b"XMP_", b"loci"})
XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
TIMESTAMPED = frozenset({b"mvhd", b"tkhd", b"mdhd"})


def strip_metadata(data: bytes) -> bytes:
    """The same file with metadata boxes turned into zero-filled `free` boxes of the same size.

    Nothing moves, so the chunk offsets in stco/co64 stay valid. Goes: udta (with ©xyz GPS),
    meta (Apple's location keys, iTunes tags), top-level uuid boxes (XMP and vendor data),
    the creation and modification times in mvhd/tkhd/mdhd, and the samples of timed metadata
    tracks (e.g. an action camera's GPS track). Fragmented files' metadata tracks are left.
    """
    buffer = bytearray(data)
    for box, depth in walk(data):
        payload = data[box.payload_start : box.payload_start + 16]
        if box.type in METADATA or (box.type == b"uuid" and (depth == 0 or payload == XMP_UUID)):
            buffer[box.start + 4 : box.start + 8] = b"free"
            buffer[box.payload_start : box.end] = bytes(box.end - box.payload_start)
        elif box.type in TIMESTAMPED:
            _zero_times(buffer, box)
    for track in find_path(data, b"moov", b"trak"):
        if _track_handler(data, track) == b"meta":
            for start, end in _sample_ranges(data, track):
                buffer[start:end] = bytes(end - start)
    return bytes(buffer)


def _zero_times(buffer: bytearray, box: Box) -> None:
    """Zero the creation and modification times at the start of a movie, track or media header."""
    if box.end - box.payload_start < 4:
        return
    width = 8 if buffer[box.payload_start] == 1 else 4
    start, end = box.payload_start + 4, box.payload_start + 4 + 2 * width
    if end <= box.end:
        buffer[start:end] = bytes(2 * width)


def _track_handler(data: bytes, track: Box) -> bytes:
    """A track's handler type, e.g. b"vide", b"soun", b"meta"."""
    for handler in find_path(data, b"mdia", b"hdlr", parent=track):
        return data[handler.payload_start + 8 : handler.payload_start + 12]
    return b""


def _sample_ranges(data: bytes, track: Box) -> list[tuple[int, int]]:
    """Where a track's chunks of samples lie in the file, from its sample table."""
    tables = {
        box.type: data[box.payload_start : box.end]
        for stbl in find_path(data, b"mdia", b"minf", b"stbl", parent=track)
        for box in iter_boxes(data, stbl.payload_start, stbl.end)
    }
    if b"stco" in tables:
        offsets = _entries(tables[b"stco"], ">I")
    elif b"co64" in tables:
        offsets = _entries(tables[b"co64"], ">Q")
    else:
        return []
    if b"stsc" not in tables or b"stsz" not in tables:
        raise BrokenMedia("cannot read the sample table of a metadata track")
    runs = [
        struct.unpack_from(">II", tables[b"stsc"], 8 + 12 * i) for i in range(_count(tables[b"stsc"], 12))
    ]
    stsz = tables[b"stsz"]
    if len(stsz) < 12:
        raise BrokenMedia("broken MP4/QuickTime structure: short sample size table")
    fixed_size, sample_count = struct.unpack_from(">II", stsz, 4)
    sizes = [] if fixed_size else _entries(stsz[4:], ">I")
    ranges, sample, run = [], 0, -1
    for chunk, offset in enumerate(offsets, start=1):
        while run + 1 < len(runs) and runs[run + 1][0] <= chunk:
            run += 1
        per_chunk = min(runs[run][1], sample_count - sample) if run >= 0 else 0
        length = fixed_size * per_chunk if fixed_size else sum(sizes[sample : sample + per_chunk])
        sample += per_chunk
        if offset + length > len(data):
            raise BrokenMedia("broken MP4/QuickTime structure: samples lie outside the file")
        ranges.append((offset, offset + length))
    return ranges


def _count(table: bytes, entry_size: int) -> int:
    """A full box's entry count, bounded by what the box can actually hold."""
    if len(table) < 8:
        raise BrokenMedia("broken MP4/QuickTime structure: short sample table")
    (count,) = struct.unpack_from(">I", table, 4)
    if 8 + count * entry_size > len(table):
        raise BrokenMedia("broken MP4/QuickTime structure: sample table claims more entries than it has")
    return count


def _entries(table: bytes, fmt: str) -> list[int]:
    """The entries of a full box holding a count and a list of integers (stco, co64, stsz sizes)."""
    size = struct.calcsize(fmt)
    count = _count(table, size)
    return list(struct.unpack_from(f">{count}{fmt[1]}", table, 8))


def duration_s(data: bytes) -> float | None:
    """The movie's duration from its mvhd box, None when unknown (e.g. fragmented files)."""
    for header in find_path(data, b"moov", b"mvhd"):
        payload = data[header.payload_start : header.end]
        if payload[:1] == b"\x01" and len(payload) >= 32:
            timescale, duration = struct.unpack_from(">IQ", payload, 20)
            unknown = duration == 2**64 - 1
        elif len(payload) >= 20:
            timescale, duration = struct.unpack_from(">II", payload, 12)
            unknown = duration == 2**32 - 1
        else:
            return None
        return duration / timescale if timescale and duration and not unknown else None
    return None
