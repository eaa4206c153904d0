"""Accounts, passwords and personal API tokens."""

from __future__ import annotations

import logging
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from rallies.db import db, utcnow
from rallies.errors import Conflict, Invalid, NotFound
from rallies.models import ROLES, ApiToken, Institution, School, User
from rallies.tokens import hash_secret, new_secret
from rallies.messages import msg

log = logging.getLogger(__name__)
_hasher = PasswordHasher()

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10


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
            errors={"password": [f"At least {MIN_PASSWORD_LENGTH} characters."]},
        )


def create_user(*, email: str, password: str, role: str, display_name: str = "",
                institution_ids: list[int] = (), school_ids: list[int] = ()) -> User:
    """Create an account; editors need an institution and teachers a school."""
    email = normalise_email(email)
    errors = {}
    if not EMAIL_RE.match(email):
        errors["email"] = ["Not a valid e-mail address."]
    if role not in ROLES:
        errors["role"] = [f"Must be one of: {', '.join(ROLES)}."]
    errors.update(_membership_errors(role, institution_ids, school_ids))
    if errors:
        raise Invalid(msg("Das Konto hat ungültige Felder."), errors=errors)
    validate_password(password)
    if db.session.scalar(db.select(User).filter_by(email=email)):
        raise Conflict(msg("Ein Konto mit dieser E-Mail-Adresse gibt es schon."), code="email_taken")
    institutions = [_get(Institution, i, "institution_ids") for i in dict.fromkeys(institution_ids)]
    schools = [_get(School, i, "school_ids") for i in dict.fromkeys(school_ids)]
    user = User(email=email, password_hash=hash_password(password), role=role, display_name=display_name,
                institutions=institutions, schools=schools)
    db.session.add(user)
    db.session.flush()
    log.info("user %s created with role %s", user.id, role)
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
    institutions = [_get(Institution, i, "institution_ids") for i in dict.fromkeys(institution_ids)]
    schools = [_get(School, i, "school_ids") for i in dict.fromkeys(school_ids)]
    for name in ("display_name", "active", "locale"):
        if name in fields:
            setattr(user, name, fields[name])
    user.role = role
    user.institutions = institutions
    user.schools = schools
    db.session.flush()
    log.info("user %s updated by user %s: %s", user.id, getattr(actor, "id", None), ", ".join(sorted(fields)))
    return user


def _get(model, ident: int, field: str):
    obj = db.session.get(model, ident)
    if obj is None:
        raise Invalid(f"Unknown {field[:-4]} {ident}.", errors={field: [f"Unknown id {ident}."]})
    return obj


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if user is None:
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
