"""Logging in: Flask-Login sessions for pages, personal bearer tokens for the JSON APIs."""

from __future__ import annotations

import functools
import logging

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from rallies import accounts
from rallies.db import db
from rallies.errors import DomainError, Forbidden
from rallies.models import User
from server.extensions import limiter, login_manager
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


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


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
@limiter.limit("10 per minute", methods=["POST"], error_message="Too many login attempts.")
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            log.info("failed login")
            form.password.errors.append(_("E-Mail oder Passwort ist falsch."))
        else:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("pages.home"))
    return render_template("auth/login.html", form=form), (200 if not form.errors else 401)


def _safe_next(target: str | None) -> str | None:
    """Only local paths, so a login link cannot send people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
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
            flash(_("Ihr Passwort wurde geändert."), "success")
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


def _forget_previous_user() -> None:
    """Each request authenticates afresh, also when an application context is reused (tests, CLI)."""
    g.pop("_login_user", None)
    g.pop("api_token_auth", None)


def init_auth(app: Flask) -> None:
    app.before_request(_forget_previous_user)
    app.register_blueprint(bp)
