"""Rally content as editors build it, and the frozen versions that classes play."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rallies.db import JSONType, UTCDateTime, db, utcnow

VISIBILITIES = ("draft", "partners", "school", "public")
# Who may copy a published rally from the library: the author's choice per rally (SPDX ids).
LICENCES = ("all-rights-reserved", "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0")
COPYABLE_LICENCES = frozenset({"CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0"})
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

media_asset_schools = Table(
    "media_asset_schools",
    db.metadata,
    Column("media_id", ForeignKey("media_assets.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True),
)
"""Which schools (their teachers authoring) may use an asset, as for institutions."""


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
    schools = relationship("School", secondary=media_asset_schools, lazy="selectin")

    @property
    def institution_ids(self) -> set[int]:
        return {i.id for i in self.institutions}

    @property
    def school_ids(self) -> set[int]:
        return {s.id for s in self.schools}


class Rally(db.Model):
    """A rally, owned by exactly one institution or one school (see rallies.access for who edits)."""

    __tablename__ = "rallies"
    __table_args__ = (CheckConstraint("(institution_id IS NULL) <> (school_id IS NULL)", name="one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    # A registered partnership as co-owner: its institutions' editors and its school's teachers edit too.
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id", ondelete="SET NULL"),
                                                       index=True)
    licence: Mapped[str] = mapped_column(String(24), default="all-rights-reserved", server_default="all-rights-reserved")
    # Set on a copy from the library: original owner, title, version, licence and rally id.
    attribution: Mapped[dict | None] = mapped_column(JSONType)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
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
    # A floor plan or park map on which stations are placed (CLIENT_API: site plan).
    site_plan_id: Mapped[int | None] = mapped_column(ForeignKey("media_assets.id", ondelete="SET NULL"))
    site_plan_alt: Mapped[str] = mapped_column(String(300), default="", server_default="")
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
    school = relationship("School", lazy="joined")
    partnership = relationship("Partnership", lazy="select")
    cover = relationship(MediaAsset, lazy="joined", foreign_keys=[cover_id])
    site_plan = relationship(MediaAsset, foreign_keys=[site_plan_id])
    stations = relationship(
        "Station", back_populates="rally", cascade="all, delete-orphan",
        order_by="Station.position", lazy="selectin",
    )
    published_version = relationship(
        "RallyVersion", primaryjoin="foreign(Rally.published_version_id) == RallyVersion.id",
        viewonly=True, lazy="select",
    )

    @property
    def owner(self):
        """The institution or school that owns the rally."""
        return self.institution if self.institution is not None else self.school

    @property
    def owner_name(self) -> str:
        owner = self.owner
        return owner.name if owner is not None else ""

    @property
    def owner_ref(self) -> dict:
        """{type: institution|school, id, name}, as the APIs show the owner."""
        return {"type": "institution" if self.institution is not None else "school",
                "id": self.owner.id if self.owner is not None else None, "name": self.owner_name}

    @property
    def owner_kind(self) -> str:
        """The institution's kind, or "school"."""
        return self.institution.kind if self.institution is not None else "school"

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
    # Where the station lies on the rally's site plan: fractions of its width and height.
    plan_x: Mapped[float | None]
    plan_y: Mapped[float | None]
    qr_token: Mapped[str | None] = mapped_column(String(43), unique=True)
    # The token of the last code downloaded for printing; a code is printed when it equals qr_token.
    qr_printed_token: Mapped[str | None] = mapped_column(String(43))
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


class RallyChange(db.Model):
    """One author's change to a rally's working copy; publishing files it under the new version."""

    __tablename__ = "rally_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    rally_id: Mapped[int] = mapped_column(ForeignKey("rallies.id", ondelete="CASCADE"), index=True)
    # None until a publish files the change under that version.
    version_id: Mapped[int | None] = mapped_column(ForeignKey("rally_versions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept so the list still names the author after the account is gone.
    author: Mapped[str] = mapped_column(String(254), default="")
    kind: Mapped[str] = mapped_column(String(10))  # rally, station, task, media
    action: Mapped[str] = mapped_column(String(10))  # added, changed, removed
    target_id: Mapped[int | None]
    label: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
