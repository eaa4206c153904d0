"""Logging in: Flask-Login sessions for pages, personal bearer tokens for the JSON APIs.

Also the pages that set a password through a mailed link (invitation, forgotten password).
Sessions and their end are in `server/sessions.py`, login throttling in `server/login_throttle.py`.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import unicodedata

from flask import Blueprint, Flask, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from rallies import accounts
from rallies.db import db
from rallies.errors import DomainError, Forbidden
from rallies.models import User
from server import mail, sessions
from server.extensions import limiter, login_manager
from server.login_throttle import LoginThrottle, network_key

ROLE_LABELS = {"office": _l("Programmbüro"), "editor": _l("Redaktion (Einrichtung)"), "teacher": _l("Lehrkraft (Schule)")}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))
from server.i18n import say
from rallies.messages import msg

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-Mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Passwort"), validators=[DataRequired()])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Aktuelles Passwort"), validators=[DataRequired()])
    new_password = PasswordField(_l("Neues Passwort"), validators=[DataRequired(), Length(min=10)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-Mail"), validators=[DataRequired(), Email()], render_kw={"autocomplete": "username"})


class SetPasswordForm(FlaskForm):
    new_password = PasswordField(
        _l("Neues Passwort (mindestens %(count)s Zeichen)", count=accounts.MIN_PASSWORD_LENGTH),
        validators=[DataRequired(), Length(min=accounts.MIN_PASSWORD_LENGTH, max=1000,
                                           message=_l("Bitte mindestens %(min)d Zeichen."))],
        render_kw={"autocomplete": "new-password"})
    repeat = PasswordField(_l("Passwort wiederholen"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("Die beiden Passwörter sind nicht gleich."))],
        render_kw={"autocomplete": "new-password"})


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])


@login_manager.request_loader
def load_user_from_bearer(req) -> User | None:
    """JSON API clients send `Authorization: Bearer <personal token>`."""
    if not req.path.startswith("/api/manage/"):
        return None
    header = req.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    user = accounts.user_for_api_token(secret.strip())
    if user is not None:
        g.api_token_auth = True
        db.session.commit()
    return user


login_manager.login_view = "auth.login"
login_manager.login_message = _l("Bitte melden Sie sich an.")


def role_required(*roles: str):
    """Pages only for the given roles; others get 403."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                raise Forbidden(msg("Diese Seite ist nicht für Ihre Rolle."))
            return view(*args, **kwargs)

        return wrapper

    return decorator


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), (401 if form.errors else 200)
    throttle = LoginThrottle(form.email.data)
    verdict = throttle.check()
    if not verdict.allowed:
        minutes = max(1, math.ceil(verdict.retry_after / 60))
        if verdict.reason == "network":
            message = ngettext(
                "Von Ihrem Netz aus gab es zu viele fehlgeschlagene Anmeldungen. In einem Browser, in dem Sie sich "
                "schon angemeldet haben, geht es weiter; sonst bitte in %(num)d Minute erneut.",
                "Von Ihrem Netz aus gab es zu viele fehlgeschlagene Anmeldungen. In einem Browser, in dem Sie sich "
                "schon angemeldet haben, geht es weiter; sonst bitte in %(num)d Minuten erneut.", minutes)
        else:
            message = ngettext(
                "Zu viele fehlgeschlagene Anmeldungen für dieses Konto. Bitte versuchen Sie es in %(num)d Minute erneut.",
                "Zu viele fehlgeschlagene Anmeldungen für dieses Konto. Bitte versuchen Sie es in %(num)d Minuten "
                "erneut.", minutes)
        form.password.errors.append(message)
        response = make_response(render_template("auth/login.html", form=form), 429)
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    user = accounts.authenticate(form.email.data, form.password.data)
    if user is None:
        throttle.failed()
        log.info("failed login")
        form.password.errors.append(_("E-Mail oder Passwort ist falsch."))
        return render_template("auth/login.html", form=form), 401
    throttle.succeeded()
    db.session.commit()
    sessions.start(user)
    response = redirect(safe_next(request.args.get("next")) or url_for("pages.home"))
    name, value, max_age = throttle.device_cookie()
    response.set_cookie(name, value, max_age=max_age, path=url_for("auth.login"), httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme or host, no backslash, no control or white-space characters.

    Browsers drop tabs and line breaks from URLs, so `/<tab>/evil.example/` would become
    `//evil.example/`; such targets are refused, as are `//host` and `/\\host`.
    """
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or unicodedata.category(ch)[0] in "CZ" for ch in target):
        return None
    return target


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out here and everywhere else: a copied session cookie stops working too."""
    if current_user.is_authenticated and not g.get("api_token_auth"):
        sessions.end_everywhere(current_user._get_current_object())
    flash(_("Sie sind abgemeldet."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            form.current_password.errors.append(say(error.message))
        else:
            db.session.commit()
            sessions.restart_here(current_user._get_current_object())
            flash(_("Ihr Passwort wurde geändert. Alle anderen Anmeldungen sind beendet."), "success")
            return redirect(url_for("pages.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def api_tokens():
    form = TokenForm()
    new_secret = None
    if form.validate_on_submit():
        _, new_secret = accounts.issue_api_token(current_user, form.name.data)
        db.session.commit()
    tokens = accounts.list_api_tokens(current_user)
    return render_template("auth/tokens.html", form=form, tokens=tokens, new_secret=new_secret)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    accounts.revoke_api_token(current_user, token_id)
    db.session.commit()
    flash(_("Der Token wurde widerrufen."), "success")
    return redirect(url_for("auth.api_tokens"))


@bp.route("/account/forgot-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_REQUEST_LIMIT"],
               key_func=network_key, methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        valid_for = dt.timedelta(minutes=current_app.config["PASSWORD_RESET_MINUTES"])
        found = accounts.request_password_reset(form.email.data, valid_for=valid_for)
        db.session.commit()
        if found is not None:
            mail.send_password_reset(*found)
        flash(_("Wenn es ein Konto mit dieser Adresse gibt, ist eine E-Mail mit einem Link unterwegs. "
                "Der Link gilt %(minutes)s Minuten.", minutes=current_app.config["PASSWORD_RESET_MINUTES"]), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form), (422 if form.errors else 200)


@bp.route("/account/set-password/<secret>", methods=["GET", "POST"])
def set_password(secret: str):
    """The page behind an invitation or reset link: choose a password, then you are signed in."""
    link = accounts.link_for(secret)
    if link is None:
        return render_template("auth/link_invalid.html"), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.set_password_by_link(secret, form.new_password.data)
        except DomainError:
            db.session.rollback()
            return render_template("auth/link_invalid.html"), 410
        db.session.commit()
        sessions.start(user)
        flash(_("Ihr Passwort ist gespeichert. Willkommen!"), "success")
        return redirect(url_for("pages.home"))
    response = make_response(render_template("auth/set_password.html", form=form, link=link, user=link.user),
                             422 if form.errors else 200)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _forget_previous_user() -> None:
    """Each request authenticates afresh, also when an application context is reused (tests, CLI)."""
    g.pop("_login_user", None)
    g.pop("api_token_auth", None)


def init_auth(app: Flask) -> None:
    app.before_request(_forget_previous_user)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(role_label=role_label)
    mail.init_mail(app)
