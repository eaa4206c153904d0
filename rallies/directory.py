"""Institutions and schools: who may take part in the programme."""

from __future__ import annotations

import logging

from rallies.db import db
from rallies.errors import Invalid, NotFound
from rallies.models import ADMITTED_KINDS, REFUSED_KINDS, Institution, School
from rallies.messages import msg

log = logging.getLogger(__name__)

INSTITUTION_FIELDS = {"name", "kind", "municipal", "address", "region", "lat", "lon"}
SCHOOL_FIELDS = {"name", "address", "region", "lat", "lon"}


def _check_kind(kind: str) -> None:
    if kind in REFUSED_KINDS:
        raise Invalid(REFUSED_KINDS[kind], code="kind_not_admitted", errors={"kind": [REFUSED_KINDS[kind]]})
    if kind not in ADMITTED_KINDS:
        raise Invalid(msg("Unbekannte Art %(kind)s.", kind=kind),
                      errors={"kind": [msg("Muss einer dieser Werte sein: %(choices)s.", choices=", ".join(ADMITTED_KINDS))]})


def _check_place(lat, lon) -> None:
    errors = {}
    if lat is not None and not -90 <= lat <= 90:
        errors["lat"] = ["Between -90 and 90."]
    if lon is not None and not -180 <= lon <= 180:
        errors["lon"] = ["Between -180 and 180."]
    if (lat is None) != (lon is None):
        errors.setdefault("lat" if lat is None else "lon", []).append("Give both coordinates or neither.")
    if errors:
        raise Invalid(msg("Ungültige Koordinaten."), errors=errors)


def _check_name(fields: dict, required: bool) -> None:
    if (required or "name" in fields) and not (fields.get("name") or "").strip():
        raise Invalid(msg("Ein Name ist nötig."), errors={"name": [msg("Darf nicht leer sein.")]})


def admitted_kinds() -> list[dict]:
    """The kinds of institution the programme admits, with names for people."""
    return [{"kind": kind, "label": label} for kind, label in ADMITTED_KINDS.items()]


def list_institutions(user) -> list[Institution]:
    """The office and teachers see every institution, editors only their own."""
    query = db.select(Institution).order_by(Institution.name, Institution.id)
    if user.role == "editor":
        query = query.where(Institution.id.in_(sorted(user.institution_ids)))
    elif user.role not in ("office", "teacher"):
        return []
    return list(db.session.scalars(query))


def list_schools(user) -> list[School]:
    """The office sees every school, teachers their own; editors none (see access.visible_school)."""
    query = db.select(School).order_by(School.name, School.id)
    if user.role == "teacher":
        query = query.where(School.id.in_(sorted(user.school_ids)))
    elif user.role != "office":
        return []
    return list(db.session.scalars(query))


def create_institution(*, actor, **fields) -> Institution:
    """Register an institution of an admitted kind."""
    _check_name(fields, required=True)
    _check_kind(fields.get("kind", ""))
    _check_place(fields.get("lat"), fields.get("lon"))
    institution = Institution(**{k: v for k, v in fields.items() if k in INSTITUTION_FIELDS})
    db.session.add(institution)
    db.session.flush()
    log.info("institution %s created by user %s", institution.id, getattr(actor, "id", None))
    return institution


def update_institution(institution: Institution, *, actor, **fields) -> Institution:
    _check_name(fields, required=False)
    if "kind" in fields:
        _check_kind(fields["kind"])
    _check_place(fields.get("lat", institution.lat), fields.get("lon", institution.lon))
    for name, value in fields.items():
        if name in INSTITUTION_FIELDS:
            setattr(institution, name, value)
    db.session.flush()
    log.info("institution %s edited by user %s", institution.id, getattr(actor, "id", None))
    return institution


def create_school(*, actor, **fields) -> School:
    _check_name(fields, required=True)
    _check_place(fields.get("lat"), fields.get("lon"))
    school = School(**{k: v for k, v in fields.items() if k in SCHOOL_FIELDS})
    db.session.add(school)
    db.session.flush()
    log.info("school %s created by user %s", school.id, getattr(actor, "id", None))
    return school


def update_school(school: School, *, actor, **fields) -> School:
    _check_name(fields, required=False)
    _check_place(fields.get("lat", school.lat), fields.get("lon", school.lon))
    for name, value in fields.items():
        if name in SCHOOL_FIELDS:
            setattr(school, name, value)
    db.session.flush()
    log.info("school %s edited by user %s", school.id, getattr(actor, "id", None))
    return school


def get_institution(institution_id: int) -> Institution:
    obj = db.session.get(Institution, institution_id)
    if obj is None:
        raise NotFound(msg("Diese Einrichtung gibt es nicht."))
    return obj


def get_school(school_id: int) -> School:
    obj = db.session.get(School, school_id)
    if obj is None:
        raise NotFound(msg("Diese Schule gibt es nicht."))
    return obj
