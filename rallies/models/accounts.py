"""People who log in: the programme office, institution editors and school teachers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rallies.db import JSONType, UTCDateTime, db, utcnow

ROLES = ("office", "editor", "teacher")

user_institutions = Table(
    "user_institutions",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), primary_key=True),
)

user_schools = Table(
    "user_schools",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True),
)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(8), default="de")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of every session's id: raising it ends all of the account's sessions at once.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    institutions = relationship("Institution", secondary=user_institutions, lazy="selectin")
    schools = relationship("School", secondary=user_schools, lazy="selectin")

    # Flask-Login asks these; kept here so the model needs no Flask import.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """`<id>:<session version>`, so a session from before the last version bump no longer loads."""
        return f"{self.id}:{self.session_version or 0}"

    @property
    def has_password(self) -> bool:
        """False while an invitation has not been accepted."""
        return bool(self.password_hash)

    @property
    def is_office(self) -> bool:
        return self.role == "office"

    @property
    def institution_ids(self) -> set[int]:
        return {i.id for i in self.institutions}

    @property
    def school_ids(self) -> set[int]:
        return {s.id for s in self.schools}


class ApiToken(db.Model):
    """A personal token for the JSON APIs; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user = relationship(User)


TOKEN_PURPOSES = ("invitation", "password_reset")


class AccountToken(db.Model):
    """A single-use link sent by mail to set a password; only its hash is stored."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user = relationship(User)


class AuditEvent(db.Model):
    """Who changed which account, role or membership, and when; e-mails kept as they were then."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    subject_email: Mapped[str] = mapped_column(String(254), default="")
    details: Mapped[dict] = mapped_column(JSONType, default=dict)
