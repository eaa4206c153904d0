"""How large an upload of each kind may be, so one file cannot fill a disk or a phone."""

from __future__ import annotations

from dataclasses import dataclass

from media.errors import TooLarge

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Maximum bytes per kind of media (defaults 15 MB images, 25 MB audio, 100 MB video) and
    the most pixels an image is decoded at (24 million; larger JPEGs are decoded scaled down)."""

    image: int = 15 * MB
    audio: int = 25 * MB
    video: int = 100 * MB
    image_pixels: int = 24_000_000  # decoding costs memory and time by pixels, not bytes

    @property
    def largest(self) -> int:
        """The biggest limit, for capping a request body before its kind is known."""
        return max(self.image, self.audio, self.video)

    def max_bytes(self, kind: str) -> int:
        """The limit for a kind ("image", "audio", "video")."""
        if kind not in ("image", "audio", "video"):
            raise ValueError(f"unknown media kind: {kind!r}")
        return getattr(self, kind)

    def check_size(self, kind: str, size: int) -> None:
        """Raise TooLarge if a file of this kind and size is over its limit."""
        limit = self.max_bytes(kind)
        if size > limit:
            raise TooLarge(f"{kind} of {_mb(size)} is over the limit of {_mb(limit)}", limit=limit)


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"
