"""The one way an uploaded file gets in: checked by content, size-limited, cleaned, measured."""

from __future__ import annotations

from dataclasses import dataclass, field

from media.avcheck import check_structure
from media.avmeta import av_duration_s, strip_av_metadata
from media.images import Rendition, process_image
from media.limits import Limits
from media.sniff import sniff_as
from media.storage import content_name, sha256_hex


@dataclass(frozen=True)
class Ingested:
    """A cleaned file ready to store under `name`, with what the database records about it."""

    kind: str
    content_type: str
    extension: str
    data: bytes
    sha256: str
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    derivatives: dict[str, Rendition] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The content-addressed storage name (sha256 + extension)."""
        return f"{self.sha256}.{self.extension}"


def ingest(data: bytes, *, allowed_kinds: set[str], limits: Limits) -> Ingested:
    """Check, clean and describe an upload; raises a MediaError subclass for anything we refuse.

    Images are decoded and re-encoded (JPEG, or PNG with transparency) without metadata and
    come with "display" (≤1280 px) and "thumbnail" (≤320 px) derivatives; audio and video
    keep their encoding with their metadata removed in place.
    """
    sniffed = sniff_as(data, allowed_kinds)
    limits.check_size(sniffed.kind, len(data))
    if sniffed.kind == "image":
        processed = process_image(data, max_pixels=limits.image_pixels)
        original = processed.original
        return Ingested(
            kind="image",
            content_type=original.content_type,
            extension=original.extension,
            data=original.data,
            sha256=sha256_hex(original.data),
            width=original.width,
            height=original.height,
            derivatives={"display": processed.display, "thumbnail": processed.thumbnail},
        )
    seconds = check_structure(data, sniffed)
    cleaned = strip_av_metadata(data, sniffed)
    return Ingested(
        kind=sniffed.kind,
        content_type=sniffed.content_type,
        extension=sniffed.extension,
        data=cleaned,
        sha256=sha256_hex(cleaned),
        duration_s=av_duration_s(cleaned, sniffed) or seconds,
    )


def rendition_name(rendition: Rendition) -> str:
    """The content-addressed storage name of an image derivative."""
    return content_name(rendition.data, rendition.extension)
