"""Random secrets that are handed out once and stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_secret(nbytes: int = 32) -> str:
    """A URL-safe random string of `nbytes` random bytes (32 bytes = 256 bits)."""
    return secrets.token_urlsafe(nbytes)


def hash_secret(secret: str) -> str:
    """SHA-256 is enough for high-entropy random tokens (no dictionary to attack)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_join_code(length: int = 6) -> str:
    """A short code without look-alike characters (no 0/O, 1/I/L)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(length))


def normalise_join_code(raw: str) -> str:
    """Upper-case and drop spaces and hyphens, so `abc-d23` works."""
    return "".join(ch for ch in (raw or "").upper() if ch not in " -\t")


def is_valid_join_code(code: str) -> bool:
    return 6 <= len(code) <= 8 and all(ch in JOIN_CODE_ALPHABET for ch in code)
