"""Login throttling: per network for strangers, per account with a growing delay, known browsers spared.

What people expect, and how it is met:

- A school sits behind one address. Failed logins count per network (an IPv4 address or an
  IPv6 /64, since one household or school gets a whole /64) with a generous budget
  (`LOGIN_FAILURES_PER_NETWORK`, 100 per 15 minutes), and only failures count.
- When that budget is used up, a browser that has signed in to this account before (it
  carries a signed *device cookie*, OWASP's "device cookies") still gets in with the right
  password: a pupil guessing on the shared address does not lock the teachers out. A new
  browser on that network waits, even with the right password, because otherwise the
  network limit would stop nobody.
- Each account allows `LOGIN_FREE_FAILURES_PER_ACCOUNT` failures, then every further failure
  doubles a waiting time (15 s, 30 s, 1 min, … up to `LOGIN_MAX_DELAY_SECONDS`). A known
  browser has its own count, so someone guessing at a teacher's account elsewhere does not
  lock her out of her own browser. A successful login clears the count it used.

Counters live in Flask-Limiter's storage, so `RATELIMIT_STORAGE_URI=redis://…` shares them
between workers and machines. Keys hold hashes, never addresses or e-mail addresses.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from rallies.tokens import new_secret

DEVICE_COOKIE = "rally_device"
FAILURE_MEMORY_SECONDS = 24 * 3600
FIRST_DELAY_SECONDS = 15


def network_of(address: str | None) -> str:
    """An IPv4 address as is, an IPv6 address as its /64 network (IPv4-mapped ones as IPv4)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown"
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def network_key() -> str:
    """Flask-Limiter's key: the caller's network, hashed so that no address is stored."""
    return _digest(network_of(request.remote_addr))


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


@dataclass
class Verdict:
    """Whether a login attempt may be checked now; `reason` is `network` or `account` when not."""

    allowed: bool
    retry_after: int = 0
    reason: str = ""


class LoginThrottle:
    """The counters of one login attempt: `check()` before the password, then `failed()` or `succeeded()`."""

    def __init__(self, email: str):
        self.email_key = _digest("account:" + (email or "").strip().lower())
        self.device = _device_nonce(self.email_key)
        self.network = network_key()

    @property
    def known_browser(self) -> bool:
        return self.device is not None

    def check(self) -> Verdict:
        storage = _storage()
        if storage is None:
            return Verdict(True)
        lock_key = self._account_key("lock")
        if storage.get(lock_key) > 0:
            return Verdict(False, _seconds_until(storage.get_expiry(lock_key)), "account")
        if not self.known_browser:
            item = parse(current_app.config["LOGIN_FAILURES_PER_NETWORK"])
            strategy = MovingWindowRateLimiter(storage)
            if not strategy.test(item, "login", "network", self.network):
                reset = strategy.get_window_stats(item, "login", "network", self.network).reset_time
                return Verdict(False, _seconds_until(reset), "network")
        return Verdict(True)

    def failed(self) -> None:
        storage = _storage()
        if storage is None:
            return
        if not self.known_browser:
            item = parse(current_app.config["LOGIN_FAILURES_PER_NETWORK"])
            MovingWindowRateLimiter(storage).hit(item, "login", "network", self.network)
        failures = storage.incr(self._account_key("failures"), FAILURE_MEMORY_SECONDS)
        over = failures - current_app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]
        if over > 0:
            delay = min(current_app.config["LOGIN_MAX_DELAY_SECONDS"], FIRST_DELAY_SECONDS * 2 ** min(over - 1, 20))
            storage.incr(self._account_key("lock"), int(delay))

    def succeeded(self) -> None:
        storage = _storage()
        if storage is not None:
            storage.clear(self._account_key("failures"))
            storage.clear(self._account_key("lock"))

    def device_cookie(self) -> tuple[str, str, int]:
        """Name, value and lifetime (seconds) of the cookie that marks this browser as known for the account."""
        max_age = current_app.config["TRUSTED_DEVICE_DAYS"] * 86400
        value = _serializer().dumps({"a": self.email_key, "n": self.device or new_secret(12)})
        return DEVICE_COOKIE, value, max_age

    def _account_key(self, what: str) -> str:
        device = f":{self.device}" if self.device else ""
        return f"login:{what}:{self.email_key}{device}"


def _device_nonce(email_key: str) -> str | None:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 500:
        return None
    try:
        data = _serializer().loads(raw, max_age=current_app.config["TRUSTED_DEVICE_DAYS"] * 86400)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != email_key or not isinstance(data.get("n"), str):
        return None
    return data["n"][:32]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def _seconds_until(timestamp: float) -> int:
    return max(1, math.ceil(timestamp - time.time()))


def _storage():
    limiters = current_app.extensions.get("limiter")
    if not limiters or not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    limiter = next(iter(limiters))
    return limiter.storage if limiter.enabled else None
