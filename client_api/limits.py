"""Rate limits of the client API, kept in Flask-Limiter's storage with a moving window.

A whole class joins from one school address, so an address is limited only for failed
joins (unknown codes); joins with a valid code have their own, generous budget that
failed ones never use up. Writes are limited per team, keyed by its token hash.
Addresses are hashed before they reach the storage: pupils' IP addresses are not kept.
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import current_app, request
from limits import parse
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import TooManyRequests
from rallies.messages import msg

DEFAULTS = {
    "CLIENT_FAILED_JOIN_LIMIT": "20 per minute",
    "CLIENT_JOIN_LIMIT": "600 per hour",
    "CLIENT_TEAM_WRITE_LIMIT": "120 per minute",
    "CLIENT_TEAM_UPLOAD_LIMIT": "30 per minute",
}
MIN_JOINS_PER_HOUR = 200  # the contract's floor for joins with a valid code


class RateLimited(TooManyRequests):
    """A 429 that the app's error handler answers as problem+json with Retry-After."""


def init_limits(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    join_limit = parse(app.config["CLIENT_JOIN_LIMIT"])
    per_hour = join_limit.amount * 3600 / join_limit.get_expiry()
    if per_hour < MIN_JOINS_PER_HOUR and not app.testing:
        raise RuntimeError(f"CLIENT_JOIN_LIMIT must allow at least {MIN_JOINS_PER_HOUR} joins an hour")


def _flask_limiter():
    limiters = current_app.extensions.get("limiter")
    if not limiters:
        return None
    limiter = next(iter(limiters))
    if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    return limiter


def _hit(config_key: str, *identifiers: str) -> None:
    """Count one request against a limit; 429 with Retry-After when the window is full."""
    limiter = _flask_limiter()
    if limiter is None:
        return
    item = parse(current_app.config[config_key])
    strategy = MovingWindowRateLimiter(limiter.storage)
    if strategy.hit(item, "client_api", config_key, *identifiers):
        return
    reset_at = strategy.get_window_stats(item, "client_api", config_key, *identifiers).reset_time
    raise RateLimited(description=msg("Zu viele Anfragen; bitte später noch einmal versuchen."),
                      retry_after=max(1, math.ceil(reset_at - time.time())))


def address_key() -> str:
    return hashlib.sha256((request.remote_addr or "unknown").encode()).hexdigest()[:32]


def hit_failed_join() -> None:
    """An unknown join code: at most 20 in any rolling minute from one address."""
    _hit("CLIENT_FAILED_JOIN_LIMIT", address_key())


def hit_join() -> None:
    """A join with a valid code: its own budget, never used up by failed ones."""
    _hit("CLIENT_JOIN_LIMIT", address_key())


def hit_team_write(token_hash: str) -> None:
    """A team's write: at most 120 a minute."""
    _hit("CLIENT_TEAM_WRITE_LIMIT", token_hash)


def hit_team_upload(token_hash: str) -> None:
    """A team's upload: at most 30 a minute (configurable), besides the write limit."""
    _hit("CLIENT_TEAM_UPLOAD_LIMIT", token_hash)
