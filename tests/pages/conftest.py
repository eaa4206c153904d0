"""Page tests log in many users; argon2 at its production cost would dominate their runtime."""

import pytest
from argon2 import PasswordHasher


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Minimal argon2 cost for test users (the hashing itself is tested with the accounts)."""
    from rallies import accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
