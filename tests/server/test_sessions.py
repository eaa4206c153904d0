"""Sessions end on the server: logout, password change, role change and deactivation end every
session of the account (copied cookies included); idle and absolute lifetimes are enforced."""

from __future__ import annotations

import time

import pytest

from rallies import accounts
from rallies.models import User
from server import sessions
from tests.factories import PASSWORD

SIGNED_IN_PAGE = "/account/password"


def sign_in(app, user, password=PASSWORD):
    browser = app.test_client()
    assert browser.post("/login", data={"email": user.email, "password": password}).status_code == 302
    return browser


def signed_in(browser) -> bool:
    return browser.get(SIGNED_IN_PAGE).status_code == 200


def copy_of(app, browser):
    """A second client holding a copy of `browser`'s session cookie, as an attacker who stole it would."""
    thief = app.test_client()
    cookie = browser.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_session_cookie_copied_before_logout_no_longer_works(app, teacher):
    browser = sign_in(app, teacher)
    thief = copy_of(app, browser)
    assert signed_in(thief)
    browser.post("/logout")
    assert not signed_in(browser)
    assert not signed_in(thief)


def test_logout_ends_the_accounts_sessions_on_other_devices_too(app, teacher):
    laptop, phone = sign_in(app, teacher), sign_in(app, teacher)
    laptop.post("/logout")
    assert not signed_in(phone)
    assert signed_in(sign_in(app, teacher))  # signing in again works


def test_a_password_change_ends_other_sessions_and_keeps_this_one(app, db, teacher):
    here, elsewhere = sign_in(app, teacher), sign_in(app, teacher)
    thief = copy_of(app, here)
    response = here.post("/account/password", data={"current_password": PASSWORD,
                                                    "new_password": "a brand new secret"})
    assert response.status_code == 302
    assert signed_in(here)
    assert not signed_in(elsewhere) and not signed_in(thief)


def test_a_role_change_by_the_office_ends_the_accounts_sessions(app, db, teacher, office, institution):
    browser = sign_in(app, teacher)
    accounts.update_user(db.session.get(User, teacher.id), actor=office, role="editor",
                         institution_ids=[institution.id])
    db.session.commit()
    assert not signed_in(browser)


def test_deactivation_ends_the_accounts_sessions(app, db, teacher, office):
    browser = sign_in(app, teacher)
    accounts.update_user(db.session.get(User, teacher.id), actor=office, active=False)
    db.session.commit()
    assert not signed_in(browser)
    accounts.update_user(db.session.get(User, teacher.id), actor=office, active=True)
    db.session.commit()
    assert not signed_in(browser)  # reactivating does not bring the old session back


def test_a_name_change_leaves_sessions_alone(app, db, teacher, office):
    browser = sign_in(app, teacher)
    accounts.update_user(db.session.get(User, teacher.id), actor=office, display_name="Frau Yilmaz")
    db.session.commit()
    assert signed_in(browser)


def _age_session(browser, **seconds_ago):
    with browser.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = int(time.time()) - ago


def test_a_session_idle_for_longer_than_the_idle_lifetime_ends(app, teacher):
    app.config["SESSION_IDLE_MINUTES"] = 30
    browser = sign_in(app, teacher)
    _age_session(browser, seen_at=29 * 60)
    assert signed_in(browser)  # and being seen renews it
    _age_session(browser, seen_at=31 * 60)
    response = browser.get(SIGNED_IN_PAGE)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_busy_session_still_ends_after_the_absolute_lifetime(app, teacher):
    app.config["SESSION_MAX_HOURS"] = 8
    browser = sign_in(app, teacher)
    _age_session(browser, signed_in_at=7 * 3600, seen_at=10)
    assert signed_in(browser)
    _age_session(browser, signed_in_at=8 * 3600 + 5, seen_at=10)
    assert not signed_in(browser)


def test_a_session_cookie_without_times_or_version_does_not_load(app, teacher):
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = str(teacher.id)  # the form before session versions
        session["_fresh"] = True
    assert not signed_in(browser)


@pytest.mark.parametrize("session_id", ["", "abc", "1", "1:", ":0", "99999999999999999999:0", "1:x"])
def test_malformed_session_ids_load_nobody(app, session_id):
    with app.test_request_context("/"):
        assert sessions.load_user(session_id) is None


def test_session_lifetimes_come_from_the_environment():
    from server.config import Settings

    settings = Settings.from_env({"SESSION_IDLE_MINUTES": "45", "SESSION_MAX_HOURS": "10"})
    assert (settings.SESSION_IDLE_MINUTES, settings.SESSION_MAX_HOURS) == (45, 10)
    defaults = Settings.from_env({})
    assert (defaults.SESSION_IDLE_MINUTES, defaults.SESSION_MAX_HOURS) == (120, 12)
