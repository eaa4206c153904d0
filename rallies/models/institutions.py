"""Institutions (the cultural partners) and schools."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from rallies.db import UTCDateTime, db, utcnow

# The kinds the programme admits, with names for people.
ADMITTED_KINDS = {
    "archive": "Archive",
    "library": "Library",
    "stage": "Stage / theatre",
    "memorial_site": "Memorial site",
    "media_centre": "Media centre",
    "museum": "Museum",
    "music_school": "Music school",
    "environmental_education": "Environmental or science education",
    "sports_club": "Sports club",
    "adult_education": "Adult-education centre",
}

# Kinds that exist but are never registered, with the reason shown to people.
REFUSED_KINDS = {
    "kindergarten": "Kindergartens are not admitted: the programme serves schools' pupils.",
    "day_care": "Day-care centres are not admitted: the programme serves schools' pupils.",
}


class Institution(db.Model):
    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    municipal: Mapped[bool] = mapped_column(default=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str] = mapped_column(String(120), default="", index=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def kind_label(self) -> str:
        return ADMITTED_KINDS.get(self.kind, self.kind)


class School(db.Model):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str] = mapped_column(String(120), default="", index=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
