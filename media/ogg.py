"""Ogg (Opus, Vorbis) pages: blanking the comment header in place, and the duration."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import NamedTuple

from media.errors import BrokenMedia

MAX_PAGES = 200_000  # 25 MB of Opus is a few thousand pages; bounds the time a hostile file costs
COMMENT_HEADERS = ((b"OpusTags", b""), (b"\x03vorbis", b"\x01"))  # magic, what must follow the list


class Page(NamedTuple):
    """One page: its header starts at `start`, its lacing values say how its body splits into packets."""

    start: int
    header_type: int
    granule: int
    serial: int
    lacing: bytes
    body_start: int
    end: int


def iter_pages(data: bytes | bytearray) -> Iterator[Page]:
    """Every page in order; anything that is not a page is broken media."""
    pos, count = 0, 0
    while pos < len(data):
        count += 1
        if count > MAX_PAGES:
            raise BrokenMedia("broken Ogg file: too many pages")
        if data[pos : pos + 4] != b"OggS" or len(data) < pos + 27:
            raise BrokenMedia("broken Ogg file: expected a page")
        header_type, granule, serial, count = struct.unpack_from("<BqI8xB", data, pos + 5)
        body_start = pos + 27 + count
        lacing = bytes(data[pos + 27 : body_start])
        end = body_start + sum(lacing)
        if len(lacing) < count or end > len(data):
            raise BrokenMedia("truncated Ogg file")
        yield Page(pos, header_type, granule, serial, lacing, body_start, end)
        pos = end


def _crc_table() -> tuple[int, ...]:
    """Ogg's CRC-32 lookup table (polynomial 0x04C11DB7, not reflected)."""
    table = []
    for byte in range(256):
        crc = byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFF_FFFF if crc & 0x8000_0000 else crc << 1
        table.append(crc)
    return tuple(table)


CRC_TABLE = _crc_table()


def _crc(data: bytes | bytearray) -> int:
    """The page checksum Ogg expects (computed with the checksum field zeroed)."""
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFF_FFFF) ^ CRC_TABLE[(crc >> 24) ^ byte]
    return crc


Span = tuple[int, int, int]  # page index, start, end of one piece of a packet


def _header_packets(pages: list[Page]) -> dict[int, list[list[Span]]]:
    """The first two packets (identification and comment header) of every stream, in one pass."""
    packets: dict[int, list[list[Span]]] = {}
    pending: dict[int, list[Span]] = {}
    for index, page in enumerate(pages):
        done = packets.setdefault(page.serial, [])
        pieces = pending.setdefault(page.serial, [])
        pos = page.body_start
        for length in page.lacing:
            if len(done) == 2:
                break
            if pieces and pieces[-1][0] == index and pieces[-1][2] == pos:
                pieces[-1] = (index, pieces[-1][1], pos + length)
            else:
                pieces.append((index, pos, pos + length))
            pos += length
            if length < 255:
                done.append(pieces)
                pieces = pending[page.serial] = []
    return packets


def strip_metadata(data: bytes) -> bytes:
    """The same file with every user comment (title, artist, location, cover art) zeroed.

    The comment packet keeps its length, with the vendor string, a comment count of zero and
    zero padding, so no page changes size; only the CRCs of the pages it spans are recomputed.
    """
    pages = list(iter_pages(data))
    buffer = bytearray(data)
    touched: set[int] = set()
    for packets in _header_packets(pages).values():
        if len(packets) < 2:
            continue
        spans = packets[1]
        blank = _blank_comment_packet(b"".join(data[start:end] for _, start, end in spans))
        if blank is None:
            continue
        offset = 0
        for index, start, end in spans:
            buffer[start:end] = blank[offset : offset + end - start]
            offset += end - start
            touched.add(index)
    for index in touched:
        page = pages[index]
        buffer[page.start + 22 : page.start + 26] = bytes(4)
        buffer[page.start + 22 : page.start + 26] = struct.pack("<I", _crc(buffer[page.start : page.end]))
    return bytes(buffer)


def _blank_comment_packet(packet: bytes) -> bytes | None:
    """The comment packet with its vendor, no comments and zero padding; None if it is not one."""
    for magic, trailer in COMMENT_HEADERS:
        if packet.startswith(magic):
            if len(packet) < len(magic) + 4:
                raise BrokenMedia("broken Ogg comment header")
            (vendor_length,) = struct.unpack_from("<I", packet, len(magic))
            kept = packet[: len(magic) + 4 + vendor_length] + bytes(4) + trailer
            if len(magic) + 4 + vendor_length + 4 + len(trailer) > len(packet):
                raise BrokenMedia("broken Ogg comment header")
            return kept + bytes(len(packet) - len(kept))
    return None


def duration_s(data: bytes) -> float | None:
    """Seconds of the first stream: its last granule position over its sample rate (Opus: less pre-skip)."""
    pages = list(iter_pages(data))
    if not pages:
        return None
    first = pages[0]
    head = bytes(data[first.body_start : first.end])
    if head.startswith(b"OpusHead") and len(head) >= 12:
        rate, skip = 48_000, struct.unpack_from("<H", head, 10)[0]
    elif head.startswith(b"\x01vorbis") and len(head) >= 16:
        rate, skip = struct.unpack_from("<I", head, 12)[0], 0
    else:
        return None
    granules = [p.granule for p in pages if p.serial == first.serial and p.granule >= 0]
    if not granules or not rate:
        return None
    return max(granules[-1] - skip, 0) / rate
