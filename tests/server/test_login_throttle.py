"""Login throttling: per network (IPv6 by /64) for strangers, per account with a growing delay,
and a browser that has signed in before is not locked out by someone else's guessing."""

from __future__ import annotations

import pytest

from server.login_throttle import network_of
from tests.factories import PASSWORD

SCHOOL = "203.0.113.7"


def attempt(client, user, password, address=SCHOOL):
    return client.post("/login", data={"email": user.email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def small_budgets(app):
    app.config.update(LOGIN_FAILURES_PER_NETWORK="8 per 15 minutes", LOGIN_FREE_FAILURES_PER_ACCOUNT=3)


@pytest.mark.parametrize("address, network", [
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"), ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
    ("::ffff:198.51.100.4", "198.51.100.4"), ("198.51.100.4", "198.51.100.4"), ("", "unknown"), ("nonsense", "unknown"),
])
def test_addresses_are_keyed_by_network(address, network):
    assert network_of(address) == network


def test_a_pupil_guessing_on_the_school_network_does_not_lock_out_a_teacher_who_signed_in_before(
        app, small_budgets, teacher, make_user, school):
    teacher_browser = app.test_client()
    assert attempt(teacher_browser, teacher, PASSWORD).status_code == 302
    teacher_browser.post("/logout")

    pupil = app.test_client()
    others = [make_user("teacher", schools=[school]) for _ in range(7)]
    statuses = [attempt(pupil, user, "guess").status_code for user in [teacher, *others]]
    assert statuses == [401] * 8
    refused = attempt(pupil, teacher, "guess again")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Von Ihrem Netz aus gab es zu viele fehlgeschlagene Anmeldungen" in refused.get_data(as_text=True)

    assert attempt(teacher_browser, teacher, PASSWORD).status_code == 302  # her own browser still gets in
    # A new browser on the throttled network waits, even with the right password.
    assert attempt(app.test_client(), teacher, PASSWORD).status_code == 429


def test_the_network_limit_is_per_ipv6_64_and_counts_failures_only(app, small_budgets, teacher, make_user, school):
    others = [make_user("teacher", schools=[school]) for _ in range(8)]
    client = app.test_client()
    for index, other in enumerate(others):  # one failure each, so no account limit is reached
        assert attempt(client, other, "nope", address=f"2001:db8:5:6::{index + 1}").status_code == 401
    assert attempt(client, teacher, PASSWORD, address="2001:db8:5:6:aaaa::1").status_code == 429
    assert attempt(client, teacher, PASSWORD, address="2001:db8:5:7::1").status_code == 302  # another /64


def test_successful_logins_do_not_use_up_the_network_budget(app, small_budgets, teacher):
    for _ in range(12):
        browser = app.test_client()
        assert attempt(browser, teacher, PASSWORD).status_code == 302


def test_failures_on_one_account_grow_the_delay_wherever_they_come_from(app, small_budgets, teacher):
    client = app.test_client()
    for index in range(3):
        assert attempt(client, teacher, "nope", address=f"198.51.100.{index}").status_code == 401
    assert attempt(client, teacher, "nope", address="198.51.100.50").status_code == 401  # 4th: first delay starts
    first = attempt(client, teacher, PASSWORD, address="198.51.100.51")
    assert first.status_code == 429 and 1 <= int(first.headers["Retry-After"]) <= 15
    assert "für dieses Konto" in first.get_data(as_text=True)

    storage = next(iter(app.extensions["limiter"])).storage
    for key in [k for k in list(getattr(storage, "storage", {})) if k.startswith("login:lock:")]:
        storage.clear(key)  # the 15 s have passed
    assert attempt(client, teacher, "nope", address="198.51.100.52").status_code == 401
    second = attempt(client, teacher, PASSWORD, address="198.51.100.53")
    assert second.status_code == 429 and 15 < int(second.headers["Retry-After"]) <= 30


def test_a_known_browser_has_its_own_account_count(app, small_budgets, teacher):
    own = app.test_client()
    assert attempt(own, teacher, PASSWORD).status_code == 302
    own.post("/logout")
    attacker = app.test_client()
    for index in range(6):
        attempt(attacker, teacher, "nope", address=f"192.0.2.{index}")
    assert attempt(attacker, teacher, PASSWORD, address="192.0.2.99").status_code == 429
    assert attempt(own, teacher, PASSWORD).status_code == 302


def test_a_forged_device_cookie_is_ignored(app, small_budgets, teacher, make_user, school):
    client = app.test_client()
    client.set_cookie("rally_device", "forged.value.here", path="/login")
    for other in [make_user("teacher", schools=[school]) for _ in range(8)]:
        assert attempt(client, other, "nope").status_code == 401
    assert attempt(client, teacher, PASSWORD).status_code == 429


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway redis-server (Debian's, as in production set-ups with several workers)."""
    import shutil
    import socket
    import subprocess
    import time

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is required (apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_two_instances_sharing_redis_count_failures_together(app_config, redis_url, teacher, make_user, school):
    """RATELIMIT_STORAGE_URI=redis://…: both workers see the same counts and trust the same browsers."""
    from server import create_app

    config = {**app_config, "RATELIMIT_STORAGE_URI": redis_url,
              "LOGIN_FAILURES_PER_NETWORK": "6 per 15 minutes", "LOGIN_FREE_FAILURES_PER_ACCOUNT": 3}
    first, second = create_app(config), create_app(config)
    known = first.test_client()
    assert attempt(known, teacher, PASSWORD).status_code == 302  # signs in on the first instance
    known.post("/logout")

    others = [make_user("teacher", schools=[school]) for _ in range(6)]
    for index, other in enumerate(others):  # failures alternate between the instances
        client = (first if index % 2 else second).test_client()
        assert attempt(client, other, "nope").status_code == 401
    assert attempt(second.test_client(), teacher, PASSWORD).status_code == 429  # network budget used up

    import redis

    assert redis.Redis.from_url(redis_url).keys("*login*")  # the counts live in redis, not in a worker
    # Flask-Limiter's storage is per process: a third app built now opens its own connection, as another
    # worker or machine would, and still sees the counts (with memory:// it would start from zero).
    second = create_app(config)
    assert attempt(second.test_client(), teacher, PASSWORD).status_code == 429
    known_on_second = second.test_client()
    known_on_second.set_cookie("rally_device", known.get_cookie("rally_device", path="/login").value, path="/login")
    assert attempt(known_on_second, teacher, PASSWORD).status_code == 302  # the known browser, on the other one
