"""Class runs, teams and everything a team sends from its phone.

Pupil data is minimal: a team is a name chosen in class and a hashed token. Rows that
come from phones are unique per (team, client id), which is what makes replays of an
offline queue harmless even when two copies arrive at once on different workers.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rallies.db import JSONType, UTCDateTime, db, utcnow


class ClassRun(db.Model):
    __tablename__ = "class_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    rally_id: Mapped[int] = mapped_column(ForeignKey("rallies.id"), index=True)
    rally_version_id: Mapped[int] = mapped_column(ForeignKey("rally_versions.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id", ondelete="SET NULL"))
    class_label: Mapped[str] = mapped_column(String(40))
    join_code: Mapped[str] = mapped_column(String(8), unique=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    retention_days: Mapped[int]
    delete_after: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    share_uploads_with_institution: Mapped[bool] = mapped_column(default=False)
    retention_notice_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the run's pupil data is deleted (retention or the teacher); the row stays as an
    # anonymous shell with its team counts so that the programme's figures stay right.
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    team_count: Mapped[int | None]
    finished_team_count: Mapped[int | None]
    # Whether the teacher may show the closing ranking on a projector (hidden anyway when the
    # rally hides points).
    show_ranking: Mapped[bool] = mapped_column(default=True, server_default=true())
    # When the teacher last sent a message to every team: read with the team's token, so that
    # a phone's progress needs no query for messages while there are none (or none new).
    last_message_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    # Loaded only when asked for: a run's hot paths need its times, not the rally's content.
    rally = relationship("Rally", lazy="select")
    rally_version = relationship("RallyVersion", lazy="select")
    school = relationship("School", lazy="select")
    teacher = relationship("User", lazy="select")
    partnership = relationship("Partnership", lazy="select")


class RunMessage(db.Model):
    """A teacher's message to every team of a run; pupil data, deleted with the run's teams."""

    __tablename__ = "run_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_run_id: Mapped[int] = mapped_column(ForeignKey("class_runs.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Team(db.Model):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("name_scope", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_run_id: Mapped[int | None] = mapped_column(ForeignKey("class_runs.id", ondelete="CASCADE"), index=True)
    rally_id: Mapped[int] = mapped_column(ForeignKey("rallies.id"), index=True)
    rally_version_id: Mapped[int] = mapped_column(ForeignKey("rally_versions.id"))
    name: Mapped[str] = mapped_column(String(40))
    # Uniqueness scope ("run:7" or "free:3:2026-11-24") and the case-folded name.
    name_scope: Mapped[str] = mapped_column(String(40))
    name_key: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    station_order: Mapped[list | None] = mapped_column(JSONType)

    class_run = relationship(ClassRun, lazy="select")
    rally_version = relationship("RallyVersion", lazy="select")


class StationUnlock(db.Model):
    """A station a team has opened, by scan, check-in or location answer."""

    __tablename__ = "station_unlocks"
    __table_args__ = (UniqueConstraint("team_id", "station_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    station_id: Mapped[int]
    via: Mapped[str] = mapped_column(String(10))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Scan(db.Model):
    __tablename__ = "scans"
    __table_args__ = (UniqueConstraint("team_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(36))
    station_id: Mapped[int]
    payload: Mapped[str] = mapped_column(String(500))
    scanned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Checkin(db.Model):
    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("team_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(36))
    station_id: Mapped[int]
    lat: Mapped[float]
    lon: Mapped[float]
    accuracy_m: Mapped[float]
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    inside: Mapped[bool]
    distance_m: Mapped[float]
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Upload(db.Model):
    """A pupil's photo, audio or video; never served publicly, deleted with its run."""

    __tablename__ = "uploads"
    __table_args__ = (UniqueConstraint("team_id", "client_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(36))
    task_id: Mapped[int]
    storage_name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(60))
    bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Answer(db.Model):
    """One accepted attempt at a task. Rejected items are never stored."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("team_id", "client_id"),
        Index("ix_answers_team_task", "team_id", "task_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(36))
    task_id: Mapped[int]
    station_id: Mapped[int]
    value: Mapped[object] = mapped_column(JSONType, nullable=True)
    value_digest: Mapped[str] = mapped_column(String(64))
    answered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    hint_used: Mapped[bool] = mapped_column(default=False)
    attempt: Mapped[int] = mapped_column(default=1)
    correct: Mapped[bool | None]
    share: Mapped[float | None]
    points: Mapped[float | None]
    pending_review: Mapped[bool] = mapped_column(default=False)
    upload_id: Mapped[str | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    teacher_feedback: Mapped[str] = mapped_column(Text, default="")
    graded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    team = relationship(Team, lazy="select")
    upload = relationship(Upload, lazy="select")
