"""Mail to account holders (invitations, password resets) through Flask-Mailman.

Production sends over SMTP (`MAIL_SERVER`, `MAIL_PORT`, `MAIL_USERNAME`, `MAIL_PASSWORD`,
`MAIL_USE_TLS`/`MAIL_USE_SSL`, `MAIL_DEFAULT_SENDER`). Development and tests use the
`OutboxEmailBackend`: every message becomes one `.eml` file in `MAIL_FILE_PATH` (default
`instance/outbox`) and its text is logged to the console. Mails are written in the
recipient's language (the account's `locale`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets

from flask import Flask, current_app, render_template, url_for
from flask_babel import force_locale, gettext as _
from flask_mailman import EmailMessage, Mail
from flask_mailman.backends.base import BaseEmailBackend

from rallies.models import User

log = logging.getLogger(__name__)
mail = Mail()


class OutboxEmailBackend(BaseEmailBackend):
    """Development and tests: one .eml file per message in the outbox folder, and the text on the console."""

    def send_messages(self, email_messages):
        folder = current_app.config["MAIL_FILE_PATH"]
        os.makedirs(folder, exist_ok=True)
        for message in email_messages:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            path = os.path.join(folder, f"{stamp}-{secrets.token_hex(4)}.eml")
            with open(path, "wb") as handle:
                handle.write(message.message().as_bytes())
            log.info("mail to %s (%s): %s\n%s\n(saved as %s)", ", ".join(message.to), message.subject,
                     "-" * 40, message.body, path)
        return len(email_messages)


def _link(endpoint: str, **values) -> str:
    """An absolute link on the public address (mails are read outside the request)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)


def _send(user: User, subject: str, template: str, **context) -> None:
    body = render_template(template, user=user, **context)
    EmailMessage(subject=subject, body=body, to=[user.email]).send()


def send_invitation(user: User, secret: str, *, inviter: User | None) -> None:
    """The invitation to set a first password, in the invitee's language."""
    days = current_app.config["INVITATION_DAYS"]
    with force_locale(user.locale or "de"):
        _send(user, _("Ihr Zugang zur Kulturrallye"), "mail/invitation.txt",
              link=_link("auth.set_password", secret=secret), days=days, inviter=inviter)


def send_password_reset(user: User, secret: str) -> None:
    """The link to set a new password, in the account's language."""
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    with force_locale(user.locale or "de"):
        _send(user, _("Neues Passwort für die Kulturrallye"), "mail/password_reset.txt",
              link=_link("auth.set_password", secret=secret), minutes=minutes)


def init_mail(app: Flask) -> None:
    mail.init_app(app)
