"""The default rate-limit storage counts like memory:// but sweeps rarely (it walked every key 10 ms after each hit)."""

from __future__ import annotations

import time

from limits import parse
from limits.strategies import MovingWindowRateLimiter

from server.ratelimit_storage import SWEEP_SECONDS, SweptMemoryStorage


def test_the_app_counts_in_the_swept_storage(app):
    limiter = next(iter(app.extensions["limiter"]))
    assert isinstance(limiter.storage, SweptMemoryStorage)


def test_a_hit_schedules_the_sweep_seconds_later_not_at_once():
    storage = SweptMemoryStorage("memory-swept://")
    storage.timer.join(1)  # the first sweep, scheduled when the storage is made
    MovingWindowRateLimiter(storage).hit(parse("2 per minute"), "team", "1")
    assert storage.timer.is_alive() and storage.timer.interval == SWEEP_SECONDS
    storage.timer.cancel()


def test_counting_does_not_wait_for_the_sweep():
    storage = SweptMemoryStorage("memory-swept://")
    limiter, item = MovingWindowRateLimiter(storage), parse("2 per second")
    assert limiter.hit(item, "team", "1") and limiter.hit(item, "team", "1")
    assert not limiter.hit(item, "team", "1")
    time.sleep(1.05)  # the entries are a second old; no sweep has run since
    assert limiter.hit(item, "team", "1")
    storage.timer.cancel()


def test_the_sweep_frees_the_expired_keys():
    storage = SweptMemoryStorage("memory-swept://")
    limiter = MovingWindowRateLimiter(storage)
    for team in range(50):
        limiter.hit(parse("5 per second"), "team", str(team))
    time.sleep(1.05)
    storage._MemoryStorage__expire_events()
    assert storage.events and not any(storage.events.values())  # (the keys stay, as with memory://)
    storage.timer.cancel()
