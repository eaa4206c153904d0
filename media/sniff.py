"""Telling what a file is from its first bytes, never from its name or declared type."""

from __future__ import annotations

from dataclasses import dataclass

from media import ebml, id3, isobmff
from media.errors import BrokenMedia, UnsupportedMedia

ACCEPTED = (
    "accepted are JPEG, PNG, WebP, GIF and HEIC images; MP3, AAC, M4A, Ogg, WAV and WebM audio; "
    "MP4, MOV and WebM video"
)

HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
HEIF_BRANDS = {b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}
M4A_BRANDS = {b"M4A ", b"M4B "}
MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso3",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"M4V ",
}

# Formats people try to upload that we refuse by name, so the message says what was seen.
REFUSED = (
    (b"%PDF-", "PDF documents"),
    (b"PK\x03\x04", "ZIP archives and office documents"),
    (b"PK\x05\x06", "ZIP archives and office documents"),
    (b"MZ", "programs"),
    (b"\x7fELF", "programs"),
    (b"\xca\xfe\xba\xbe", "programs"),
    (b"\xcf\xfa\xed\xfe", "programs"),
    (b"\xce\xfa\xed\xfe", "programs"),
    (b"#!", "scripts"),
)
MARKUP = (b"<script", b"<html", b"<svg", b"<!doctype")


@dataclass(frozen=True)
class Sniffed:
    """What the bytes are: kind ("image", "audio", "video"), the Content-Type to serve, a file extension."""

    kind: str
    content_type: str
    extension: str


def sniff(data: bytes) -> Sniffed:
    """Identify an accepted image, audio or video format, refusing everything else."""
    if not data:
        raise BrokenMedia("empty file")
    for magic, what in REFUSED:
        if data.startswith(magic):
            raise UnsupportedMedia(f"{what} are not accepted; {ACCEPTED}")
    found = _image(data) or _audio(data) or _video(data)
    if found is None:
        if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise UnsupportedMedia(f"SVG, XML and HTML documents are not accepted; {ACCEPTED}")
        raise UnsupportedMedia(f"unrecognised file format; {ACCEPTED}")
    if found.kind != "image" and any(tag in data[:512].lower() for tag in MARKUP):
        # Images are decoded and re-encoded, which drops any smuggled markup; audio and video are
        # stored as they are, so a file that a browser might also read as HTML is refused.
        raise UnsupportedMedia(f"{found.content_type} file that also contains HTML markup")
    return found


def sniff_as(data: bytes, allowed_kinds: set[str]) -> Sniffed:
    """Identify the file and refuse it unless it is of one of the allowed kinds."""
    found = sniff(data)
    if found.kind not in allowed_kinds:
        expected = " or ".join(sorted(allowed_kinds)) or "nothing"
        raise UnsupportedMedia(f"expected {expected}, got {found.kind} ({found.content_type})")
    return found


def _image(data: bytes) -> Sniffed | None:
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "image/jpeg", "jpg")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "image/png", "png")
    if data.startswith((b"GIF87a", b"GIF89a")):
        return Sniffed("image", "image/gif", "gif")
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return Sniffed("image", "image/webp", "webp")
    major, compatible = isobmff.brands(data)
    if major in HEIC_BRANDS or (major in HEIF_BRANDS and compatible & HEIC_BRANDS):
        return Sniffed("image", "image/heic", "heic")
    if major in HEIF_BRANDS:
        if compatible & AVIF_BRANDS:
            raise UnsupportedMedia(f"AVIF images are not accepted; {ACCEPTED}")
        return Sniffed("image", "image/heif", "heif")
    return None


def _audio(data: bytes) -> Sniffed | None:
    if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return Sniffed("audio", "audio/wav", "wav")
    if data.startswith(b"OggS"):
        return _ogg(data)
    if data.startswith(b"ID3"):
        return _mpeg_frames(data, _after_id3(data))
    return _mpeg_frames(data, 0)


def _video(data: bytes) -> Sniffed | None:
    major, _ = isobmff.brands(data)
    if major == b"qt  ":
        return Sniffed("video", "video/quicktime", "mov")
    if major in MP4_BRANDS or major in M4A_BRANDS:
        handlers = isobmff.handler_types(data)
        if b"vide" in handlers or (not handlers and major not in M4A_BRANDS):
            return Sniffed("video", "video/mp4", "mp4")
        return Sniffed("audio", "audio/mp4", "m4a")
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return _matroska(data)
    return None


def _ogg(data: bytes) -> Sniffed | None:
    """Ogg with Opus or Vorbis in its first packet; Ogg video (Theora) is not accepted."""
    if len(data) < 27:
        raise BrokenMedia("truncated Ogg file")
    first_packet = data[27 + data[26] :]
    if first_packet.startswith((b"OpusHead", b"\x01vorbis")):
        return Sniffed("audio", "audio/ogg", "ogg")
    return None


def _after_id3(data: bytes) -> int:
    """The offset just after the leading ID3v2 tags and any zero padding behind them."""
    pos = id3.leading_tags_end(data)
    while pos < len(data) and data[pos] == 0:
        pos += 1
    return pos


def _mpeg_frames(data: bytes, pos: int) -> Sniffed | None:
    """MP3 (any MPEG audio layer) or AAC in ADTS frames starting at pos."""
    header = data[pos : pos + 7]
    if len(header) < 4 or header[0] != 0xFF:
        return None
    if header[1] & 0xF6 == 0xF0 and len(header) == 7:
        frame_length = (header[3] & 0x03) << 11 | header[4] << 3 | header[5] >> 5
        if (header[2] >> 2) & 0x0F < 13 and frame_length >= 7:
            return Sniffed("audio", "audio/aac", "aac")
        return None
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate, sample_rate = header[2] >> 4, (header[2] >> 2) & 3
    if (
        header[1] & 0xE0 == 0xE0
        and version != 1
        and layer != 0
        and bitrate not in (0, 15)
        and sample_rate != 3
    ):
        return Sniffed("audio", "audio/mpeg", "mp3")
    return None


def _matroska(data: bytes) -> Sniffed | None:
    """WebM or Matroska, audio when it has audio tracks and no video track."""
    doc_type = ebml.doc_type(data)
    if doc_type not in ("webm", "matroska"):
        return None
    track_types = ebml.track_types(data)
    audio_only = 2 in track_types and 1 not in track_types
    if doc_type == "webm":
        return (
            Sniffed("audio", "audio/webm", "webm") if audio_only else Sniffed("video", "video/webm", "webm")
        )
    return (
        Sniffed("audio", "audio/x-matroska", "mka")
        if audio_only
        else Sniffed("video", "video/x-matroska", "mkv")
    )
