"""Editing rallies, stations and tasks: the operations behind the editor pages and API.

Edits change the working copy only; classes play published versions (see publishing).
"""

from __future__ import annotations

import logging

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from rallies.db import db, utcnow
from rallies.messages import msg
from rallies.errors import Conflict, Invalid, NotFound
from rallies.media_library import usable_in
from rallies.models import (
    DEFAULT_SETTINGS, LICENCES, UNLOCK_MODES, Institution, MediaAsset, Partnership, Rally, RallyChange, School, Station,
    StationMedia, Task, TaskMedia,
)
from rallies.tasks import REGISTRY, get_task_type
from rallies import short_codes
from rallies.validation import error_paths
from rallies.messages import msg

log = logging.getLogger(__name__)

LANGUAGES = ("de", "en", "fr", "tr", "ar", "uk", "pl", "es", "it", "ru")


class SettingsSchema(Schema):
    """A rally's play settings; unknown keys are refused so typos do not pass silently."""

    class Meta:
        unknown = RAISE

    station_order = fields.String(validate=validate.OneOf(("fixed", "free", "random")))
    time_limit_s = fields.Integer(allow_none=True, validate=validate.Range(60, 24 * 3600))
    attempts_per_task = fields.Integer(allow_none=True, validate=validate.Range(1, 20))
    wrong_attempt_penalty = fields.Float(validate=validate.Range(0, 1000))
    show_points = fields.Boolean()
    show_solutions = fields.Boolean()
    offline_feedback = fields.Boolean()
    # Length of a class run started with "Jetzt starten"; empty: 90 minutes.
    run_minutes = fields.Integer(allow_none=True, validate=validate.Range(10, 24 * 60))


class ConditionSchema(Schema):
    class Meta:
        unknown = RAISE

    after_station = fields.Integer()
    min_score = fields.Float(validate=validate.Range(0, 100000))

    @validates_schema
    def exactly_one(self, data, **kwargs):
        if len(data) != 1:
            raise ValidationError(msg("Entweder eine vorherige Station oder einen Mindestpunktestand angeben."))


def invalid(error: ValidationError, prefix: str = "") -> Invalid:
    return Invalid("The request has invalid fields.", errors=error_paths(error.messages, prefix))


def load_settings(data: dict | None, current: dict | None = None) -> dict:
    try:
        loaded = SettingsSchema().load(data or {})
    except ValidationError as error:
        raise invalid(error, "settings") from None
    return {**DEFAULT_SETTINGS, **(current or {}), **loaded}


# --- Rallies ---------------------------------------------------------------------------

RALLY_FIELDS = {"title", "theme", "description_md", "about", "language", "age_min", "age_max",
                "subjects", "cover_alt", "start_lat", "start_lon", "licence"}


def _check_rally(rally: Rally) -> None:
    errors = {}
    if not (rally.title or "").strip():
        errors["title"] = ["A title is required."]
    for name, longest in (("title", 200), ("theme", 200), ("cover_alt", 300)):
        if len(getattr(rally, name) or "") > longest:
            errors[name] = [f"At most {longest} characters."]
    if not (rally.about or "").strip():
        errors["about"] = ["Say who made the rally, for whom and about what."]
    if rally.language not in LANGUAGES:
        errors["language"] = [f"One of: {', '.join(LANGUAGES)}."]
    if not all(isinstance(age, int) for age in (rally.age_min, rally.age_max)):
        errors["age_min"] = ["Ages are whole numbers."]
    elif not (6 <= rally.age_min <= rally.age_max <= 99):
        errors["age_max" if rally.age_min <= 99 else "age_min"] = ["Ages from 6 to 99, minimum not above maximum."]
    if (rally.start_lat is None) != (rally.start_lon is None):
        errors["start_lat"] = ["Give both start coordinates or neither."]
    elif rally.start_lat is not None and not (-90 <= rally.start_lat <= 90 and -180 <= rally.start_lon <= 180):
        errors["start_lat"] = ["Coordinates out of range."]
    if not isinstance(rally.subjects, list) or not all(isinstance(s, str) for s in rally.subjects):
        errors["subjects"] = ["A list of subject names."]
    if rally.licence not in LICENCES:
        errors["licence"] = [f"One of: {', '.join(LICENCES)}."]
    if errors:
        raise Invalid(msg("Die Rallye hat ungültige Felder."), errors=errors)


def rallies_for(user, *, institution_id: int | None = None, school_id: int | None = None) -> list[Rally]:
    """The rallies the user may read (access.rally_permissions): authors their own and co-owned ones,
    drafts included; the office and teachers published ones."""
    from rallies.access import VIEW, rally_permissions

    query = db.select(Rally).order_by(Rally.updated_at.desc(), Rally.id.desc())
    if user.role == "editor":
        query = query.where(Rally.institution_id.in_(user.institution_ids or {-1}) | Rally.partnership_id.is_not(None))
    elif user.role == "teacher":
        query = query.where(Rally.school_id.in_(user.school_ids or {-1}) | Rally.partnership_id.is_not(None)
                            | ((Rally.visibility != "draft") & Rally.published_version_id.is_not(None)))
    else:
        query = query.where(Rally.visibility != "draft", Rally.published_version_id.is_not(None))
    if institution_id is not None:
        query = query.where(Rally.institution_id == institution_id)
    if school_id is not None:
        query = query.where(Rally.school_id == school_id)
    return [rally for rally in db.session.scalars(query) if VIEW in rally_permissions(user, rally)]


def create_rally(owner: Institution | School, *, actor, settings: dict | None = None, cover_id: int | None = None,
                 partnership: Partnership | None = None, **fields) -> Rally:
    """A new draft rally owned by an institution (its editors author) or a school (its teachers author).

    `partnership`, a registered partnership the owner belongs to, makes its other side co-owners.
    """
    owned = {"institution": owner} if isinstance(owner, Institution) else {"school": owner}
    rally = Rally(**owned, visibility="draft", subjects=[], title="", theme="",
                  description_md="", about="", language="de", age_min=10, age_max=18, cover_alt="",
                  licence="all-rights-reserved", settings=load_settings(settings),
                  created_by_id=getattr(actor, "id", None))
    _set_fields(rally, fields)
    if partnership is not None:
        set_partnership(rally, partnership, actor=actor, record=False)
    _set_cover(rally, cover_id)
    _check_rally(rally)
    db.session.add(rally)
    db.session.flush()
    record_change(rally, actor, "added", "rally", rally.id, rally.title)
    log.info("rally %s created by user %s", rally.id, getattr(actor, "id", None))
    return rally


def set_partnership(rally: Rally, partnership: Partnership | None, *, actor, record: bool = True) -> Rally:
    """Name a registered partnership of the owner as co-owner, or none.

    Only a current, registered partnership that the owning institution or school belongs to.
    """
    from rallies.partnerships import is_current

    if partnership is not None:
        institution_id = rally.institution.id if rally.institution is not None else None
        belongs = (institution_id in partnership.institution_ids if institution_id is not None
                   else rally.school is not None and rally.school.id == partnership.school_id)
        if not belongs or not is_current(partnership):
            raise Invalid(msg("Nur eine registrierte, laufende Partnerschaft der Eigentümerin kann Miteigentümerin sein."),
                          code="not_a_partnership", errors={"partnership_id": ["A registered partnership of the owner."]})
    rally.partnership = partnership
    rally.partnership_id = partnership.id if partnership is not None else None
    if record:
        touch(rally)
        record_change(rally, actor, "changed", "rally", rally.id, rally.title)
    return rally


def record_change(rally: Rally, actor, action: str, kind: str, target_id: int | None, label: str) -> None:
    """Note who changed what in the working copy; the next publish files it under its version."""
    if actor is None or rally.id is None:
        return
    author = (getattr(actor, "display_name", "") or getattr(actor, "email", "") or "")[:254]
    db.session.add(RallyChange(rally_id=rally.id, user_id=getattr(actor, "id", None), author=author, kind=kind,
                               action=action, target_id=target_id, label=(label or "")[:200]))


def update_rally(rally: Rally, *, actor, settings: dict | None = None, **fields) -> Rally:
    _set_fields(rally, fields)
    if "cover_id" in fields:
        _set_cover(rally, fields["cover_id"])
    if settings is not None:
        rally.settings = load_settings(settings, rally.settings)
    _check_rally(rally)
    touch(rally)
    record_change(rally, actor, "changed", "rally", rally.id, rally.title)
    log.info("rally %s edited by user %s", rally.id, getattr(actor, "id", None))
    return rally


def _set_fields(rally: Rally, fields: dict) -> None:
    for name, value in fields.items():
        if name in RALLY_FIELDS:
            setattr(rally, name, value.strip() if isinstance(value, str) else value)


def _set_cover(rally: Rally, cover_id: int | None) -> None:
    if cover_id is None:
        rally.cover = None
        return
    asset = db.session.get(MediaAsset, cover_id)
    if asset is None or asset.kind != "image" or not usable_in(asset, rally):
        raise Invalid(msg("Das Titelbild muss ein hochgeladenes Bild sein."), errors={"cover_id": [msg("Unbekanntes Bild.")]})
    rally.cover = asset


def set_cover(rally: Rally, media_id: int | None, alt: str = "", *, actor) -> Rally:
    """Show an uploaded image (with its alternative text) as the rally's cover, or none."""
    alt = (alt or "").strip()
    if media_id is not None and not alt:
        raise Invalid(msg("Jedes Bild braucht einen Alternativtext."), code="alt_required",
                      errors={"alt": [msg("Beschreiben Sie das Bild für Schülerinnen und Schüler, die es nicht sehen.")]})
    if len(alt) > 300:
        raise Invalid(msg("Der Alternativtext ist zu lang."), errors={"alt": [msg("Höchstens 300 Zeichen.")]})
    try:
        _set_cover(rally, media_id)
    except Invalid as error:
        raise Invalid(error.message, errors={"media_id": [msg("Unbekanntes Bild.")]}) from None
    rally.cover_alt = alt if media_id is not None else ""
    touch(rally)
    record_change(rally, actor, "changed", "rally", rally.id, rally.title)
    log.info("cover of rally %s set to %s by user %s", rally.id, media_id, getattr(actor, "id", None))
    return rally


def set_site_plan(rally: Rally, media_id: int | None, alt: str = "", *, actor) -> Rally:
    """Show an uploaded image (a floor plan, a park map) as the rally's site plan, or none.

    Stations keep their places when the plan is replaced (a new drawing of the same building);
    removing the plan forgets them.
    """
    alt = (alt or "").strip()
    if media_id is not None and not alt:
        raise Invalid(msg("Jedes Bild braucht einen Alternativtext."), code="alt_required",
                      errors={"alt": [msg("Beschreiben Sie den Plan für Menschen, die ihn nicht sehen.")]})
    if len(alt) > 300:
        raise Invalid(msg("Der Alternativtext ist zu lang."), errors={"alt": [msg("Höchstens 300 Zeichen.")]})
    if media_id is None:
        rally.site_plan = None
        for station in rally.stations:
            station.plan_x = station.plan_y = None
    else:
        asset = db.session.get(MediaAsset, media_id)
        if asset is None or asset.kind != "image" or not usable_in(asset, rally):
            raise Invalid(msg("Der Plan muss ein hochgeladenes Bild sein."),
                          errors={"media_id": [msg("Unbekanntes Bild.")]})
        rally.site_plan = asset
    rally.site_plan_alt = alt if media_id is not None else ""
    touch(rally)
    record_change(rally, actor, "changed", "rally", rally.id, rally.title)
    log.info("site plan of rally %s set to %s by user %s", rally.id, media_id, getattr(actor, "id", None))
    return rally


def touch(rally: Rally) -> None:
    """Mark the working copy as changed since the last publish."""
    rally.has_unpublished_changes = True
    rally.updated_at = utcnow()
    db.session.flush()


def delete_rally(rally: Rally, *, actor) -> None:
    """Delete a rally that no class has run; played rallies are unpublished instead."""
    from rallies.models import ClassRun, Team

    played = db.session.scalar(db.select(ClassRun.id).filter_by(rally_id=rally.id).limit(1)) or \
        db.session.scalar(db.select(Team.id).filter_by(rally_id=rally.id).limit(1))
    if played:
        raise Conflict(msg("Klassen haben diese Rallye gespielt; bitte zurückziehen statt löschen."), code="rally_in_use")
    rally.published_version_id = None
    db.session.flush()
    db.session.delete(rally)
    db.session.flush()
    log.info("rally %s deleted by user %s", rally.id, getattr(actor, "id", None))


# --- Stations --------------------------------------------------------------------------

class StationSchema(Schema):
    class Meta:
        unknown = RAISE

    title = fields.String(validate=validate.Length(1, 200))
    body_md = fields.String(validate=validate.Length(0, 20000))
    unlock_mode = fields.String(validate=validate.OneOf(UNLOCK_MODES))
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    radius_m = fields.Integer(allow_none=True, validate=validate.Range(10, 5000))
    conditions = fields.List(fields.Nested(ConditionSchema))
    # Its place on the rally's site plan (fractions of the plan's width and height), or none.
    plan_x = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(0, 1))
    plan_y = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(0, 1))


def _load_station(data: dict, partial: bool) -> dict:
    try:
        return StationSchema().load(data, partial=partial)
    except ValidationError as error:
        raise invalid(error) from None


def _check_station(station: Station, rally: Rally) -> None:
    errors = {}
    if station.unlock_mode == "location":
        for name in ("lat", "lon", "radius_m"):
            if getattr(station, name) is None:
                errors[name] = ["Required for a location station."]
    if (station.plan_x is None) != (station.plan_y is None):
        errors["plan_x" if station.plan_x is None else "plan_y"] = [
            msg("Ein Platz auf dem Plan braucht x und y.")]
    station_ids = {s.id for s in rally.stations}
    for index, condition in enumerate(station.conditions or []):
        after = condition.get("after_station")
        if after is not None and (after not in station_ids or after == station.id):
            errors[f"conditions.{index}.after_station"] = ["Another station of this rally."]
    if errors:
        raise Invalid(msg("Die Station hat ungültige Felder."), errors=errors)


def add_station(rally: Rally, *, actor, **data) -> Station:
    """Append a station; QR stations get their unguessable token at once."""
    fields_ = _load_station(data, partial=False) if "title" in data else _load_station(data, partial=True)
    if "title" not in fields_:
        raise Invalid(msg("Die Station hat ungültige Felder."), errors={"title": [msg("Pflichtfeld.")]})
    station = Station(rally=rally, position=len(rally.stations), conditions=[], unlock_mode="open")
    for name, value in fields_.items():
        setattr(station, name, value)
    db.session.add(station)
    db.session.flush()
    _after_station_change(station, rally)
    record_change(rally, actor, "added", "station", station.id, station.title)
    log.info("station %s added to rally %s by user %s", station.id, rally.id, getattr(actor, "id", None))
    return station


def update_station(station: Station, *, actor, **data) -> Station:
    for name, value in _load_station(data, partial=True).items():
        setattr(station, name, value)
    _after_station_change(station, station.rally)
    record_change(station.rally, actor, "changed", "station", station.id, station.title)
    log.info("station %s edited by user %s", station.id, getattr(actor, "id", None))
    return station


def _after_station_change(station: Station, rally: Rally) -> None:
    if station.unlock_mode == "qr" and not station.qr_token:
        short_codes.issue_qr_codes(station)
    _check_station(station, rally)
    touch(rally)


def regenerate_qr_token(station: Station, *, actor) -> Station:
    """A new token; the old printed code stops working at once."""
    if station.unlock_mode != "qr":
        raise Invalid(msg("Nur QR-Stationen haben einen Code."), code="not_a_qr_station")
    short_codes.issue_qr_codes(station)
    db.session.flush()
    log.info("qr token of station %s regenerated by user %s", station.id, getattr(actor, "id", None))
    return station


def delete_station(station: Station, *, actor) -> None:
    """Remove a station, and the conditions of other stations that waited for it."""
    rally = station.rally
    gone = station.id
    rally.stations.remove(station)
    for index, other in enumerate(rally.stations):
        other.position = index
        if any(c.get("after_station") == gone for c in other.conditions or []):
            other.conditions = [c for c in other.conditions if c.get("after_station") != gone]
    touch(rally)
    record_change(rally, actor, "removed", "station", gone, station.title)
    log.info("station %s deleted from rally %s by user %s", gone, rally.id, getattr(actor, "id", None))


def reorder_stations(rally: Rally, station_ids: list[int], *, actor) -> Rally:
    """Put stations in the given order; the list must name each station once."""
    current = {s.id: s for s in rally.stations}
    if sorted(station_ids) != sorted(current):
        raise Invalid(msg("Jede Station der Rallye genau einmal nennen."), errors={"station_ids": [msg("Keine vollständige Reihenfolge.")]})
    for index, station_id in enumerate(station_ids):
        current[station_id].position = index
    rally.stations.sort(key=lambda s: s.position)
    touch(rally)
    record_change(rally, actor, "changed", "order", rally.id, rally.title)
    return rally


# --- Tasks -----------------------------------------------------------------------------

class TaskSchema(Schema):
    class Meta:
        unknown = RAISE

    type = fields.String(validate=validate.OneOf(sorted(REGISTRY)))
    prompt_md = fields.String(validate=validate.Length(0, 10000))
    points = fields.Float(validate=validate.Range(0, 1000))
    config = fields.Dict()
    hint_text = fields.String(allow_none=True, validate=validate.Length(0, 2000))
    hint_cost = fields.Float(validate=validate.Range(0, 1000))
    time_limit_s = fields.Integer(allow_none=True, validate=validate.Range(5, 3600))
    feedback_correct = fields.String(validate=validate.Length(0, 2000))
    feedback_wrong = fields.String(validate=validate.Length(0, 2000))


def _load_task(data: dict, partial: bool) -> dict:
    try:
        return TaskSchema().load(data, partial=partial)
    except ValidationError as error:
        raise invalid(error) from None


def _apply_task(task: Task, fields_: dict) -> None:
    for name, value in fields_.items():
        if name != "config":
            setattr(task, name, value)
    task_type = get_task_type(task.type)
    raw_config = fields_.get("config", task.config if "type" not in fields_ else fields_.get("config", {}))
    try:
        task.config = task_type.load_config(raw_config or {})
    except ValidationError as error:
        raise invalid(error, "config") from None
    if not task_type.earns_points:
        task.points = 0
    if task.hint_cost and task.hint_cost > task.points and task_type.earns_points:
        raise Invalid(msg("Ein Tipp kann nicht mehr kosten, als die Aufgabe wert ist."), errors={"hint_cost": [msg("Höchstens so viel wie die Punkte.")]})


def add_task(station: Station, *, actor, **data) -> Task:
    """Add a task of any registered type; its config is validated by its type."""
    fields_ = _load_task(data, partial=True)
    if "type" not in fields_:
        raise Invalid(msg("Die Aufgabe hat ungültige Felder."), errors={"type": [msg("Pflichtfeld.")]})
    task = Task(station=station, position=len(station.tasks), type=fields_["type"], config={},
                points=fields_.get("points", 10))
    _apply_task(task, fields_)
    db.session.add(task)
    db.session.flush()
    touch(station.rally)
    record_change(station.rally, actor, "added", "task", task.id, f"{station.title}: {task.type}")
    log.info("task %s (%s) added to station %s by user %s", task.id, task.type, station.id, getattr(actor, "id", None))
    return task


def update_task(task: Task, *, actor, **data) -> Task:
    fields_ = _load_task(data, partial=True)
    _apply_task(task, fields_)
    touch(task.station.rally)
    record_change(task.station.rally, actor, "changed", "task", task.id, f"{task.station.title}: {task.type}")
    log.info("task %s edited by user %s", task.id, getattr(actor, "id", None))
    return task


def reorder_tasks(station: Station, task_ids: list[int], *, actor) -> Station:
    """Put a station's tasks in the given order; the list must name each task once."""
    current = {t.id: t for t in station.tasks}
    if sorted(task_ids) != sorted(current):
        raise Invalid(msg("Jede Aufgabe der Station genau einmal nennen."), errors={"task_ids": [msg("Keine vollständige Reihenfolge.")]})
    for index, task_id in enumerate(task_ids):
        current[task_id].position = index
    station.tasks.sort(key=lambda t: t.position)
    touch(station.rally)
    log.info("tasks of station %s reordered by user %s", station.id, getattr(actor, "id", None))
    return station


def delete_task(task: Task, *, actor) -> None:
    station = task.station
    station.tasks.remove(task)
    for index, other in enumerate(station.tasks):
        other.position = index
    touch(station.rally)
    record_change(station.rally, actor, "removed", "task", task.id, f"{station.title}: {task.type}")
    log.info("task %s deleted by user %s", task.id, getattr(actor, "id", None))


# --- Media attachments -----------------------------------------------------------------

def _media_link(asset_id: int, alt: str, rally: Rally) -> MediaAsset:
    """An asset the rally's owner may use; images only with an alternative text."""
    asset = db.session.get(MediaAsset, asset_id) if isinstance(asset_id, int) else None
    if asset is None or not usable_in(asset, rally):
        raise Invalid(msg("Unbekannte Mediendatei."), errors={"media_id": [msg("Unbekannte Mediendatei.")]})
    if asset.kind == "image" and not (alt or "").strip():
        raise Invalid(msg("Jedes Bild braucht einen Alternativtext."), code="alt_required",
                      errors={"alt": [msg("Beschreiben Sie das Bild für Schülerinnen und Schüler, die es nicht sehen.")]})
    if len((alt or "").strip()) > 300:
        raise Invalid(msg("Der Alternativtext ist zu lang."), errors={"alt": [msg("Höchstens 300 Zeichen.")]})
    return asset


def attach_station_media(station: Station, media_id: int, alt: str, *, actor) -> StationMedia:
    """Show a file on a station, after the others."""
    asset = _media_link(media_id, alt, station.rally)
    link = StationMedia(media_id=asset.id, asset=asset, alt=(alt or "").strip(), position=len(station.media))
    station.media.append(link)
    touch(station.rally)
    record_change(station.rally, actor, "changed", "station", station.id, station.title)
    return link


def attach_task_media(task: Task, media_id: int, alt: str, *, actor) -> TaskMedia:
    """Show a file with a task, after the others."""
    asset = _media_link(media_id, alt, task.station.rally)
    link = TaskMedia(media_id=asset.id, asset=asset, alt=(alt or "").strip(), position=len(task.media))
    task.media.append(link)
    touch(task.station.rally)
    record_change(task.station.rally, actor, "changed", "task", task.id, f"{task.station.title}: {task.type}")
    return link


def detach_station_media(station: Station, link_id: int, *, actor) -> None:
    link = next((m for m in station.media if m.id == link_id), None)
    if link is None:
        raise NotFound(msg("Diesen Anhang gibt es nicht."))
    station.media.remove(link)
    touch(station.rally)
    record_change(station.rally, actor, "changed", "station", station.id, station.title)


def detach_task_media(task: Task, link_id: int, *, actor) -> None:
    link = next((m for m in task.media if m.id == link_id), None)
    if link is None:
        raise NotFound(msg("Diesen Anhang gibt es nicht."))
    task.media.remove(link)
    touch(task.station.rally)
    record_change(task.station.rally, actor, "changed", "task", task.id, f"{task.station.title}: {task.type}")
