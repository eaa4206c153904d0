"""Which team a bearer token belongs to, and the lock that serialises one team's writes."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from rallies.db import db, utcnow
from rallies.errors import Unauthorized
from rallies.models import ClassRun, Team
from rallies.tokens import hash_secret
from rallies.messages import msg


# Built once: the run's end comes along, so that judging answers needs no query of its own.
TOKEN = (sa.select(Team, ClassRun.ends_at, ClassRun.starts_at, ClassRun.last_message_at)
         .outerjoin(ClassRun, Team.class_run_id == ClassRun.id)
         .where(Team.token_hash == sa.bindparam("token_hash")))
TOKEN_LOCKED = TOKEN.with_for_update(of=Team).execution_options(populate_existing=True)


def team_for_token(header_value: str | None, *, now: dt.datetime | None = None, for_write: bool = False) -> Team:
    """The team a bearer token belongs to; 401 when missing, malformed, unknown or expired.

    With `for_write` the team's row is locked in the same query (see `lock_team`).
    """
    now = now or utcnow()
    scheme, _, secret = (header_value or "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 200:
        raise Unauthorized(msg("Ein Team-Token ist nötig: Authorization: Bearer <token>."))
    postgres = for_write and dialect() == "postgresql"
    row = db.session.execute(TOKEN_LOCKED if postgres else TOKEN, {"token_hash": hash_secret(secret)}).first()
    if row is None:
        raise Unauthorized(msg("Dieser Team-Token ist ungültig."))
    team = row[0]
    team._run_ends_at = row[1]
    team._run_info = (row[2], row[1], row[3])  # for progress.run and progress.messages
    if now > team.expires_at:
        raise Unauthorized(msg("Dieser Team-Token ist abgelaufen."), code="token_expired")
    if postgres:
        team._locked_in = db.session().get_transaction()
    return team


def dialect() -> str:
    """The name of the database the session talks to (`postgresql` or `sqlite`)."""
    return db.session.get_bind().dialect.name


def lock_team(team: Team) -> Team:
    """Serialise one team's writes, so that each request sees the rows the one before it stored.

    PostgreSQL: a row lock (taken once per transaction; the token lookup of a write takes it
    already). SQLite: a no-op update, which takes the database's write lock before anything is
    read (its driver runs reads outside the transaction until the first write, so two requests
    could otherwise judge a batch on the same stale state).
    """
    transaction = db.session().get_transaction()
    if transaction is not None and getattr(team, "_locked_in", None) is transaction:
        return team
    if dialect() == "postgresql":
        db.session.execute(db.select(Team.id).where(Team.id == team.id).with_for_update())
    else:
        db.session.execute(db.update(Team).where(Team.id == team.id).values(id=Team.id))
    db.session.refresh(team)
    team._locked_in = db.session().get_transaction()
    return team
