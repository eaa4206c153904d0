"""Institutions (the cultural partners) and schools."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from rallies.db import UTCDateTime, db, utcnow
from rallies.messages import msg

# The kinds the programme admits, with names for people (said in the reader's language at the edge).
ADMITTED_KINDS = {
    "archive": msg("Archiv"),
    "library": msg("Bibliothek"),
    "stage": msg("Bühne / Theater"),
    "memorial_site": msg("Gedenkstätte"),
    "media_centre": msg("Medienzentrum"),
    "museum": msg("Museum"),
    "music_school": msg("Musikschule"),
    "environmental_education": msg("Umwelt- oder Naturwissenschaftsbildung"),
    "sports_club": msg("Sportverein"),
    "adult_education": msg("Volkshochschule / Erwachsenenbildung"),
}

# Kinds that exist but are never registered, with their names and the reason shown to people.
REFUSED_KIND_NAMES = {"kindergarten": msg("Kindergarten"), "day_care": msg("Kita")}
REFUSED_KINDS = {
    "kindergarten": msg("Kindergärten sind nicht zugelassen: Das Programm ist für Schülerinnen und Schüler."),
    "day_care": msg("Kitas sind nicht zugelassen: Das Programm ist für Schülerinnen und Schüler."),
}


def kind_name(kind: str):
    """The name of an institution kind for people (a Msg), or the code itself if unknown."""
    return ADMITTED_KINDS.get(kind) or REFUSED_KIND_NAMES.get(kind) or kind


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
    def kind_label(self):
        return kind_name(self.kind)


class School(db.Model):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str] = mapped_column(String(120), default="", index=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
