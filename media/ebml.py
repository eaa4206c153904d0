"""Walking EBML (WebM, Matroska) elements without copying, for sniffing, stripping and duration."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import NamedTuple

from media.errors import BrokenMedia

EBML_HEADER = 0x1A45DFA3
DOC_TYPE = 0x4282
SEGMENT = 0x18538067
SEEK_HEAD, SEEK, SEEK_ID, SEEK_POSITION = 0x114D9B74, 0x4DBB, 0x53AB, 0x53AC
INFO, TIMESTAMP_SCALE, DURATION, DATE_UTC, TITLE = 0x1549A966, 0x2AD7B1, 0x4489, 0x4461, 0x7BA9
TRACKS, TRACK_ENTRY, TRACK_TYPE = 0x1654AE6B, 0xAE, 0x83
CLUSTER, CUES, CHAPTERS, TAGS, ATTACHMENTS = 0x1F43B675, 0x1C53BB6B, 0x1043A770, 0x1254C367, 0x1941A469
VOID = 0xEC

MAX_ELEMENTS_PER_LEVEL = 500_000  # blocks of a long live recording; bounds the time a hostile file costs
MAX_DEPTH = 8  # unknown-size elements inside each other; real files have two levels (Segment, Cluster)
# An element of unknown size (live recordings) ends where one of these begins.
TOP_LEVEL = frozenset(
    {EBML_HEADER, SEGMENT, SEEK_HEAD, INFO, TRACKS, CLUSTER, CUES, CHAPTERS, TAGS, ATTACHMENTS}
)


class Element(NamedTuple):
    """One element: `start` is where its ID begins; the payload is data[payload_start:end]."""

    id: int
    start: int
    payload_start: int
    end: int


def _vint(data: bytes | bytearray, pos: int, *, keep_marker: bool) -> tuple[int | None, int]:
    """A variable-length integer and its length; None for the all-ones 'unknown size'."""
    if pos >= len(data):
        raise BrokenMedia("broken WebM structure: truncated element header")
    first = data[pos]
    length = 9 - first.bit_length() if first else 9
    if length > 8 or pos + length > len(data):
        raise BrokenMedia("broken WebM structure: invalid element header")
    value = int.from_bytes(data[pos : pos + length], "big")
    if keep_marker:
        return value, length
    value &= (1 << (7 * length)) - 1
    return (None if value == (1 << (7 * length)) - 1 else value), length


def iter_elements(data: bytes | bytearray, start: int = 0, end: int | None = None) -> Iterator[Element]:
    """The elements between start and end, in order."""
    end = len(data) if end is None else end
    pos, count = start, 0
    while pos < end:
        count += 1
        if count > MAX_ELEMENTS_PER_LEVEL:
            raise BrokenMedia("broken WebM structure: too many elements")
        element = _read(data, pos, end)
        yield element
        pos = element.end


def _read(data: bytes | bytearray, pos: int, end: int, depth: int = 0) -> Element:
    """The element whose ID starts at pos; one that runs past its parent is broken media."""
    element_id, id_length = _vint(data, pos, keep_marker=True)
    size, size_length = _vint(data, pos + id_length, keep_marker=False)
    payload_start = pos + id_length + size_length
    if size is None:
        if depth > MAX_DEPTH:
            raise BrokenMedia("broken WebM structure: unknown-size elements nested too deeply")
        return Element(
            element_id, pos, payload_start, _unknown_size_end(data, element_id, payload_start, end, depth)
        )
    if payload_start + size > end:
        raise BrokenMedia("broken WebM structure: an element does not fit in its parent")
    return Element(element_id, pos, payload_start, payload_start + size)


def _unknown_size_end(data: bytes | bytearray, element_id: int, start: int, end: int, depth: int) -> int:
    """Where a live recording's unknown-size Segment or Cluster ends: at the next element of its level."""
    pos, count = start, 0
    while pos < end:
        count += 1
        if count > MAX_ELEMENTS_PER_LEVEL:
            raise BrokenMedia("broken WebM structure: too many elements")
        child_id, _ = _vint(data, pos, keep_marker=True)
        if child_id == EBML_HEADER or (element_id != SEGMENT and child_id in TOP_LEVEL):
            return pos
        pos = _read(data, pos, end, depth + 1).end
    return end


def children(data: bytes | bytearray, parent: Element, element_id: int) -> Iterator[Element]:
    """The direct children of parent with the given ID."""
    return (e for e in iter_elements(data, parent.payload_start, parent.end) if e.id == element_id)


def uint(data: bytes | bytearray, element: Element) -> int:
    """An unsigned integer element's value."""
    return int.from_bytes(data[element.payload_start : element.end], "big")


def float_value(data: bytes | bytearray, element: Element) -> float | None:
    """A float element's value (4 or 8 bytes), None if it has another length."""
    raw = bytes(data[element.payload_start : element.end])
    if len(raw) == 4:
        return struct.unpack(">f", raw)[0]
    if len(raw) == 8:
        return struct.unpack(">d", raw)[0]
    return None


def doc_type(data: bytes) -> str:
    """The DocType from the EBML header ("webm", "matroska"), empty if there is none."""
    header = next(iter_elements(data, 0, None), None)
    if header is None or header.id != EBML_HEADER:
        return ""
    for element in iter_elements(data, header.payload_start, header.end):
        if element.id == DOC_TYPE:
            return bytes(data[element.payload_start : element.end]).rstrip(b"\0").decode("ascii", "replace")
    return ""


def segments(data: bytes | bytearray) -> Iterator[Element]:
    """The top-level Segment elements."""
    return (e for e in iter_elements(data) if e.id == SEGMENT)


def track_types(data: bytes) -> set[int]:
    """The TrackType of every track (1 video, 2 audio), which tells video from audio-only files."""
    types: set[int] = set()
    for segment in segments(data):
        for tracks in children(data, segment, TRACKS):
            for entry in children(data, tracks, TRACK_ENTRY):
                types.update(uint(data, t) for t in children(data, entry, TRACK_TYPE))
    return types


def make_void(buffer: bytearray, element: Element) -> None:
    """Turn an element into a zero-filled Void of exactly the same length, so no offset moves."""
    total = element.end - element.start
    for size_length in range(8, 0, -1):
        payload = total - 1 - size_length
        if 0 <= payload < (1 << (7 * size_length)) - 1:
            break
    else:
        raise BrokenMedia("broken WebM structure: element too small to blank")
    buffer[element.start] = VOID
    buffer[element.start + 1 : element.start + 1 + size_length] = (
        (1 << (7 * size_length)) | payload
    ).to_bytes(size_length, "big")
    buffer[element.start + 1 + size_length : element.end] = bytes(payload)


def strip_metadata(data: bytes) -> bytes:
    """The same file with Tags, Attachments, the title and the recording date turned into Void elements.

    Each element is overwritten in place by a zero-filled Void of the same length, so cluster
    and cue positions stay valid; SeekHead entries pointing at them are voided too.
    """
    buffer = bytearray(data)
    for segment in segments(data):
        for element in iter_elements(data, segment.payload_start, segment.end):
            if element.id in (TAGS, ATTACHMENTS):
                make_void(buffer, element)
            elif element.id == INFO:
                for child in iter_elements(data, element.payload_start, element.end):
                    if child.id in (TITLE, DATE_UTC):
                        make_void(buffer, child)
            elif element.id == SEEK_HEAD:
                for seek in children(data, element, SEEK):
                    if any(uint(data, i) in (TAGS, ATTACHMENTS) for i in children(data, seek, SEEK_ID)):
                        make_void(buffer, seek)
    return bytes(buffer)


def duration_s(data: bytes) -> float | None:
    """Seconds from the Segment Info, None when a live recording never wrote it."""
    for segment in segments(data):
        for info in children(data, segment, INFO):
            scale = next((uint(data, e) for e in children(data, info, TIMESTAMP_SCALE)), 1_000_000)
            for duration in children(data, info, DURATION):
                value = float_value(data, duration)
                return value * scale / 1e9 if value and value > 0 else None
    return None
