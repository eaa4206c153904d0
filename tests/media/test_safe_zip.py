"""Imported rally archives cannot write outside their folder, exhaust memory or smuggle links."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile

import pytest

from media.errors import MediaError
from media.safezip import UnsafeArchive, read_zip

MB = 1024 * 1024


def make_zip(*members: tuple[str | zipfile.ZipInfo, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names we build on purpose
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return buffer.getvalue()


def test_a_normal_rally_archive_reads_back_file_by_file_without_folders():
    data = make_zip(
        ("rally.json", b'{"title": "M\xc3\xbchle"}'), ("media/", b""), ("media/abc.jpg", b"\xff\xd8\xff")
    )
    assert read_zip(data) == {"rally.json": b'{"title": "M\xc3\xbchle"}', "media/abc.jpg": b"\xff\xd8\xff"}


def test_something_that_is_not_a_zip_is_refused():
    with pytest.raises(UnsafeArchive, match="not a zip") as error:
        read_zip(b"%PDF-1.7 not an archive")
    assert error.value.code == "unsafe_archive"
    assert isinstance(error.value, MediaError)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("/etc/cron.d/evil", "absolute"),
        ("C:/Windows/evil.dll", "absolute"),
        ("../evil.txt", r"\.\."),
        ("media/../../evil.txt", r"\.\."),
        ("..\\evil.txt", "backslash"),
        ("media\\evil.txt", "backslash"),
        ("evil\n.txt", "control"),
    ],
)
def test_names_that_point_outside_the_archive_are_refused(name, said):
    with pytest.raises(UnsafeArchive, match=said):
        read_zip(make_zip((name, b"x")))


def test_symbolic_links_are_refused():
    link = zipfile.ZipInfo("media/passwd")
    link.create_system = 3
    link.external_attr = 0o120777 << 16
    with pytest.raises(UnsafeArchive, match="symbolic link"):
        read_zip(make_zip((link, b"/etc/passwd")))


def test_duplicate_names_are_refused():
    with pytest.raises(UnsafeArchive, match="twice"):
        read_zip(make_zip(("rally.json", b"{}"), ("rally.json", b'{"evil": 1}')))


def test_encrypted_members_are_refused():
    data = bytearray(make_zip(("rally.json", b"{}")))
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        header = data.find(signature)
        data[header + flags_at] |= 0x1  # the "encrypted" bit
    with pytest.raises(UnsafeArchive, match="encrypted"):
        read_zip(bytes(data))


def test_too_many_files_are_refused_before_reading_any():
    data = make_zip(*((f"f{n}.txt", b"x") for n in range(4)))
    with pytest.raises(UnsafeArchive, match="4 entries"):
        read_zip(data, max_files=3)


def test_a_member_larger_than_the_total_limit_is_refused_by_its_declared_size():
    with pytest.raises(UnsafeArchive, match="more than"):
        read_zip(make_zip(("big.bin", b"x" * 2000)), max_total_uncompressed=1000)


def test_many_members_together_over_the_total_limit_are_refused():
    data = make_zip(*((f"f{n}.bin", bytes([n]) * 400) for n in range(3)))
    with pytest.raises(UnsafeArchive):
        read_zip(data, max_total_uncompressed=1000)


def test_a_compression_bomb_is_refused():
    with pytest.raises(UnsafeArchive, match="compressed more than 100:1"):
        read_zip(make_zip(("zeros.bin", bytes(10 * MB))))


def test_small_files_that_compress_well_are_fine():
    assert read_zip(make_zip(("blank.txt", b" " * 50_000))) == {"blank.txt": b" " * 50_000}


def _patch_sizes(data: bytes, uncompressed: int) -> bytes:
    """Make the headers claim a smaller uncompressed size than the member really has."""
    patched = bytearray(data)
    local = patched.find(b"PK\x03\x04")
    struct.pack_into("<I", patched, local + 22, uncompressed)
    central = patched.find(b"PK\x01\x02")
    struct.pack_into("<I", patched, central + 24, uncompressed)
    return bytes(patched)


def test_a_member_that_unpacks_to_more_than_its_header_says_is_refused():
    lying = _patch_sizes(make_zip(("data.bin", b"abc" * 300_000)), uncompressed=100)
    with pytest.raises(UnsafeArchive):
        read_zip(lying)


def test_members_sharing_one_compressed_body_are_refused():
    data = bytearray(make_zip(("a.bin", b"x" * 100), ("b.bin", b"y" * 100)))
    first = data.find(b"PK\x01\x02")
    second = data.find(b"PK\x01\x02", first + 4)
    struct.pack_into("<I", data, second + 42, struct.unpack_from("<I", data, first + 42)[0])
    with pytest.raises(UnsafeArchive, match="shares its data"):
        read_zip(bytes(data))


def test_a_corrupted_member_is_refused():
    data = bytearray(make_zip(("rally.json", b'{"title": "x"}' * 10), compression=zipfile.ZIP_STORED))
    body = data.find(b'{"title"')
    data[body] = ord("[")
    with pytest.raises(UnsafeArchive, match="cannot be read"):
        read_zip(bytes(data))
