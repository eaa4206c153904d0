"""Where media files live: a local folder by default, S3-compatible object storage when configured.

Files are stored once under their content name (sha256 + extension), so `put` of the same
name always means the same bytes. Names are plain file names: letters, digits, `.`, `_`,
`-`, not starting with a dot and without `..`; anything else is a ValueError. A missing
file is FileNotFoundError from every backend.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")
S3_URL_OPTIONS = {"endpoint_url", "region_name", "addressing_style"}


class Storage(Protocol):
    """What the app needs from a place to keep files."""

    def put(self, name: str, data: bytes) -> None: ...
    def get(self, name: str) -> bytes: ...
    def open(self, name: str) -> BinaryIO: ...
    def size(self, name: str) -> int: ...
    def exists(self, name: str) -> bool: ...
    def delete(self, name: str) -> None: ...
    def read_range(self, name: str, start: int, end_inclusive: int) -> bytes: ...
    def names(self) -> Iterator[str]: ...


def sha256_hex(data: bytes) -> str:
    """The hex SHA-256 of the data, which names and deduplicates stored files."""
    return hashlib.sha256(data).hexdigest()


def content_name(data: bytes, extension: str) -> str:
    """The name a file is stored under: its SHA-256 and its extension."""
    return f"{sha256_hex(data)}.{extension.lstrip('.').lower()}"


def check_name(name: str) -> str:
    """The name, if it is a safe plain file name; a ValueError otherwise."""
    if not isinstance(name, str) or not NAME.fullmatch(name) or ".." in name:
        raise ValueError(f"invalid media name: {name!r}")
    return name


def _check_range(start: int, end_inclusive: int) -> None:
    if start < 0 or end_inclusive < start:
        raise ValueError(f"invalid byte range {start}-{end_inclusive}")


class LocalStorage:
    """Files in a folder, sharded as ab/cd/<name> so no directory grows huge; writes are atomic."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, name: str) -> Path:
        """Where the named file lives on disk."""
        check_name(name)
        shard = name.ljust(4, "_")
        return self.root / shard[:2] / shard[2:4] / name

    def put(self, name: str, data: bytes) -> None:
        """Store the data; a reader sees either no file or the whole file, never a partial one."""
        target = self.path(name)
        if target.is_file() and target.stat().st_size == len(data):
            return  # same name, same content
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def get(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def open(self, name: str) -> BinaryIO:
        return self.path(name).open("rb")

    def size(self, name: str) -> int:
        return self.path(name).stat().st_size

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def names(self) -> Iterator[str]:
        """Every stored file's name (for backups), in no particular order."""
        if not self.root.is_dir():
            return
        for path in self.root.glob("*/*/*"):
            if path.is_file() and NAME.fullmatch(path.name) and not path.name.startswith("."):
                yield path.name

    def read_range(self, name: str, start: int, end_inclusive: int) -> bytes:
        """Bytes start..end_inclusive; fewer if the file ends sooner."""
        _check_range(start, end_inclusive)
        with self.open(name) as file:
            file.seek(start)
            return file.read(end_inclusive - start + 1)


class S3Storage:
    """Files as objects in an S3-compatible bucket (AWS, MinIO, Ceph...), under an optional prefix.

    Credentials come from boto3's usual sources (environment, instance role), never from the URL.
    `client` lets tests inject a stand-in for the boto3 client.
    """

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        *,
        client: Any = None,
        addressing_style: str | None = None,
        **boto_kwargs: Any,
    ) -> None:
        if client is None:
            try:
                import boto3
                from botocore.config import Config
            except ImportError as exc:
                raise RuntimeError("S3 media storage needs boto3: pip install 'rallyhub[s3]'") from exc
            if addressing_style:
                boto_kwargs["config"] = Config(s3={"addressing_style": addressing_style})
            client = boto3.client("s3", endpoint_url=endpoint_url, **boto_kwargs)
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    def key(self, name: str) -> str:
        """The object key of the named file."""
        check_name(name)
        return f"{self.prefix}/{name}" if self.prefix else name

    def put(self, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.key(name), Body=data)

    def get(self, name: str) -> bytes:
        with _missing_as_not_found(name):
            return self.client.get_object(Bucket=self.bucket, Key=self.key(name))["Body"].read()

    def open(self, name: str) -> BinaryIO:
        """A buffered, forward-only stream of the object, for serving large files without loading them."""
        with _missing_as_not_found(name):
            body = self.client.get_object(Bucket=self.bucket, Key=self.key(name))["Body"]
        return io.BufferedReader(_BodyReader(body))  # type: ignore[return-value]

    def size(self, name: str) -> int:
        with _missing_as_not_found(name):
            return int(self.client.head_object(Bucket=self.bucket, Key=self.key(name))["ContentLength"])

    def exists(self, name: str) -> bool:
        try:
            self.size(name)
        except FileNotFoundError:
            return False
        return True

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(name))

    def names(self) -> Iterator[str]:
        """Every stored object's name under the prefix (for backups)."""
        prefix = f"{self.prefix}/" if self.prefix else ""
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                name = item["Key"][len(prefix):]
                if NAME.fullmatch(name):
                    yield name

    def read_range(self, name: str, start: int, end_inclusive: int) -> bytes:
        """Bytes start..end_inclusive; fewer if the object ends sooner."""
        _check_range(start, end_inclusive)
        with _missing_as_not_found(name):
            response = self.client.get_object(
                Bucket=self.bucket, Key=self.key(name), Range=f"bytes={start}-{end_inclusive}"
            )
        return response["Body"].read()


class _BodyReader(io.RawIOBase):
    """A botocore streaming body as a raw stream, so it can be buffered like a file."""

    def __init__(self, body: Any) -> None:
        self.body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self.body.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self.body.close()
        super().close()


@contextlib.contextmanager
def _missing_as_not_found(name: str) -> Iterator[None]:
    """Turn S3's 'no such key' (a botocore ClientError) into FileNotFoundError, like a local file."""
    try:
        yield
    except Exception as exc:
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
        if code in ("404", "NoSuchKey", "NotFound"):
            raise FileNotFoundError(name) from exc
        raise


def storage_from_url(url: str) -> Storage:
    """The storage a MEDIA_STORAGE setting names: a path, file:///path, or s3://bucket/prefix?endpoint_url=..."""
    parsed = urlsplit(url)
    if parsed.scheme == "s3":
        if not parsed.hostname or "@" in parsed.netloc:
            raise ValueError(
                "media storage URL must be s3://bucket/prefix, with credentials in the environment"
            )
        options = dict(parse_qsl(parsed.query))
        if unknown := set(options) - S3_URL_OPTIONS:
            raise ValueError(f"unknown S3 storage options: {', '.join(sorted(unknown))}")
        endpoint_url = options.pop("endpoint_url", None)
        return S3Storage(parsed.netloc, unquote(parsed.path), endpoint_url, **options)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise ValueError("file:// media storage must be on this machine")
        return LocalStorage(unquote(parsed.path))
    if url and (not parsed.scheme or len(parsed.scheme) == 1):  # a plain path, also C:\... on Windows
        return LocalStorage(url)
    raise ValueError(f"unsupported media storage URL: {url!r}")
