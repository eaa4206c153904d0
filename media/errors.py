"""Errors a media check raises, each with a machine code the APIs pass on as problem+json."""

from __future__ import annotations


class MediaError(Exception):
    """A file we will not store; `code` is for machines, `message` for people (English)."""

    code = "media_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnsupportedMedia(MediaError):
    """The content is not one of the kinds and formats we accept (415)."""

    code = "unsupported_media"


class BrokenMedia(UnsupportedMedia):
    """Looks like an accepted format but cannot be used: empty, truncated, undecodable or a bomb."""

    code = "unsupported_media"


class TooLarge(MediaError):
    """The file is bigger than the limit for its kind (413); `limit` is that limit in bytes."""

    code = "too_large"

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class UnsafeArchive(MediaError):
    """An imported archive that could overwrite files, exhaust memory or hide content."""

    code = "unsafe_archive"
