"""Small media files built in code, each carrying the kind of metadata pupils' phones leave in them.

No binary fixtures are committed: every test builds what it needs from these.
"""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
from PIL import ExifTags, Image

pillow_heif.register_heif_opener()

BERLIN = b"+52.5200+013.4050/"
SECRET = "Klassenfahrt Berlin"


# --- images ---------------------------------------------------------------------------------


def pupil_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: maker, model, time and a GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PupilPhone"
    exif[ExifTags.Base.Model] = "PupilPhone 12"
    exif[ExifTags.Base.DateTime] = "2025:05:14 10:31:07"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 18.0)
    return exif


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>'
    b"<exif:GPSLatitude>52,31.2N</exif:GPSLatitude></rdf:RDF></x:xmpmeta>"
)


def two_colour(
    size: tuple[int, int], left: str = "red", right: str = "blue", mode: str = "RGB"
) -> Image.Image:
    """An image whose left half and right half differ, so turning it shows."""
    image = Image.new(mode, size, right)
    image.paste(Image.new(mode, (size[0] // 2, size[1]), left), (0, 0))
    return image


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def photo_with_gps() -> bytes:
    """A 640×480 JPEG stored sideways (orientation 6) with GPS EXIF, XMP and a colour profile."""
    return encode(
        two_colour((640, 480)),
        "JPEG",
        exif=pupil_exif(orientation=6),
        xmp=XMP,
        icc_profile=b"not a real profile",
    )


def png_with_alpha() -> bytes:
    """A green PNG whose top-left pixel is fully transparent."""
    image = Image.new("RGBA", (40, 30), (0, 128, 0, 255))
    image.putpixel((0, 0), (0, 0, 0, 0))
    return encode(image, "PNG")


def gif_animated() -> bytes:
    """Two frames: red, then blue."""
    frames = [Image.new("P", (30, 20), 1), Image.new("P", (30, 20), 2)]
    for frame in frames:
        frame.putpalette([0, 0, 0, 255, 0, 0, 0, 0, 255] + [0] * 759)
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that declares a huge canvas, the classic decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


# --- MP4 / MOV / M4A ------------------------------------------------------------------------


def box(kind: bytes, *children: bytes) -> bytes:
    payload = b"".join(children)
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


RECORDED = 3_800_000_000  # seconds since 1904: a date in 2024


def _track(track_id: int, handler: bytes, chunk_offset: int, sample: bytes) -> bytes:
    tkhd = box(b"tkhd", struct.pack(">IIIII", 3, RECORDED, RECORDED, track_id, 0) + bytes(64))
    mdhd = box(b"mdhd", struct.pack(">IIIII", 0, RECORDED, RECORDED, 1000, 5000) + bytes(4))
    hdlr = box(b"hdlr", bytes(8) + handler + bytes(12) + b"Handler\0")
    stbl = box(
        b"stbl",
        box(b"stsd", struct.pack(">II", 0, 0)),
        box(b"stts", struct.pack(">III", 0, 1, 1) + struct.pack(">I", 5000)),
        box(b"stsc", struct.pack(">IIIII", 0, 1, 1, 1, 1)),
        box(b"stsz", struct.pack(">IIII", 0, 0, 1, len(sample))),
        box(b"stco", struct.pack(">III", 0, 1, chunk_offset)),
    )
    return box(b"trak", tkhd, box(b"mdia", mdhd, hdlr, box(b"minf", stbl)))


SAMPLES = {
    b"vide": b"VIDEO-FRAME-" * 8,
    b"soun": b"AUDIO-FRAME-" * 8,
    b"meta": b"GPS5 +52.5200+013.4050 " * 4,
}


def build_mp4(
    *,
    brand: bytes = b"isom",
    handlers: tuple[bytes, ...] = (b"vide", b"soun"),
    location: bytes | None = BERLIN,
    xmp: bool = True,
) -> bytes:
    """An MP4 box tree: ftyp, an XMP uuid, moov (mvhd, tracks, udta/©xyz, meta), mdat with the samples."""
    ftyp = box(b"ftyp", brand + bytes(4) + brand + b"mp42")
    xmp_box = box(b"uuid", bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC") + XMP) if xmp else b""

    def moov(offsets: list[int]) -> bytes:
        mvhd = box(b"mvhd", struct.pack(">IIIII", 0, RECORDED, RECORDED, 1000, 5000) + bytes(80))
        tracks = [_track(i + 1, h, offsets[i], SAMPLES[h]) for i, h in enumerate(handlers)]
        extra = []
        if location:
            extra.append(box(b"udta", box(b"\xa9xyz", struct.pack(">HH", len(location), 0x15C7) + location)))
            extra.append(
                box(
                    b"meta",
                    bytes(4),
                    box(b"keys", b"com.apple.quicktime.location.ISO6709"),
                    box(b"ilst", location),
                )
            )
        return box(b"moov", mvhd, *tracks, *extra)

    head = ftyp + xmp_box
    mdat_start = len(head) + len(moov([0] * len(handlers))) + 8
    offsets, position = [], mdat_start
    for handler in handlers:
        offsets.append(position)
        position += len(SAMPLES[handler])
    return head + moov(offsets) + box(b"mdat", *(SAMPLES[h] for h in handlers))


# --- MP3 / AAC ------------------------------------------------------------------------------

MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x55" * 413  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz: 417 bytes


def id3v2(title: str) -> bytes:
    text = b"\x03" + title.encode()
    frame = b"TIT2" + struct.pack(">I", len(text)) + b"\0\0" + text
    size = len(frame)
    synchsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x03\x00\x00" + synchsafe + frame


def id3v1(title: str) -> bytes:
    return b"TAG" + title.encode().ljust(30, b"\0") + bytes(30 + 30 + 4 + 30) + b"\xff"


def ape_tag(key: str, value: str) -> bytes:
    item = struct.pack("<II", len(value.encode()), 0) + key.encode() + b"\0" + value.encode()
    size = len(item) + 32

    def header(flags: int) -> bytes:
        return b"APETAGEX" + struct.pack("<IIII", 2000, size, 1, flags) + bytes(8)

    return header(0xA000_0000) + item + header(0x8000_0000)


def mp3_with_tags() -> bytes:
    """Three MP3 frames between an ID3v2 title, and an APE and ID3v1 tag at the end."""
    return id3v2(SECRET) + MP3_FRAME * 3 + ape_tag("Location", "Berlin") + id3v1(SECRET)


def adts_frame(payload: bytes = b"\x21" * 20) -> bytes:
    length = 7 + len(payload)
    return (
        bytes(
            [0xFF, 0xF1, 0x50, 0x80 | (length >> 11), (length >> 3) & 0xFF, ((length & 7) << 5) | 0x1F, 0xFC]
        )
        + payload
    )


def aac_with_id3() -> bytes:
    return id3v2(SECRET) + adts_frame() * 3


# --- WAV ------------------------------------------------------------------------------------


def riff_chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body + b"\0" * (len(body) & 1)


def build_wav(seconds: float = 1.0, *, info: bool = True) -> bytes:
    """8 kHz 16-bit mono PCM, with a LIST/INFO chunk naming the recording before the audio."""
    fmt = riff_chunk(b"fmt ", struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16))
    chunks = [fmt]
    if info:
        chunks.append(
            riff_chunk(
                b"LIST",
                b"INFO" + riff_chunk(b"INAM", SECRET.encode() + b"\0") + riff_chunk(b"ICMT", b"Pausenhof\0"),
            )
        )
    chunks.append(riff_chunk(b"data", b"\x01\x02" * int(8000 * seconds)))
    body = b"WAVE" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


# --- Ogg ------------------------------------------------------------------------------------


def reference_ogg_crc(data: bytes) -> int:
    """Ogg's CRC-32 written out bit by bit, to check the library's table-driven one."""
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else (crc << 1) & 0xFFFFFFFF
    return crc


def ogg_stream(groups: list[tuple[list[bytes], int]], serial: int = 0x5EC7E7) -> bytes:
    """Pages for groups of packets; each group starts a new page and its last page carries the granule."""
    pages, sequence = [], 0
    for group_index, (packets, granule) in enumerate(groups):
        segments: list[tuple[int, bytes]] = []
        for packet in packets:
            for start in range(0, len(packet) + 1, 255):
                piece = packet[start : start + 255]
                segments.append((len(piece), piece))
                if len(piece) < 255:
                    break
        chunks = [segments[i : i + 255] for i in range(0, len(segments), 255)]
        continued = False
        for chunk_index, chunk in enumerate(chunks):
            last_page = group_index == len(groups) - 1 and chunk_index == len(chunks) - 1
            header_type = (1 if continued else 0) | (2 if sequence == 0 else 0) | (4 if last_page else 0)
            page_granule = granule if chunk[-1][0] < 255 else -1
            header = b"OggS" + struct.pack("<BBqIII", 0, header_type, page_granule, serial, sequence, 0)
            page = bytearray(
                header
                + bytes([len(chunk)])
                + bytes(length for length, _ in chunk)
                + b"".join(p for _, p in chunk)
            )
            page[22:26] = struct.pack("<I", reference_ogg_crc(page))
            pages.append(bytes(page))
            continued = chunk[-1][0] == 255
            sequence += 1
    return b"".join(pages)


def opus_tags(*comments: str) -> bytes:
    vendor = b"libopus 1.4"
    body = b"".join(struct.pack("<I", len(c.encode())) + c.encode() for c in comments)
    return b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", len(comments)) + body


def build_ogg_opus(*comments: str, seconds: float = 1.0) -> bytes:
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    audio = [b"\xfc" + bytes([i]) * 40 for i in range(50)]
    return ogg_stream([([head], 0), ([opus_tags(*comments)], 0), (audio, int(48000 * seconds) + 312)])


def ogg_vorbis_with_comments() -> bytes:
    """Vorbis: the comment header shares its page with the setup header, as encoders write it."""
    ident = b"\x01vorbis" + struct.pack("<IBIiiiBB", 0, 1, 44100, 0, 128000, 0, 0xB8, 1)
    vendor = b"Xiph.Org libVorbis I 20200704"
    comment = f"ARTIST={SECRET}".encode()
    comments = (
        b"\x03vorbis"
        + struct.pack("<I", len(vendor))
        + vendor
        + struct.pack("<II", 1, len(comment))
        + comment
        + b"\x01"
    )
    setup = b"\x05vorbis" + b"SETUP" * 20
    return ogg_stream([([ident], 0), ([comments, setup], 0), ([b"\x00" * 30] * 10, 44100)])


# --- WebM / Matroska ------------------------------------------------------------------------

UNKNOWN_SIZE = b"\x01\xff\xff\xff\xff\xff\xff\xff"


def element(element_id: int, *children: bytes, unknown_size: bool = False) -> bytes:
    payload = b"".join(children)
    size = UNKNOWN_SIZE if unknown_size else (1 << 56 | len(payload)).to_bytes(8, "big")
    return element_id.to_bytes((element_id.bit_length() + 7) // 8, "big") + size + payload


def uint_element(element_id: int, value: int) -> bytes:
    return element(element_id, value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def build_webm(
    *, track_types: tuple[int, ...] = (1, 2), tags: bool = True, live: bool = False, doc_type: str = "webm"
) -> bytes:
    """A WebM with a title, a recording date, tracks, two clusters and a Tags element with a place."""
    header = element(
        0x1A45DFA3, uint_element(0x4286, 1), element(0x4282, doc_type.encode()), uint_element(0x4287, 4)
    )
    info_children = [uint_element(0x2AD7B1, 1_000_000), element(0x4D80, b"test-muxer")]
    if not live:
        info_children += [
            element(0x4489, struct.pack(">d", 2500.0)),
            element(0x7BA9, SECRET.encode()),
            element(0x4461, struct.pack(">q", 770_000_000_000_000_000)),
        ]
    info = element(0x1549A966, *info_children)
    tracks = element(
        0x1654AE6B,
        *(element(0xAE, uint_element(0xD7, i + 1), uint_element(0x83, t)) for i, t in enumerate(track_types)),
    )
    clusters = [
        element(
            0x1F43B675,
            uint_element(0xE7, n * 1000),
            element(0xA3, b"\x81\x00\x00\x80" + b"FRAME" * 20),
            unknown_size=live,
        )
        for n in range(2)
    ]
    tag_element = element(
        0x1254C367, element(0x7373, element(0x67C8, element(0x45A3, b"LOCATION"), element(0x4487, BERLIN)))
    )
    seek_head = element(
        0x114D9B74, element(0x4DBB, element(0x53AB, b"\x12\x54\xc3\x67"), uint_element(0x53AC, 4242))
    )
    children = [seek_head, info, tracks, *clusters, tag_element] if tags else [info, tracks, *clusters]
    return header + element(0x18538067, *children, unknown_size=live)
