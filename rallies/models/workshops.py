"""The pupils' creative workshop: a class builds rally drafts in teams, without accounts.

A workshop is like a class run: a teacher opens it for a class with a join code, a window
and a retention period. Teams are a name and a hashed token; their drafts (stations, simple
tasks, their own photos and recordings) are deleted with the workshop's pupil data at
retention. Nothing identifies a pupil.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rallies.db import JSONType, UTCDateTime, db, utcnow


class Workshop(db.Model):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    class_label: Mapped[str] = mapped_column(String(40))
    topic: Mapped[str] = mapped_column(String(200), default="")
    join_code: Mapped[str] = mapped_column(String(8), unique=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    retention_days: Mapped[int]
    delete_after: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    school = relationship("School", lazy="joined")
    teams = relationship("WorkshopTeam", back_populates="workshop", cascade="all, delete-orphan",
                         order_by="WorkshopTeam.id", lazy="selectin")


class WorkshopTeam(db.Model):
    __tablename__ = "workshop_teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    workshop = relationship(Workshop, back_populates="teams")
    stations = relationship("WorkshopStation", back_populates="team", cascade="all, delete-orphan",
                            order_by="WorkshopStation.position", lazy="selectin")


class WorkshopStation(db.Model):
    __tablename__ = "workshop_stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("workshop_teams.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    teacher_comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    team = relationship(WorkshopTeam, back_populates="stations")
    tasks = relationship("WorkshopTask", cascade="all, delete-orphan", order_by="WorkshopTask.position",
                         lazy="selectin")
    media = relationship("WorkshopMedia", cascade="all, delete-orphan", order_by="WorkshopMedia.created_at",
                         lazy="selectin")


class WorkshopTask(db.Model):
    __tablename__ = "workshop_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("workshop_stations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    type: Mapped[str] = mapped_column(String(20))
    prompt: Mapped[str] = mapped_column(Text, default="")
    config: Mapped[dict] = mapped_column(JSONType, default=dict)


class WorkshopMedia(db.Model):
    """A team's own photo or recording, cleaned of metadata; private until the teacher copies it."""

    __tablename__ = "workshop_media"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("workshop_stations.id", ondelete="CASCADE"), index=True)
    storage_name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(60))
    bytes: Mapped[int]
    alt: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
