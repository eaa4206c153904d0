"""Reading rally archives that someone else made, without trusting anything their headers claim."""

from __future__ import annotations

import io
import stat
import zipfile

from media.errors import UnsafeArchive

MB = 1024 * 1024
CHUNK = 64 * 1024
# Small members may compress very well (a blank text file); ratios only matter for big ones.
RATIO_CHECK_FROM = 1 * MB

__all__ = ["UnsafeArchive", "read_zip"]


def read_zip(
    data: bytes,
    *,
    max_files: int = 2000,
    max_total_uncompressed: int = 500 * MB,
    max_ratio: int = 100,
) -> dict[str, bytes]:
    """The archive's files by name (folders left out), or UnsafeArchive for anything hostile.

    Refused: not a zip, too many entries, absolute or drive paths, `..`, backslashes, control
    characters, symlinks, duplicate names, members sharing data, encrypted members, and
    members whose declared or actual size, or compression ratio, is over the limits. Sizes
    are counted while decompressing in chunks, stopping at the limit.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnsafeArchive("not a zip archive") from exc
    with archive:
        members = archive.infolist()
        if len(members) > max_files:
            raise UnsafeArchive(f"archive has {len(members)} entries; at most {max_files} are allowed")
        _check_entries(members, max_total_uncompressed, max_ratio)
        files: dict[str, bytes] = {}
        budget = max_total_uncompressed
        for member in members:
            if member.is_dir():
                continue
            content = _read_member(archive, member, budget, max_ratio)
            budget -= len(content)
            files[member.filename] = content
        return files


def _check_entries(members: list[zipfile.ZipInfo], max_total: int, max_ratio: int) -> None:
    """Refuse by what the central directory says, before decompressing anything."""
    seen: set[str] = set()
    offsets: set[int] = set()
    declared = 0
    for member in members:
        name = member.filename
        _check_name(name, member.orig_filename)
        if name in seen:
            raise UnsafeArchive(f"archive contains {name!r} twice")
        seen.add(name)
        if member.header_offset in offsets:
            raise UnsafeArchive(f"archive member {name!r} shares its data with another (zip bomb)")
        offsets.add(member.header_offset)
        if stat.S_ISLNK(member.external_attr >> 16):
            raise UnsafeArchive(f"archive member {name!r} is a symbolic link")
        if member.flag_bits & 0x1:
            raise UnsafeArchive(f"archive member {name!r} is encrypted")
        declared += member.file_size
        if declared > max_total:
            raise UnsafeArchive(f"archive unpacks to more than {max_total // MB} MB")
        if member.file_size > RATIO_CHECK_FROM and member.file_size > max_ratio * max(
            member.compress_size, 1
        ):
            raise UnsafeArchive(f"archive member {name!r} is compressed more than {max_ratio}:1 (zip bomb)")


def _check_name(name: str, original: str) -> None:
    """Refuse names that could land outside the folder they are unpacked into."""
    if "\\" in original or "\\" in name:
        raise UnsafeArchive(f"archive member {original!r} has a backslash in its name")
    if any(ord(c) < 32 or ord(c) == 127 for c in original):
        raise UnsafeArchive(f"archive member {original!r} has control characters in its name")
    if not name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchive(f"archive member {original!r} has an absolute path")
    if ".." in name.split("/"):
        raise UnsafeArchive(f"archive member {original!r} points outside the archive (..)")


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int, max_ratio: int) -> bytes:
    """A member's content, decompressed in chunks and abandoned as soon as it goes over a limit."""
    limit = min(budget, member.file_size)
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                total += len(chunk)
                if total > limit:
                    raise UnsafeArchive(
                        f"archive member {member.filename!r} unpacks to more than it declares or is allowed"
                    )
                if total > RATIO_CHECK_FROM and total > max_ratio * max(member.compress_size, 1):
                    raise UnsafeArchive(
                        f"archive member {member.filename!r} is compressed more than {max_ratio}:1 (zip bomb)"
                    )
                chunks.append(chunk)
    except UnsafeArchive:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
        ValueError,
    ) as exc:
        raise UnsafeArchive(f"archive member {member.filename!r} cannot be read ({exc})") from exc
    return b"".join(chunks)
