"""Rallies as ZIP archives: exported with their media, imported as a new draft elsewhere.

An archive holds `rally.json` (format_version 1) and `media/<name>` for every file it
names. Stations are referred to by their index in `stations` (conditions use
`{"after_station": index}`), media by file name with their alternative text. Nothing in an
imported archive is trusted: it is read with media.safezip, every file goes through the
media checks again, and every field through the same validation as editing. An import
either creates the whole rally or nothing.

`rights` (additive, optional) carries the rally's licence, its attribution when it is a copy,
and whose it is (`source`: title, version, owner and the authoring sides). An import follows
the library's copy rule: into one's own side the licence and attribution come back as they
were; into another owner only a licence that allows copying (CC BY, CC BY-SA, CC0) lets it in,
and the copy records the original's owner, title, version and licence. Archives without
`rights` import as before, under the default licence ("all rights reserved").
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import logging
import zipfile
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from media.errors import UnsafeArchive
from media.safezip import read_zip
from rallies import authoring
from rallies.db import db
from rallies.errors import Conflict, DomainError, Invalid
from rallies.media_library import check_media, get_by_name, store_media
from rallies.models import COPYABLE_LICENCES, LICENCES, Institution, Rally, School
from rallies.validation import error_paths
from rallies.messages import msg

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
DOCUMENT = "rally.json"
MEDIA_FOLDER = "media/"
MAX_STATIONS = 200
MAX_ARCHIVE_UNPACKED = 400 * 1024 * 1024


# --- Export ----------------------------------------------------------------------------

def export_rally(rally: Rally, *, storage) -> bytes:
    """The rally's working copy and its media files as a ZIP archive."""
    files: dict[str, bytes] = {}

    def ref(asset, alt: str) -> dict:
        if asset.name not in files:
            files[asset.name] = storage.get(asset.name)
        return {"file": asset.name, "alt": alt or ""}

    index_of = {station.id: index for index, station in enumerate(rally.stations)}
    document = {
        "format_version": FORMAT_VERSION,
        "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "rights": rights_of(rally),
        "rally": {
            "title": rally.title, "theme": rally.theme, "description_md": rally.description_md,
            "about": rally.about, "language": rally.language, "age_min": rally.age_min,
            "age_max": rally.age_max, "subjects": list(rally.subjects or []),
            "start_lat": rally.start_lat, "start_lon": rally.start_lon,
            "settings": rally.effective_settings,
            "cover": ref(rally.cover, rally.cover_alt) if rally.cover is not None else None,
            "site_plan": ref(rally.site_plan, rally.site_plan_alt) if rally.site_plan is not None else None,
        },
        "stations": [
            {
                "title": station.title, "body_md": station.body_md, "unlock_mode": station.unlock_mode,
                "lat": station.lat, "lon": station.lon, "radius_m": station.radius_m,
                "plan_x": station.plan_x, "plan_y": station.plan_y,
                "conditions": [
                    {"after_station": index_of[c["after_station"]]} if "after_station" in c else dict(c)
                    for c in station.conditions or [] if c.get("after_station", station.id) in index_of
                ],
                "media": [ref(link.asset, link.alt) for link in station.media],
                "tasks": [
                    {
                        "type": task.type, "prompt_md": task.prompt_md, "points": task.points,
                        "config": copy.deepcopy(task.config), "hint_text": task.hint_text,
                        "hint_cost": task.hint_cost, "time_limit_s": task.time_limit_s,
                        "feedback_correct": task.feedback_correct, "feedback_wrong": task.feedback_wrong,
                        "media": [ref(link.asset, link.alt) for link in task.media],
                    }
                    for task in station.tasks
                ],
            }
            for station in rally.stations
        ],
    }
    for name in _option_media_names(document):
        if name not in files and get_by_name(name) is not None:
            files[name] = storage.get(name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DOCUMENT, json.dumps(document, ensure_ascii=False, indent=2))
        for name, data in sorted(files.items()):
            # Media are compressed already; storing them keeps export fast.
            archive.writestr(MEDIA_FOLDER + name, data, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def authors_of(rally: Rally) -> list[dict]:
    """The sides that author the rally: its owner and, when co-owned, the partnership's institutions and school."""
    sides = [rally.owner_ref]
    partnership = rally.partnership if rally.partnership_id is not None else None
    if partnership is not None:
        sides += [{"type": "institution", "id": m.institution.id, "name": m.institution.name}
                  for m in partnership.members]
        if partnership.school is not None:
            sides.append({"type": "school", "id": partnership.school.id, "name": partnership.school.name})
    unique = {(side["type"], side["id"]): side for side in sides if side["id"] is not None}
    return list(unique.values())


def rights_of(rally: Rally) -> dict:
    """Licence, attribution (for a copy) and whose work it is, as the archive carries them."""
    return {
        "licence": rally.licence,
        "attribution": copy.deepcopy(rally.attribution) if rally.attribution else None,
        "source": {"rally_id": rally.id, "title": rally.title, "version": rally.version,
                   "owner": rally.owner_name, "authors": authors_of(rally)},
    }


def archive_name(rally: Rally) -> str:
    """A safe download name such as `rally-12-v3.zip`."""
    return f"rally-{rally.id}-v{rally.version}.zip"


# --- The document's shape ----------------------------------------------------------------

FILE_NAME = validate.Regexp(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$", error="Not a media file name.")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class MediaRefSchema(_Strict):
    file = fields.String(required=True, validate=FILE_NAME)
    alt = fields.String(load_default="", validate=validate.Length(max=300))


class TaskDocSchema(_Strict):
    type = fields.String(required=True)
    prompt_md = fields.String(load_default="")
    points = fields.Float(load_default=10)
    config = fields.Dict(load_default=dict)
    hint_text = fields.String(load_default=None, allow_none=True)
    hint_cost = fields.Float(load_default=0)
    time_limit_s = fields.Integer(load_default=None, allow_none=True)
    feedback_correct = fields.String(load_default="")
    feedback_wrong = fields.String(load_default="")
    media = fields.List(fields.Nested(MediaRefSchema), load_default=list)


class StationDocSchema(_Strict):
    title = fields.String(required=True)
    body_md = fields.String(load_default="")
    unlock_mode = fields.String(load_default="open")
    lat = fields.Float(load_default=None, allow_none=True)
    lon = fields.Float(load_default=None, allow_none=True)
    radius_m = fields.Integer(load_default=None, allow_none=True)
    plan_x = fields.Float(load_default=None, allow_none=True)
    plan_y = fields.Float(load_default=None, allow_none=True)
    conditions = fields.List(fields.Dict(), load_default=list)
    media = fields.List(fields.Nested(MediaRefSchema), load_default=list)
    tasks = fields.List(fields.Nested(TaskDocSchema), load_default=list, validate=validate.Length(max=100))


class RallyDocSchema(_Strict):
    title = fields.String(required=True)
    theme = fields.String(load_default="")
    description_md = fields.String(load_default="")
    about = fields.String(load_default="")
    language = fields.String(load_default="de")
    age_min = fields.Integer(load_default=10)
    age_max = fields.Integer(load_default=18)
    subjects = fields.List(fields.String(), load_default=list)
    start_lat = fields.Float(load_default=None, allow_none=True)
    start_lon = fields.Float(load_default=None, allow_none=True)
    settings = fields.Dict(load_default=dict)
    cover = fields.Nested(MediaRefSchema, load_default=None, allow_none=True)
    site_plan = fields.Nested(MediaRefSchema, load_default=None, allow_none=True)


class AttributionDocSchema(_Strict):
    rally_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    title = fields.String(required=True, validate=validate.Length(1, 200))
    owner = fields.String(required=True, validate=validate.Length(1, 200))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(0, 1_000_000))
    licence = fields.String(required=True, validate=validate.OneOf(LICENCES))


class AuthorDocSchema(_Strict):
    type = fields.String(required=True, validate=validate.OneOf(["institution", "school"]))
    id = fields.Integer(required=True, strict=True)
    name = fields.String(load_default="", validate=validate.Length(max=200))


class SourceDocSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    rally_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    title = fields.String(required=True, validate=validate.Length(1, 200))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(0, 1_000_000))
    owner = fields.String(required=True, validate=validate.Length(1, 200))
    authors = fields.List(fields.Nested(AuthorDocSchema), load_default=list, validate=validate.Length(max=20))


class RightsDocSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    licence = fields.String(required=True, validate=validate.OneOf(LICENCES))
    attribution = fields.Nested(AttributionDocSchema, load_default=None, allow_none=True)
    source = fields.Nested(SourceDocSchema, load_default=None, allow_none=True)


class DocumentSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # e.g. `exported_at`, or notes a person added

    format_version = fields.Integer(required=True, strict=True)
    rights = fields.Nested(RightsDocSchema, load_default=None, allow_none=True,
                           metadata={"description": "Absent in older archives: the default licence applies."})
    rally = fields.Nested(RallyDocSchema, required=True)
    stations = fields.List(fields.Nested(StationDocSchema), required=True,
                           validate=validate.Length(max=MAX_STATIONS))


# --- Import ----------------------------------------------------------------------------

def import_rally(data: bytes, institution: Institution | School, *, actor, storage, limits) -> Rally:
    """A new draft of the institution (or school) from an archive; raises Invalid and creates nothing on any problem.

    Media are checked before anything is stored; all rows are created in one savepoint,
    so a failure halfway leaves the database as it was. Files already stored stay: they are
    content-addressed and may be shared with other rallies.
    """
    document, files = _read(data)
    licence, attribution = _rights(document.get("rights"), institution, actor)
    media = _check_files(document, files, limits)
    with db.session.begin_nested():
        rally = _create(document, media, institution, actor=actor, storage=storage)
        rally.licence, rally.attribution = licence, attribution
        db.session.flush()
    log.info("rally %s imported into %s %s by user %s", rally.id, type(institution).__name__, institution.id,
             getattr(actor, "id", None))
    return rally


def _read(data: bytes) -> tuple[dict, dict[str, bytes]]:
    try:
        files = read_zip(data or b"", max_total_uncompressed=MAX_ARCHIVE_UNPACKED)
    except UnsafeArchive as error:
        raise Invalid(f"The archive is refused: {error.message}.", code="unsafe_archive") from None
    if DOCUMENT not in files:
        raise Invalid(f"The archive has no {DOCUMENT}.", code="invalid_archive")
    try:
        raw = json.loads(files[DOCUMENT].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Invalid(f"{DOCUMENT} is not valid JSON.", code="invalid_archive") from None
    if not isinstance(raw, dict):
        raise Invalid(f"{DOCUMENT} must hold an object.", code="invalid_archive")
    version = raw.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise Invalid(f"Archives of format_version {version!r} cannot be imported; this server reads "
                      f"format_version {FORMAT_VERSION}.", code="unsupported_format")
    try:
        document = DocumentSchema().load(raw)
    except ValidationError as error:
        raise Invalid(f"{DOCUMENT} has invalid fields.", code="invalid_archive",
                      errors=error_paths(error.messages)) from None
    return document, files


def _is_own(source: dict | None, target: Institution | School, actor) -> bool:
    """The archive's rally is the importer's own: the target or the actor is one of its authoring sides."""
    if not source:
        return False
    sides = {(side["type"], side["id"]) for side in source["authors"]}
    target_side = ("institution" if isinstance(target, Institution) else "school", target.id)
    mine = {("institution", i) for i in getattr(actor, "institution_ids", None) or ()} | \
           {("school", i) for i in getattr(actor, "school_ids", None) or ()}
    return target_side in sides or bool(sides & mine)


def _rights(rights: dict | None, target: Institution | School, actor) -> tuple[str, dict | None]:
    """The licence and attribution of the imported rally, by the library's copy rule; Conflict when it forbids."""
    if rights is None:  # an older archive: the model's default licence, no attribution
        return Rally.licence.default.arg, None
    licence, attribution, source = rights["licence"], rights["attribution"], rights["source"]
    if source is None or _is_own(source, target, actor):
        return licence, attribution
    if licence not in COPYABLE_LICENCES:
        raise Conflict(msg("Die Autorin oder der Autor behält alle Rechte an dieser Rallye: "
                           "Sie lässt sich nicht in eine andere Einrichtung oder Schule importieren."),
                       code="licence_forbids_copy")
    return licence, {"rally_id": source["rally_id"], "title": source["title"], "owner": source["owner"],
                     "version": source["version"], "licence": licence}


def _media_refs(document: dict) -> list[tuple[str, str]]:
    """(field path, file name) of every media reference in the document."""
    refs = []
    cover = document["rally"]["cover"]
    if cover is not None:
        refs.append(("rally.cover", cover["file"]))
    site_plan = document["rally"].get("site_plan")
    if site_plan is not None:
        refs.append(("rally.site_plan", site_plan["file"]))
    for s_index, station in enumerate(document["stations"]):
        refs += [(f"stations.{s_index}.media.{i}", m["file"]) for i, m in enumerate(station["media"])]
        for t_index, task in enumerate(station["tasks"]):
            refs += [(f"stations.{s_index}.tasks.{t_index}.media.{i}", m["file"]) for i, m in enumerate(task["media"])]
            for o_index, option in enumerate(_options(task["config"])):
                refs += [(f"stations.{s_index}.tasks.{t_index}.config.options.{o_index}.media", name)
                         for name in option.get("media") or [] if isinstance(name, str)]
    return refs


def _options(config: dict) -> list[dict]:
    options = config.get("options") if isinstance(config, dict) else None
    return [o for o in options if isinstance(o, dict)] if isinstance(options, list) else []


def _option_media_names(document: dict) -> set[str]:
    return {name for station in document["stations"] for task in station["tasks"]
            for option in _options(task["config"]) for name in option.get("media") or []}


def _check_files(document: dict, files: dict[str, bytes], limits) -> dict[str, tuple[Any, bytes]]:
    """Every named file, checked and cleaned (not yet stored), by its name in the archive."""
    checked: dict[str, tuple[Any, bytes]] = {}
    for path, name in _media_refs(document):
        if name in checked:
            continue
        if FILE_NAME.regex.match(name) is None or MEDIA_FOLDER + name not in files:
            raise Invalid(f"The archive lacks the file {name!r}.", code="invalid_archive",
                          errors={path: [f"No file media/{name} in the archive."]})
        original = files[MEDIA_FOLDER + name]
        try:
            checked[name] = (check_media(original, limits=limits), original)
        except DomainError as error:
            raise Invalid(f"media/{name} is refused: {error.message}", code=error.code,
                          errors={path: [error.message]}) from None
    return checked


def _prefixed(error: Invalid, prefix: str) -> Invalid:
    errors = {f"{prefix}.{path}": messages for path, messages in (error.errors or {}).items()}
    return Invalid(error.message, code=error.code, errors=errors or {prefix: [error.message]})


def _create(document: dict, media: dict, institution: Institution | School, *, actor, storage) -> Rally:
    owner = ({"institution_id": institution.id} if isinstance(institution, Institution)
             else {"school_id": institution.id})
    assets = {name: store_media(ingested, original, storage=storage, **owner)
              for name, (ingested, original) in media.items()}
    names = {old: asset.name for old, asset in assets.items()}
    spec = dict(document["rally"])
    cover, site_plan, settings = spec.pop("cover"), spec.pop("site_plan", None), spec.pop("settings")
    try:
        rally = authoring.create_rally(institution, actor=actor, settings=settings, **spec)
        if cover is not None:
            authoring.set_cover(rally, assets[cover["file"]].id, cover["alt"], actor=actor)
        if site_plan is not None:
            authoring.set_site_plan(rally, assets[site_plan["file"]].id, site_plan["alt"], actor=actor)
    except Invalid as error:
        raise _prefixed(error, "rally") from None
    stations = []
    for s_index, station_doc in enumerate(document["stations"]):
        station_doc = dict(station_doc)
        media_refs, tasks, _ = station_doc.pop("media"), station_doc.pop("tasks"), station_doc.pop("conditions")
        try:
            station = authoring.add_station(rally, actor=actor, **station_doc)
            for ref in media_refs:
                authoring.attach_station_media(station, assets[ref["file"]].id, ref["alt"], actor=actor)
        except Invalid as error:
            raise _prefixed(error, f"stations.{s_index}") from None
        for t_index, task_doc in enumerate(tasks):
            task_doc = dict(task_doc)
            task_media = task_doc.pop("media")
            task_doc["config"] = _rename_option_media(task_doc["config"], names)
            try:
                task = authoring.add_task(station, actor=actor, **task_doc)
                for ref in task_media:
                    authoring.attach_task_media(task, assets[ref["file"]].id, ref["alt"], actor=actor)
            except Invalid as error:
                raise _prefixed(error, f"stations.{s_index}.tasks.{t_index}") from None
        stations.append(station)
    for s_index, station_doc in enumerate(document["stations"]):
        conditions = []
        for c_index, condition in enumerate(station_doc["conditions"]):
            after = condition.get("after_station")
            if "after_station" in condition:
                if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after < len(stations) \
                        or after == s_index:
                    raise Invalid(msg("Eine Bedingung wartet auf eine Station, die nicht im Archiv ist."),
                                  code="invalid_archive",
                                  errors={f"stations.{s_index}.conditions.{c_index}.after_station":
                                          ["The index of another station in `stations`."]})
                condition = {**condition, "after_station": stations[after].id}
            conditions.append(condition)
        if conditions:
            try:
                authoring.update_station(stations[s_index], actor=actor, conditions=conditions)
            except Invalid as error:
                raise _prefixed(error, f"stations.{s_index}") from None
    return rally


def _rename_option_media(config: dict, names: dict[str, str]) -> dict:
    """Option media named by their archive names, renamed to the names they are stored under."""
    config = copy.deepcopy(config)
    for option in _options(config):
        if isinstance(option.get("media"), list):
            option["media"] = [names.get(name, name) if isinstance(name, str) else name for name in option["media"]]
    return config
