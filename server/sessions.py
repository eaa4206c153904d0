"""Signed-in sessions that the server can end: a version on the account, idle and absolute lifetimes.

The session cookie holds `<user id>:<session version>` (Flask-Login's id) and two times: when
the person signed in and when they were last seen. A session no longer loads when the
account's version has moved on (logout, password change or reset, role change,
deactivation: every session of the account ends, copied cookies included), when it has been
idle longer than `SESSION_IDLE_MINUTES`, or when it is older than `SESSION_MAX_HOURS`.
"""

from __future__ import annotations

import time

from flask import current_app, session
from flask_login import login_user, logout_user

from rallies import accounts
from rallies.db import db
from rallies.models import User
from server.extensions import login_manager

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
SEEN_RESOLUTION = 60  # seconds; the cookie is rewritten at most once a minute while browsing


def start(user: User) -> None:
    """Sign `user` in on this browser with the account's current session version."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    login_user(user)
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def end_everywhere(user: User) -> None:
    """Sign out here and end every other session of the account too."""
    accounts.end_sessions(user)
    db.session.commit()
    logout_user()
    session.pop(SIGNED_IN_AT, None)
    session.pop(SEEN_AT, None)


def restart_here(user: User) -> None:
    """After the version moved on (a new password): keep this browser signed in, end the others."""
    start(user)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The account of a live session, or None when its version, idle time or age says it ended."""
    user_id, _, version = (session_id or "").partition(":")
    if not (user_id.isdigit() and version.isdigit()) or len(user_id) > 18:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or int(version) != (user.session_version or 0):
        return None
    if not _within_lifetimes():
        return None
    return user


def _within_lifetimes() -> bool:
    now = int(time.time())
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return False
    config = current_app.config
    if now - seen_at > config["SESSION_IDLE_MINUTES"] * 60 or now - signed_in_at > config["SESSION_MAX_HOURS"] * 3600:
        session.pop(SIGNED_IN_AT, None)
        session.pop(SEEN_AT, None)
        return False
    if now - seen_at >= SEEN_RESOLUTION:
        session[SEEN_AT] = now
    return True
