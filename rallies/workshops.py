"""The pupils' creative workshop: teams draft stations; the teacher comments, copies and publishes.

No pupil accounts: a team joins with the workshop's code and a team name, and gets a token
that reaches only its own draft. Photos and recordings are checked and cleaned of metadata
by `media/` (as pupils' uploads are) and stored privately; they become rally media only when
the teacher copies a team's stations into a rally of the school, and only the teacher
publishes. Team names never travel into a rally unless the teacher chooses to credit them.
At retention the workshop's teams, drafts and files are deleted like a class run's data.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from rallies.messages import msg
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from rallies import authoring
from rallies.access import EDIT, rally_permissions
from rallies.db import db, utcnow
from rallies.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Unauthorized
from rallies.models import Rally, School, User, Workshop, WorkshopMedia, WorkshopStation, WorkshopTask, WorkshopTeam
from rallies.play.joining import clean_team_name, is_blocked
from rallies.publishing import unique_join_code
from rallies.runs import _check_retention, _check_window, _clean_label
from rallies.tasks import get_task_type
from rallies.tokens import hash_secret, is_valid_join_code, new_secret, normalise_join_code

log = logging.getLogger(__name__)

# The simple task types pupils use; the teacher can add any other type after copying.
WORKSHOP_TASK_TYPES = ("single_choice", "text", "photo", "hotspot")
# Task types whose picture is one of the station's photos: after copying, the task's first image.
PICTURE_TASK_TYPES = frozenset({"hotspot"})
# The picture's id is kept beside the type's own config in the task's JSON (the type's schema
# never sees it); `task_config` and `task_image_id` take it apart again.
IMAGE_KEY = "image_id"
WORKSHOP_MEDIA_KINDS = {"image", "audio"}
MAX_STATIONS_PER_TEAM = 30
MAX_TASKS_PER_STATION = 10
MAX_MEDIA_PER_STATION = 6


class WorkshopMediaRefused(DomainError):
    """A file the media checks refuse: 413 `too_large` or 415 `unsupported_media`."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code)
        self.status = 413 if code == "too_large" else 415


# --- The teacher's side -----------------------------------------------------------------

def _require_teacher_of(user: User, school_id: int) -> None:
    if getattr(user, "role", None) != "teacher" or school_id not in user.school_ids:
        raise NotFound(msg("Diese Werkstatt gibt es nicht."))


def open_workshop(*, school: School, teacher: User, class_label: str, starts_at: dt.datetime, ends_at: dt.datetime,
                  topic: str = "", retention_days: int | None = None, max_retention_days: int,
                  default_retention_days: int, now: dt.datetime | None = None) -> Workshop:
    """A workshop for a class with a join code, a window and a retention period, like a class run."""
    now = now or utcnow()
    if getattr(teacher, "role", None) != "teacher" or school.id not in teacher.school_ids:
        raise Forbidden(msg("Nur Lehrkräfte der Schule öffnen ihre Werkstätten."), code="not_your_school")
    label = _clean_label(class_label)
    errors = _check_window(starts_at, ends_at, now=now)
    if errors:
        raise Invalid(msg("Der Zeitraum ist ungültig."), errors=errors)
    days = _check_retention(default_retention_days if retention_days is None else retention_days,
                            max_retention_days=max_retention_days)
    topic = " ".join((topic or "").split())
    if len(topic) > 200:
        raise Invalid(msg("Das Thema ist zu lang."), errors={"topic": [msg("Höchstens 200 Zeichen.")]})
    workshop = Workshop(school_id=school.id, teacher_id=teacher.id, class_label=label, topic=topic,
                        starts_at=starts_at.astimezone(dt.timezone.utc), ends_at=ends_at.astimezone(dt.timezone.utc),
                        retention_days=days, delete_after=ends_at + dt.timedelta(days=days), created_at=now)
    for _ in range(5):
        code = unique_join_code()
        if db.session.scalar(db.select(Workshop.id).filter_by(join_code=code)):
            continue
        workshop.join_code = code
        try:
            with db.session.begin_nested():
                db.session.add(workshop)
        except IntegrityError:
            continue
        break
    else:
        raise Conflict(msg("Es war kein freier Code zu finden; bitte noch einmal versuchen."), code="join_code_unavailable")
    log.info("workshop %s opened by user %s", workshop.id, teacher.id)
    return workshop


def workshops_for(user: User) -> list[Workshop]:
    """A teacher's schools' workshops, newest first."""
    if getattr(user, "role", None) != "teacher":
        return []
    return list(db.session.scalars(db.select(Workshop).where(Workshop.school_id.in_(user.school_ids or {-1}))
                                   .order_by(Workshop.starts_at.desc(), Workshop.id.desc())))


def visible_workshop(user: User, workshop: Workshop | None) -> Workshop:
    """Only the school's teachers see a workshop and its drafts; everyone else gets 404."""
    if workshop is None:
        raise NotFound(msg("Diese Werkstatt gibt es nicht."))
    _require_teacher_of(user, workshop.school_id)
    return workshop


def teacher_station(user: User, station_id: int) -> WorkshopStation:
    station = db.session.get(WorkshopStation, station_id)
    if station is None:
        raise NotFound(msg("Diese Station gibt es nicht."))
    visible_workshop(user, station.team.workshop)
    return station


def comment(station: WorkshopStation, text: str, *, actor: User) -> WorkshopStation:
    """The teacher's comment on a team's station, shown to that team."""
    text = (text or "").strip()
    if len(text) > 2000:
        raise Invalid(msg("Der Kommentar ist zu lang."), errors={"comment": [msg("Höchstens 2000 Zeichen.")]})
    station.teacher_comment = text
    db.session.flush()
    return station


def copy_to_rally(team: WorkshopTeam, *, actor: User, storage, station_ids: list[int] | None = None,
                  rally: Rally | None = None, title: str | None = None, credit_team: bool = False) -> Rally:
    """Copy a team's stations (all, or those named) into a rally of the workshop's school.

    Into an existing rally the teacher edits, or a new draft. Photos and recordings become
    the school's rally media. The team's name appears only with `credit_team`; only the
    teacher decides later what is published.
    """
    workshop = team.workshop
    visible_workshop(actor, workshop)
    chosen = [s for s in team.stations if station_ids is None or s.id in station_ids]
    if station_ids is not None and len(chosen) != len(set(station_ids)):
        raise Invalid(msg("Nur Stationen dieses Teams nennen."), errors={"station_ids": [msg("Unbekannte Station.")]})
    if not chosen:
        raise Invalid(msg("Das Team hat noch keine Stationen zum Kopieren."), code="nothing_to_copy")
    school = workshop.school
    if rally is None:
        about = f"Entstanden in der Kreativwerkstatt der Klasse {workshop.class_label}, {school.name}"
        if credit_team:
            about += f" (Team {team.name})"
        rally = authoring.create_rally(school, actor=actor, title=(title or workshop.topic or
                                                                   f"Kreativwerkstatt {workshop.class_label}")[:200],
                                       about=about)
    elif EDIT not in rally_permissions(actor, rally) or rally.school_id != school.id:
        raise NotFound(msg("Diese Rallye gibt es nicht."))
    for station in chosen:
        body = station.body + (f"\n\n*Team {team.name}*" if credit_team else "")
        target = authoring.add_station(rally, actor=actor, title=station.title, body_md=body)
        assets = {}
        for item in station.media:
            assets[item.id] = asset = _media_asset(item, storage=storage, school_id=school.id)
            authoring.attach_station_media(target, asset.id, item.alt or station.title, actor=actor)
        for task in station.tasks:
            copied = authoring.add_task(target, actor=actor, type=task.type, prompt_md=task.prompt, points=10,
                                        config=task_config(task))
            picture = next((m for m in station.media if m.id == task_image_id(task)), None)
            if picture is not None:  # the hotspot's picture becomes the task's first image
                authoring.attach_task_media(copied, assets[picture.id].id, picture.alt or station.title, actor=actor)
    log.info("workshop %s: %d station(s) of team %s copied into rally %s by user %s", workshop.id, len(chosen),
             team.id, rally.id, actor.id)
    return rally


def _media_asset(item: WorkshopMedia, *, storage, school_id: int):
    """The team's cleaned file as rally media of the school (stored once by content)."""
    from media.intake import ingest

    from rallies.media_library import store_media
    from rallies.runtime import media_limits

    data = storage.get(item.storage_name)
    ingested = ingest(data, allowed_kinds=WORKSHOP_MEDIA_KINDS, limits=media_limits())
    return store_media(ingested, data, storage=storage, school_id=school_id)


def close_early(workshop: Workshop, *, actor: User, now: dt.datetime | None = None) -> Workshop:
    """End the window now; the drafts stay until retention."""
    visible_workshop(actor, workshop)
    now = now or utcnow()
    if workshop.ends_at > now:
        workshop.ends_at = now
        workshop.delete_after = now + dt.timedelta(days=workshop.retention_days)
    db.session.flush()
    return workshop


# --- The teams' side --------------------------------------------------------------------

def join(code, team_name, *, blocklist: tuple[str, ...] = (), now: dt.datetime | None = None) -> tuple[WorkshopTeam, str]:
    """A new team of the workshop with this code; returns the team and its token (shown once)."""
    now = now or utcnow()
    normalised = normalise_join_code(code if isinstance(code, str) else "")
    workshop = db.session.scalar(db.select(Workshop).filter_by(join_code=normalised)) \
        if is_valid_join_code(normalised) else None
    if workshop is None or workshop.purged_at is not None:
        raise NotFound(msg("Keine Werkstatt hat diesen Code."), code="unknown_code")
    if now < workshop.starts_at:
        raise Conflict(msg("Die Werkstatt hat noch nicht begonnen."), code="workshop_not_started")
    if now > workshop.ends_at:
        raise Conflict(msg("Die Werkstatt ist vorbei."), code="workshop_ended")
    name = clean_team_name(team_name)
    if is_blocked(name, blocklist):
        raise Invalid(msg("Bitte wählt einen anderen Teamnamen."), code="team_name_refused",
                      errors={"team_name": ["This name is not allowed."]})
    if any(t.name.casefold() == name.casefold() for t in workshop.teams):
        raise Conflict(msg("Ein anderes Team hat diesen Namen."), code="team_name_taken")
    token = new_secret(32)
    team = WorkshopTeam(workshop=workshop, name=name, token_hash=hash_secret(token), joined_at=now)
    db.session.add(team)
    db.session.flush()
    return team, token


def team_for_token(header_value: str | None, *, now: dt.datetime | None = None, for_write: bool = False) -> WorkshopTeam:
    """The workshop team of a bearer token; 401 when unknown, 401 `token_expired` after the window
    (reading stays possible until the workshop's data is deleted, writing only within the window)."""
    now = now or utcnow()
    scheme, _, secret = (header_value or "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 200:
        raise Unauthorized(msg("Ein Team-Token der Werkstatt ist nötig: Authorization: Bearer <token>."))
    team = db.session.scalar(db.select(WorkshopTeam).filter_by(token_hash=hash_secret(secret)))
    if team is None:
        raise Unauthorized(msg("Dieses Werkstatt-Token ist ungültig."))
    if for_write and now > team.workshop.ends_at:
        raise Unauthorized(msg("Die Werkstatt ist vorbei; der Entwurf lässt sich nicht mehr ändern."), code="token_expired")
    return team


def team_station(team: WorkshopTeam, station_id) -> WorkshopStation:
    """One of the team's own stations; any other is not found."""
    station = db.session.get(WorkshopStation, station_id) if isinstance(station_id, int) else None
    if station is None or station.team_id != team.id:
        raise NotFound(msg("Diese Station gibt es in eurem Entwurf nicht."))
    return station


def team_task(team: WorkshopTeam, task_id) -> WorkshopTask:
    task = db.session.get(WorkshopTask, task_id) if isinstance(task_id, int) else None
    if task is None or team_station(team, task.station_id) is None:
        raise NotFound(msg("Diese Aufgabe gibt es in eurem Entwurf nicht."))
    return task


def team_media(team: WorkshopTeam, media_id: str) -> WorkshopMedia:
    try:
        key = str(uuid.UUID(str(media_id)))
    except ValueError:
        raise NotFound(msg("Diese Datei gibt es in eurem Entwurf nicht.")) from None
    item = db.session.get(WorkshopMedia, key)
    if item is None:
        raise NotFound(msg("Diese Datei gibt es in eurem Entwurf nicht."))
    team_station(team, item.station_id)
    return item


def _clean_text(value, name: str, longest: int, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid(msg("Der Entwurf hat ungültige Felder."), errors={name: [msg("Hier gehört ein Text hin.")]})
    text = value.strip()
    if required and not text:
        raise Invalid(msg("Der Entwurf hat ungültige Felder."), errors={name: [msg("Pflichtangabe.")]})
    if len(text) > longest:
        raise Invalid(msg("Der Entwurf hat ungültige Felder."), errors={name: [f"At most {longest} characters."]})
    return text


def add_station(team: WorkshopTeam, *, title, body="") -> WorkshopStation:
    if len(team.stations) >= MAX_STATIONS_PER_TEAM:
        raise Conflict(f"A team drafts at most {MAX_STATIONS_PER_TEAM} stations.", code="too_many")
    station = WorkshopStation(team=team, position=len(team.stations), title=_clean_text(title, "title", 200, required=True),
                              body=_clean_text(body, "body", 5000))
    db.session.add(station)
    db.session.flush()
    return station


def update_station(station: WorkshopStation, **fields) -> WorkshopStation:
    if "title" in fields:
        station.title = _clean_text(fields["title"], "title", 200, required=True)
    if "body" in fields:
        station.body = _clean_text(fields["body"], "body", 5000)
    station.updated_at = utcnow()
    db.session.flush()
    return station


def delete_station(station: WorkshopStation, *, storage) -> None:
    team = station.team
    for item in station.media:
        storage.delete(item.storage_name)
    team.stations.remove(station)
    for index, other in enumerate(team.stations):
        other.position = index
    db.session.flush()


def add_task(station: WorkshopStation, *, type, prompt="", config=None, image_id=None) -> WorkshopTask:  # noqa: A002
    """A simple task (single choice, text, photo, hotspot), its config checked by the task type.

    A hotspot task names one of the station's photos (`image_id`) as the picture to tap.
    """
    if type not in WORKSHOP_TASK_TYPES:
        raise Invalid(msg("In der Werkstatt gibt es nur einfache Aufgabentypen."),
                      errors={"type": [f"One of: {', '.join(WORKSHOP_TASK_TYPES)}."]})
    if len(station.tasks) >= MAX_TASKS_PER_STATION:
        raise Conflict(f"A station has at most {MAX_TASKS_PER_STATION} tasks.", code="too_many")
    raw = dict(config or {}) if isinstance(config, dict) else config
    picture = _task_picture(station, type, image_id)
    try:
        loaded = get_task_type(type).load_config(raw or {})
    except ValidationError as error:
        from rallies.validation import error_paths

        raise Invalid(msg("Die Aufgabe hat ungültige Felder."), errors=error_paths(error.messages, "config")) from None
    if picture is not None:
        loaded = {**loaded, IMAGE_KEY: picture.id}
    task = WorkshopTask(station_id=station.id, position=len(station.tasks), type=type,
                        prompt=_clean_text(prompt, "prompt", 2000, required=True), config=loaded)
    station.tasks.append(task)
    station.updated_at = utcnow()
    db.session.flush()
    return task


def _task_picture(station: WorkshopStation, type: str, image_id) -> WorkshopMedia | None:  # noqa: A002
    """The station's photo a picture task names; other types name none."""
    if type not in PICTURE_TASK_TYPES:
        if image_id is not None:
            raise Invalid(msg("Nur eine Bild-Aufgabe hat ein Bild."), errors={"image_id": [msg("Hier kein Bild angeben.")]})
        return None
    picture = next((m for m in station.media if m.id == image_id and m.kind == "image"), None)
    if picture is None:
        raise Invalid(msg("Wählt eines der Fotos dieser Station als Bild der Aufgabe."),
                      errors={"image_id": [msg("Ein Foto dieser Station.")]})
    return picture


def task_config(task: WorkshopTask) -> dict:
    """The task type's own config (without the picture's id)."""
    return {key: value for key, value in (task.config or {}).items() if key != IMAGE_KEY}


def task_image_id(task: WorkshopTask) -> str | None:
    """The id of the station's photo a picture task shows, else None."""
    return (task.config or {}).get(IMAGE_KEY) if task.type in PICTURE_TASK_TYPES else None


def delete_task(task: WorkshopTask) -> None:
    station = db.session.get(WorkshopStation, task.station_id)
    station.tasks.remove(task)
    for index, other in enumerate(station.tasks):
        other.position = index
    db.session.flush()


def add_media(station: WorkshopStation, data: bytes, *, alt: str = "", storage, limits) -> WorkshopMedia:
    """A photo or recording of the team, checked by content and stripped of metadata (EXIF, GPS)."""
    from media.errors import MediaError
    from media.intake import ingest

    if len(station.media) >= MAX_MEDIA_PER_STATION:
        raise Conflict(f"A station has at most {MAX_MEDIA_PER_STATION} files.", code="too_many")
    alt = _clean_text(alt, "alt", 300)
    try:
        ingested = ingest(data, allowed_kinds=WORKSHOP_MEDIA_KINDS, limits=limits)
    except MediaError as error:
        raise WorkshopMediaRefused(error.message, code=error.code) from error
    if ingested.kind == "image" and not alt:
        raise Invalid(msg("Jedes Bild braucht einen Alternativtext."), code="alt_required",
                      errors={"alt": ["Describe the photo for pupils who cannot see it."]})
    media_id = str(uuid.uuid4())
    storage_name = f"workshop-{media_id}.{ingested.extension}"
    storage.put(storage_name, ingested.data)
    item = WorkshopMedia(id=media_id, station_id=station.id, storage_name=storage_name, kind=ingested.kind,
                         content_type=ingested.content_type, bytes=len(ingested.data), alt=alt)
    station.media.append(item)
    db.session.flush()
    return item


def draft(team: WorkshopTeam) -> dict:
    """The team's own draft, with the teacher's comments."""
    workshop = team.workshop
    return {
        "team": {"id": team.id, "name": team.name},
        "workshop": {"class_label": workshop.class_label, "topic": workshop.topic, "ends_at": workshop.ends_at,
                     "task_types": list(WORKSHOP_TASK_TYPES)},
        "stations": [station_view(s) for s in team.stations],
    }


def station_view(station: WorkshopStation) -> dict:
    return {
        "id": station.id, "position": station.position, "title": station.title, "body": station.body,
        "teacher_comment": station.teacher_comment,
        "media": [{"id": m.id, "kind": m.kind, "content_type": m.content_type, "bytes": m.bytes, "alt": m.alt,
                   "url": f"/api/v1/workshop/media/{m.id}"} for m in station.media],
        "tasks": [task_view(t) for t in station.tasks],
    }


def task_view(task: WorkshopTask) -> dict:
    return {"id": task.id, "type": task.type, "prompt": task.prompt, "config": task_config(task),
            "image_id": task_image_id(task)}


# --- Retention --------------------------------------------------------------------------

def purge_expired(*, storage, now: dt.datetime | None = None, dry_run: bool = False) -> dict:
    """Delete teams, drafts and files of every workshop past its retention; the workshop row stays."""
    now = now or utcnow()
    expired = list(db.session.scalars(db.select(Workshop).where(Workshop.delete_after <= now,
                                                                 Workshop.purged_at.is_(None))))
    counts = {"workshops": len(expired), "teams": sum(len(w.teams) for w in expired), "files": 0}
    if dry_run:
        counts["files"] = sum(len(s.media) for w in expired for t in w.teams for s in t.stations)
        return counts
    for workshop in expired:
        purge(workshop, storage=storage, now=now, counts=counts)
    return counts


def purge(workshop: Workshop, *, storage, now: dt.datetime | None = None, counts: dict | None = None) -> None:
    """Delete a workshop's pupil data for good, files first; its join code is retired."""
    counts = counts if counts is not None else {"files": 0}
    for team in list(workshop.teams):
        for station in team.stations:
            for item in station.media:
                storage.delete(item.storage_name)
                counts["files"] = counts.get("files", 0) + 1
        db.session.delete(team)
    workshop.teams = []
    workshop.purged_at = now or utcnow()
    workshop.join_code = f"x{workshop.id}"[:8]
    db.session.flush()
    log.info("workshop %s: pupil data deleted", workshop.id)
