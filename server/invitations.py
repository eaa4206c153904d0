"""Inviting people and resending invitations: the account change, then the mail, for pages and API alike."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from flask import current_app

from rallies import accounts
from rallies.db import db
from rallies.models import User
from server import mail

log = logging.getLogger(__name__)


def _valid_for() -> dt.timedelta:
    return dt.timedelta(days=current_app.config["INVITATION_DAYS"])


def invite(*, actor: User, **fields) -> tuple[User, bool]:
    """Create the account (committed), then mail the link; False when the mail could not be sent (resend later)."""
    user, secret = accounts.invite_user(actor=actor, valid_for=_valid_for(), **fields)
    db.session.commit()
    return user, _send(user, secret, actor)


def resend(user: User, *, actor: User) -> bool:
    """A new invitation link for an account that has not set its password; the old link stops working."""
    secret = accounts.resend_invitation(user, actor=actor, valid_for=_valid_for())
    db.session.commit()
    return _send(user, secret, actor)


def _send(user: User, secret: str, actor: User) -> bool:
    try:
        mail.send_invitation(user, secret, inviter=actor)
    except (smtplib.SMTPException, OSError):
        log.exception("invitation mail to user %s failed", user.id)
        return False
    return True
