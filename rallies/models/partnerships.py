"""Cooperation agreements between one school and one or more institutions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rallies.db import UTCDateTime, db, utcnow

STATUSES = ("draft", "submitted", "registered", "evaluation_due", "ended")


class Partnership(db.Model):
    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    starts_on: Mapped[dt.date | None]
    ends_on: Mapped[dt.date | None]
    evaluation_interval_years: Mapped[int] = mapped_column(default=3)
    open_to_all_pupils: Mapped[bool] = mapped_column(default=False)
    programme_named: Mapped[bool] = mapped_column(default=False)
    signed_by_both: Mapped[bool] = mapped_column(default=False)
    agreement_name: Mapped[str | None] = mapped_column(String(120))
    agreement_sha256: Mapped[str | None] = mapped_column(String(64))
    school_contact_name: Mapped[str] = mapped_column(String(120), default="")
    school_contact_email: Mapped[str] = mapped_column(String(254), default="")
    registered_on: Mapped[dt.date | None]
    last_evaluated_on: Mapped[dt.date | None]
    next_evaluation_on: Mapped[dt.date | None]
    renewed_on: Mapped[dt.date | None]
    notice_given_on: Mapped[dt.date | None]
    ended_on: Mapped[dt.date | None]
    end_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    school = relationship("School", lazy="joined")
    members = relationship(
        "PartnershipMember", back_populates="partnership", cascade="all, delete-orphan",
        order_by="PartnershipMember.id", lazy="selectin",
    )
    events = relationship(
        "PartnershipEvent", cascade="all, delete-orphan", order_by="PartnershipEvent.id", lazy="select",
    )

    @property
    def institution_ids(self) -> set[int]:
        return {m.institution_id for m in self.members}


class PartnershipMember(db.Model):
    """An institution's side of a partnership, with its fixed contact person."""

    __tablename__ = "partnership_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")

    partnership = relationship(Partnership, back_populates="members")
    institution = relationship("Institution", lazy="joined")


class PartnershipEvent(db.Model):
    """One lifecycle step, kept so the office can see who did what and when."""

    __tablename__ = "partnership_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
