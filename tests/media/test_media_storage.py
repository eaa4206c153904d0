"""Media files are kept once by content name, written atomically, and read back whole or in ranges."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from media.storage import S3Storage, content_name, sha256_hex, storage_from_url

NAME = content_name(b"hello media", "JPG")


def test_content_name_is_the_sha256_and_the_lower_case_extension():
    assert NAME == hashlib.sha256(b"hello media").hexdigest() + ".jpg"
    assert sha256_hex(b"hello media") == NAME.split(".")[0]
    assert content_name(b"x", ".png").endswith(".png") and ".." not in content_name(b"x", ".png")


def test_stored_file_reads_back_whole_as_stream_and_with_its_size(local_storage):
    local_storage.put(NAME, b"hello media")
    assert local_storage.exists(NAME)
    assert local_storage.get(NAME) == b"hello media"
    with local_storage.open(NAME) as stream:
        assert stream.read() == b"hello media"
    assert local_storage.size(NAME) == 11


def test_files_are_sharded_by_the_first_characters_of_their_name(local_storage):
    local_storage.put(NAME, b"hello media")
    assert (local_storage.root / NAME[:2] / NAME[2:4] / NAME).read_bytes() == b"hello media"


def test_storing_the_same_content_twice_keeps_one_file(local_storage):
    local_storage.put(NAME, b"hello media")
    local_storage.put(NAME, b"hello media")
    assert [p.name for p in local_storage.root.rglob("*") if p.is_file()] == [NAME]


def test_a_write_leaves_no_temporary_files_behind(local_storage):
    local_storage.put("abcdef.bin", os.urandom(100_000))
    assert [p.name for p in local_storage.root.rglob("*") if p.is_file()] == ["abcdef.bin"]


def test_a_failed_write_leaves_neither_a_partial_file_nor_a_temporary_one(local_storage, monkeypatch):
    def fail(*_):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        local_storage.put("abcdef.bin", b"data")
    assert not local_storage.exists("abcdef.bin")
    assert [p for p in local_storage.root.rglob("*") if p.is_file()] == []


def test_byte_ranges_are_inclusive_and_stop_at_the_end_of_the_file(local_storage):
    local_storage.put("abcd.txt", b"0123456789")
    assert local_storage.read_range("abcd.txt", 0, 0) == b"0"
    assert local_storage.read_range("abcd.txt", 2, 5) == b"2345"
    assert local_storage.read_range("abcd.txt", 8, 100) == b"89"


def test_a_backwards_range_is_refused(local_storage):
    local_storage.put("abcd.txt", b"0123456789")
    with pytest.raises(ValueError):
        local_storage.read_range("abcd.txt", 5, 2)


def test_deleting_removes_the_file_and_deleting_again_is_fine(local_storage):
    local_storage.put(NAME, b"hello media")
    local_storage.delete(NAME)
    local_storage.delete(NAME)
    assert not local_storage.exists(NAME)


def test_reading_a_missing_file_is_file_not_found(local_storage):
    for read in (local_storage.get, local_storage.size, local_storage.open):
        with pytest.raises(FileNotFoundError):
            read(NAME)


@pytest.mark.parametrize(
    "name", ["../etc/passwd", "a/b", "..", "a..b", ".hidden", "", "a b", "x\\y", "ü.jpg", "a" * 201]
)
def test_names_that_could_escape_the_folder_are_refused(local_storage, name):
    with pytest.raises(ValueError):
        local_storage.put(name, b"x")
    with pytest.raises(ValueError):
        local_storage.get(name)


def test_short_names_are_stored_too(local_storage):
    local_storage.put("a", b"x")
    assert local_storage.get("a") == b"x"


# --- S3 -------------------------------------------------------------------------------------


class NoSuchKey(Exception):
    response = {"Error": {"Code": "NoSuchKey"}}


class NotFound(Exception):
    response = {"Error": {"Code": "404"}}


class FakeS3:
    """Just enough of a boto3 S3 client: objects in a dict, errors shaped like botocore's."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}

    def put_object(self, *, Bucket, Key, Body):
        self.objects[(Bucket, Key)] = Body

    def get_object(self, *, Bucket, Key, Range=None):
        if (Bucket, Key) not in self.objects:
            raise NoSuchKey()
        data = self.objects[(Bucket, Key)]
        if Range:
            start, end = map(int, Range.removeprefix("bytes=").split("-"))
            data = data[start : end + 1]
        return {"Body": io.BytesIO(data)}

    def head_object(self, *, Bucket, Key):
        if (Bucket, Key) not in self.objects:
            raise NotFound()
        return {"ContentLength": len(self.objects[(Bucket, Key)])}

    def delete_object(self, *, Bucket, Key):
        self.objects.pop((Bucket, Key), None)


def test_s3_objects_are_keyed_under_the_prefix():
    client = FakeS3()
    storage = S3Storage("rally-media", prefix="/prod/media/", client=client)
    storage.put(NAME, b"hello media")
    assert list(client.objects) == [("rally-media", f"prod/media/{NAME}")]


def test_s3_without_prefix_uses_the_bare_name():
    client = FakeS3()
    S3Storage("rally-media", client=client).put(NAME, b"x")
    assert list(client.objects) == [("rally-media", NAME)]


def test_s3_reads_back_whole_in_ranges_and_as_a_stream():
    storage = S3Storage("b", prefix="p", client=FakeS3())
    storage.put("abcd.txt", b"0123456789")
    assert storage.get("abcd.txt") == b"0123456789"
    assert storage.read_range("abcd.txt", 2, 5) == b"2345"
    assert storage.size("abcd.txt") == 10
    with storage.open("abcd.txt") as stream:
        assert stream.read(4) == b"0123" and stream.read() == b"456789"


def test_s3_missing_object_is_file_not_found_and_not_existing():
    storage = S3Storage("b", client=FakeS3())
    assert not storage.exists(NAME)
    for read in (storage.get, storage.size, storage.open):
        with pytest.raises(FileNotFoundError):
            read(NAME)
    storage.delete(NAME)


def test_s3_refuses_the_same_unsafe_names():
    storage = S3Storage("b", client=FakeS3())
    with pytest.raises(ValueError):
        storage.put("../other-prefix/x", b"x")


def test_s3_other_errors_are_not_mistaken_for_missing_files():
    class Denied(Exception):
        response = {"Error": {"Code": "AccessDenied"}}

    class DenyingS3(FakeS3):
        def head_object(self, **_):
            raise Denied()

    with pytest.raises(Denied):
        S3Storage("b", client=DenyingS3()).exists(NAME)


# --- from the MEDIA_STORAGE setting ---------------------------------------------------------


def test_a_plain_path_or_file_url_means_a_local_folder(tmp_path):
    assert storage_from_url(str(tmp_path)).root == tmp_path
    assert storage_from_url(f"file://{tmp_path}/media%20files").root == tmp_path / "media files"


def test_an_s3_url_names_bucket_prefix_and_endpoint(monkeypatch):
    seen = {}

    def fake_init(self, bucket, prefix="", endpoint_url=None, **kwargs):
        seen.update(bucket=bucket, prefix=prefix, endpoint_url=endpoint_url, **kwargs)

    monkeypatch.setattr(S3Storage, "__init__", fake_init)
    storage_from_url(
        "s3://rally-media/prod/media?endpoint_url=https://minio.local:9000&region_name=eu-central-1"
    )
    assert seen == {
        "bucket": "rally-media",
        "prefix": "/prod/media",
        "endpoint_url": "https://minio.local:9000",
        "region_name": "eu-central-1",
    }


@pytest.mark.parametrize(
    "url",
    [
        "s3://key:secret@bucket/prefix",
        "s3:///prefix",
        "s3://bucket?password=x",
        "ftp://host/media",
        "file://otherhost/media",
        "",
    ],
)
def test_unusable_storage_urls_are_refused(url):
    with pytest.raises(ValueError):
        storage_from_url(url)


def test_s3_without_boto3_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_boto(name, *args, **kwargs):
        if name.startswith(("boto3", "botocore")):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_boto)
    with pytest.raises(RuntimeError, match="boto3"):
        S3Storage("bucket")
