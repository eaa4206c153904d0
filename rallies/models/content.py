"""Rally content as editors build it, and the frozen versions that classes play."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rallies.db import JSONType, UTCDateTime, db, utcnow

VISIBILITIES = ("draft", "partners", "public")
UNLOCK_MODES = ("open", "qr", "location")

DEFAULT_SETTINGS = {
    "station_order": "free",
    "time_limit_s": None,
    "attempts_per_task": None,
    "wrong_attempt_penalty": 0,
    "show_points": True,
    "show_solutions": True,
    "offline_feedback": False,
}


media_asset_institutions = Table(
    "media_asset_institutions",
    db.metadata,
    Column("media_id", ForeignKey("media_assets.id", ondelete="CASCADE"), primary_key=True),
    Column("institution_id", ForeignKey("institutions.id", ondelete="CASCADE"), primary_key=True),
)
"""Which institutions uploaded (or imported, or copied a rally with) an asset and may use it."""


class MediaAsset(db.Model):
    """A rally media file, stored once by content hash and shared by every rally using it."""

    __tablename__ = "media_assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(60))
    bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    width: Mapped[int | None]
    height: Mapped[int | None]
    duration_s: Mapped[float | None]
    # Phone-sized rendition and thumbnail of images, by their content names.
    display_name: Mapped[str | None] = mapped_column(String(80))
    display_bytes: Mapped[int | None]
    display_sha256: Mapped[str | None] = mapped_column(String(64))
    display_width: Mapped[int | None]
    display_height: Mapped[int | None]
    thumb_name: Mapped[str | None] = mapped_column(String(80))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Stored once, but usable only by the institutions that have the file themselves.
    institutions = relationship("Institution", secondary=media_asset_institutions, lazy="selectin")

    @property
    def institution_ids(self) -> set[int]:
        return {i.id for i in self.institutions}


class Rally(db.Model):
    __tablename__ = "rallies"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(200), default="")
    description_md: Mapped[str] = mapped_column(Text, default="")
    about: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="de")
    age_min: Mapped[int] = mapped_column(default=10)
    age_max: Mapped[int] = mapped_column(default=18)
    subjects: Mapped[list] = mapped_column(JSONType, default=list)
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("media_assets.id", ondelete="SET NULL"))
    cover_alt: Mapped[str] = mapped_column(String(300), default="")
    settings: Mapped[dict] = mapped_column(JSONType, default=lambda: dict(DEFAULT_SETTINGS))
    visibility: Mapped[str] = mapped_column(String(10), default="draft")
    start_lat: Mapped[float | None]
    start_lon: Mapped[float | None]
    free_play_code: Mapped[str | None] = mapped_column(String(8), unique=True)
    version: Mapped[int] = mapped_column(default=0)
    # A plain column, not a foreign key: rallies and versions would otherwise reference each other.
    published_version_id: Mapped[int | None]
    has_unpublished_changes: Mapped[bool] = mapped_column(default=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("rallies.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    institution = relationship("Institution", lazy="joined")
    cover = relationship(MediaAsset, lazy="joined")
    stations = relationship(
        "Station", back_populates="rally", cascade="all, delete-orphan",
        order_by="Station.position", lazy="selectin",
    )
    published_version = relationship(
        "RallyVersion", primaryjoin="foreign(Rally.published_version_id) == RallyVersion.id",
        viewonly=True, lazy="select",
    )

    @property
    def is_published(self) -> bool:
        return self.visibility != "draft" and self.published_version_id is not None

    @property
    def effective_settings(self) -> dict:
        return {**DEFAULT_SETTINGS, **(self.settings or {})}


class Station(db.Model):
    __tablename__ = "stations"
    __table_args__ = (UniqueConstraint("rally_id", "short_code", name="uq_stations_rally_id_short_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rally_id: Mapped[int] = mapped_column(ForeignKey("rallies.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text, default="")
    unlock_mode: Mapped[str] = mapped_column(String(10), default="open")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    radius_m: Mapped[int | None]
    qr_token: Mapped[str | None] = mapped_column(String(43), unique=True)
    # Typed instead of scanning (rallies/short_codes.py); never sent to a team.
    short_code: Mapped[str | None] = mapped_column(String(5))
    conditions: Mapped[list] = mapped_column(JSONType, default=list)

    rally = relationship(Rally, back_populates="stations")
    tasks = relationship(
        "Task", back_populates="station", cascade="all, delete-orphan",
        order_by="Task.position", lazy="selectin",
    )
    media = relationship(
        "StationMedia", cascade="all, delete-orphan", order_by="StationMedia.position", lazy="selectin",
    )


class Task(db.Model):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    type: Mapped[str] = mapped_column(String(20))
    prompt_md: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[float] = mapped_column(default=10)
    config: Mapped[dict] = mapped_column(JSONType, default=dict)
    hint_text: Mapped[str | None] = mapped_column(Text)
    hint_cost: Mapped[float] = mapped_column(default=0)
    time_limit_s: Mapped[int | None]
    feedback_correct: Mapped[str] = mapped_column(Text, default="")
    feedback_wrong: Mapped[str] = mapped_column(Text, default="")

    station = relationship(Station, back_populates="tasks")
    media = relationship(
        "TaskMedia", cascade="all, delete-orphan", order_by="TaskMedia.position", lazy="selectin",
    )


class StationMedia(db.Model):
    __tablename__ = "station_media"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_assets.id"))
    position: Mapped[int] = mapped_column(default=0)
    alt: Mapped[str] = mapped_column(String(300), default="")

    asset = relationship(MediaAsset, lazy="joined")


class TaskMedia(db.Model):
    __tablename__ = "task_media"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_assets.id"))
    position: Mapped[int] = mapped_column(default=0)
    alt: Mapped[str] = mapped_column(String(300), default="")

    asset = relationship(MediaAsset, lazy="joined")


class RallyVersion(db.Model):
    """A published rally frozen as one JSON document; runs and teams play exactly this."""

    __tablename__ = "rally_versions"
    __table_args__ = (UniqueConstraint("rally_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rally_id: Mapped[int] = mapped_column(ForeignKey("rallies.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    snapshot: Mapped[dict] = mapped_column(JSONType)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    rally = relationship(Rally, foreign_keys=[rally_id])
