"""Accounts, passwords, invitations, password resets and personal API tokens.

The office invites people and never sets or sees a password: an invitation or a reset is a
single-use link whose secret goes out by mail (the edge sends it) and is stored only as a
hash. Every change to an account, its role or memberships is written to the audit log, and
changes that should end someone's sessions (password, role, deactivation) raise the
account's `session_version`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from rallies import audit
from rallies.db import db, utcnow
from rallies.errors import Conflict, Invalid, NotFound
from rallies.messages import msg
from rallies.models import ROLES, AccountToken, ApiToken, Institution, School, User
from rallies.tokens import hash_secret, new_secret

log = logging.getLogger(__name__)
_hasher = PasswordHasher()

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10
LOCALES = ("de", "en")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    """Verify, and upgrade the stored hash when argon2's parameters have changed."""
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise Invalid(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.",
            errors={"password": [msg("Mindestens %(count)s Zeichen.", count=MIN_PASSWORD_LENGTH)]},
        )


def create_user(*, email: str, password: str, role: str, display_name: str = "",
                institution_ids: list[int] = (), school_ids: list[int] = (), actor: User | None = None) -> User:
    """Create an account with a password (command line and demo only; the office invites)."""
    validate_password(password)
    user = _new_user(email=email, role=role, display_name=display_name, locale="de",
                     institution_ids=institution_ids, school_ids=school_ids)
    user.password_hash = hash_password(password)
    db.session.flush()
    audit.record("account_created", actor=actor, subject=user, **_membership_details(user))
    log.info("user %s created with role %s", user.id, role)
    return user


def invite_user(*, email: str, role: str, actor: User | None, valid_for: dt.timedelta, display_name: str = "",
                locale: str = "de", institution_ids: list[int] = (), school_ids: list[int] = ()) -> tuple[User, str]:
    """Create an account without a password and an invitation link's secret (returned once, for the mail)."""
    user = _new_user(email=email, role=role, display_name=display_name, locale=locale,
                     institution_ids=institution_ids, school_ids=school_ids)
    db.session.flush()
    secret = _issue_link(user, "invitation", valid_for)
    audit.record("account_invited", actor=actor, subject=user, **_membership_details(user))
    log.info("user %s invited with role %s", user.id, role)
    return user, secret


def resend_invitation(user: User, *, actor: User | None, valid_for: dt.timedelta) -> str:
    """A fresh invitation link for an account whose invitation was not accepted; older links stop working."""
    if user.has_password:
        raise Conflict(msg("Dieses Konto hat seine Einladung schon angenommen."), code="invitation_accepted")
    secret = _issue_link(user, "invitation", valid_for)
    audit.record("invitation_resent", actor=actor, subject=user)
    return secret


def request_password_reset(email: str, *, valid_for: dt.timedelta) -> tuple[User, str] | None:
    """A reset link's secret for an active account with this address, else None (the edge answers alike)."""
    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if user is None or not user.active:
        return None
    return user, _issue_link(user, "password_reset", valid_for)


def link_for(secret: str) -> AccountToken | None:
    """The unused, unexpired link of an active account with this secret, or None."""
    if not secret or len(secret) > 200:
        return None
    token = db.session.scalar(db.select(AccountToken).filter_by(token_hash=hash_secret(secret)))
    if token is None or token.used_at is not None or token.expires_at <= utcnow() or not token.user.active:
        return None
    return token


def set_password_by_link(secret: str, password: str) -> User:
    """Set the password through an invitation or reset link; the link and every other one of the account is used up."""
    token = link_for(secret)
    if token is None:
        raise Invalid(msg("Dieser Link gilt nicht mehr."), code="link_invalid")
    validate_password(password)
    user = token.user
    accepted = token.purpose == "invitation" and not user.has_password
    user.password_hash = hash_password(password)
    _use_up_links(user)
    end_sessions(user)
    audit.record("invitation_accepted" if accepted else "password_reset", actor=user, subject=user)
    log.info("user %s set a password by %s link", user.id, token.purpose)
    return user


def _issue_link(user: User, purpose: str, valid_for: dt.timedelta) -> str:
    _use_up_links(user, purpose)
    secret = new_secret(32)
    db.session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=hash_secret(secret),
                                expires_at=utcnow() + valid_for))
    db.session.flush()
    return secret


def _use_up_links(user: User, purpose: str | None = None) -> None:
    query = db.select(AccountToken).filter_by(user_id=user.id, used_at=None)
    if purpose:
        query = query.filter_by(purpose=purpose)
    for token in db.session.scalars(query):
        token.used_at = utcnow()


def end_sessions(user: User) -> None:
    """Every session of the account stops working at its next request."""
    user.session_version = (user.session_version or 0) + 1


def _membership_details(user: User) -> dict:
    return {"role": user.role, "institution_ids": sorted(user.institution_ids), "school_ids": sorted(user.school_ids)}


def _new_user(*, email: str, role: str, display_name: str, locale: str,
              institution_ids: list[int], school_ids: list[int]) -> User:
    """Check and add an account (no password yet); editors need an institution and teachers a school."""
    email = normalise_email(email)
    errors = {}
    if not EMAIL_RE.match(email):
        errors["email"] = ["Not a valid e-mail address."]
    if role not in ROLES:
        errors["role"] = [f"Must be one of: {', '.join(ROLES)}."]
    errors.update(_membership_errors(role, institution_ids, school_ids))
    if locale not in LOCALES:
        errors["locale"] = [msg("Erlaubt sind: %(choices)s.", choices=", ".join(LOCALES))]
    if errors:
        raise Invalid(msg("Das Konto hat ungültige Felder."), errors=errors)
    if db.session.scalar(db.select(User).filter_by(email=email)):
        raise Conflict(msg("Ein Konto mit dieser E-Mail-Adresse gibt es schon."), code="email_taken")
    institutions = [_get(Institution, i, "institution_ids") for i in dict.fromkeys(institution_ids)]
    schools = [_get(School, i, "school_ids") for i in dict.fromkeys(school_ids)]
    user = User(email=email, password_hash="", role=role, display_name=display_name or "", locale=locale,
                institutions=institutions, schools=schools, session_version=0)
    db.session.add(user)
    return user


def _membership_errors(role: str, institution_ids, school_ids) -> dict[str, list[str]]:
    """Editors belong to institutions, teachers to schools, the office to neither."""
    errors = {}
    if role == "editor" and not institution_ids:
        errors["institution_ids"] = ["An editor belongs to at least one institution."]
    if role == "teacher" and not school_ids:
        errors["school_ids"] = ["A teacher belongs to at least one school."]
    if role != "editor" and institution_ids:
        errors["institution_ids"] = ["Only editors belong to institutions."]
    if role != "teacher" and school_ids:
        errors["school_ids"] = ["Only teachers belong to schools."]
    return errors


def list_users(*, role: str | None = None) -> list[User]:
    """Every account, optionally of one role, in the order they were created."""
    query = db.select(User).order_by(User.id)
    if role:
        query = query.where(User.role == role)
    return list(db.session.scalars(query))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(msg("Dieses Konto gibt es nicht."))
    return user


USER_FIELDS = {"display_name", "role", "active", "locale", "institution_ids", "school_ids"}


def update_user(user: User, *, actor: User, **fields) -> User:
    """Change an account's name, role, memberships or whether it may log in.

    Memberships are checked against the resulting role, so an editor keeps at least one
    institution and a teacher at least one school. Nobody can deactivate or demote
    themselves, so the office cannot lock itself out.
    """
    unknown = set(fields) - USER_FIELDS
    if unknown:
        raise Invalid(msg("Unbekannte Felder."), errors={name: [msg("Unbekanntes Feld.")] for name in sorted(unknown)})
    role = fields.get("role", user.role)
    if role not in ROLES:
        raise Invalid(msg("Unbekannte Rolle."), errors={"role": [f"Must be one of: {', '.join(ROLES)}."]})
    if "role" in fields and role != user.role:
        # Memberships that the new role does not use are dropped unless new ones are given.
        fields.setdefault("institution_ids", list(user.institution_ids) if role == "editor" else [])
        fields.setdefault("school_ids", list(user.school_ids) if role == "teacher" else [])
    institution_ids = fields.get("institution_ids", sorted(user.institution_ids))
    school_ids = fields.get("school_ids", sorted(user.school_ids))
    errors = _membership_errors(role, institution_ids, school_ids)
    if errors:
        raise Invalid(msg("Das Konto hat ungültige Zuordnungen."), errors=errors)
    if actor is not None and actor.id == user.id and (
            fields.get("active") is False or role != user.role):
        raise Conflict(msg("Das eigene Konto kann man nicht deaktivieren und die eigene Rolle nicht ändern."),
                       code="self_lockout")
    if "locale" in fields and fields["locale"] not in LOCALES:
        raise Invalid(msg("Unbekannte Sprache."), errors={"locale": [msg("Erlaubt sind: %(choices)s.",
                                                                        choices=", ".join(LOCALES))]})
    institutions = [_get(Institution, i, "institution_ids") for i in dict.fromkeys(institution_ids)]
    schools = [_get(School, i, "school_ids") for i in dict.fromkeys(school_ids)]
    before = {"role": user.role, "active": user.active, "institution_ids": sorted(user.institution_ids),
              "school_ids": sorted(user.school_ids), "display_name": user.display_name, "locale": user.locale}
    for name in ("display_name", "active", "locale"):
        if name in fields:
            setattr(user, name, fields[name])
    user.role = role
    user.institutions = institutions
    user.schools = schools
    db.session.flush()
    _audit_update(user, before, actor)
    log.info("user %s updated by user %s: %s", user.id, getattr(actor, "id", None), ", ".join(sorted(fields)))
    return user


def _audit_update(user: User, before: dict, actor: User | None) -> None:
    """One event per kind of change; a new role or a deactivation also ends the account's sessions."""
    if user.role != before["role"]:
        audit.record("role_changed", actor=actor, subject=user, before=before["role"], after=user.role)
    for name in ("institution_ids", "school_ids"):
        now = sorted(getattr(user, name))
        if now != before[name]:
            added, removed = sorted(set(now) - set(before[name])), sorted(set(before[name]) - set(now))
            audit.record("memberships_changed", actor=actor, subject=user, kind=name, added=added, removed=removed)
    if user.active != before["active"]:
        audit.record("account_reactivated" if user.active else "account_deactivated", actor=actor, subject=user)
    changed = [name for name in ("display_name", "locale") if getattr(user, name) != before[name]]
    if changed:
        audit.record("profile_changed", actor=actor, subject=user, fields=changed)
    if user.role != before["role"] or (before["active"] and not user.active):
        end_sessions(user)


def _get(model, ident: int, field: str):
    obj = db.session.get(model, ident)
    if obj is None:
        raise Invalid(msg("Unbekannte Zuordnung %(id)s.", id=ident), errors={field: [msg("Unbekannte id %(id)s.", id=ident)]})
    return obj


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if user is None or not user.password_hash:
        _hasher.hash("timing-equaliser")  # same work whether or not the account exists
        return None
    if not user.active or not check_password(user, password):
        return None
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not check_password(user, current):
        raise Invalid(msg("Das aktuelle Passwort ist falsch."), errors={"current_password": [msg("Falsches Passwort.")]})
    validate_password(new)
    user.password_hash = hash_password(new)
    _use_up_links(user, "password_reset")
    end_sessions(user)
    audit.record("password_changed", actor=user, subject=user)
    log.info("user %s changed their password", user.id)


def issue_api_token(user: User, name: str = "API token") -> tuple[ApiToken, str]:
    """Create a personal API token; the secret is returned once and never stored."""
    secret = "rt_" + new_secret(32)
    token = ApiToken(user_id=user.id, name=(name or "API token")[:80], token_hash=hash_secret(secret))
    db.session.add(token)
    db.session.flush()
    log.info("api token %s issued to user %s", token.id, user.id)
    return token, secret


def user_for_api_token(secret: str) -> User | None:
    token = db.session.scalar(
        db.select(ApiToken).filter_by(token_hash=hash_secret(secret), revoked_at=None)
    )
    if token is None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    return token.user


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(msg("Diesen Token gibt es nicht."))
    token.revoked_at = token.revoked_at or utcnow()
    log.info("api token %s revoked by user %s", token.id, user.id)
    return token


def list_api_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        db.select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.id)
    ))
