"""Publishing freezes a rally into a version; classes play versions, never the working copy."""

from __future__ import annotations

import copy
import logging

from rallies.checklist import checklist
from rallies.db import db, utcnow
from rallies.errors import Conflict, Forbidden, Invalid
from rallies.media_library import descriptor, get_by_name, grant
from rallies.models import COPYABLE_LICENCES, Institution, Rally, RallyChange, RallyVersion
from rallies.richtext import markdown_to_html
from rallies.tasks import get_task_type
from rallies.tokens import new_join_code
from rallies.messages import msg

log = logging.getLogger(__name__)

SNAPSHOT_FORMAT = 1


def publish_problems(rally: Rally) -> dict[str, list[str]]:
    """What stops a rally from being published, by field path."""
    problems: dict[str, list[str]] = {}
    if not rally.stations:
        problems["stations"] = ["A rally needs at least one station."]
    if not (rally.about or "").strip():
        problems["about"] = ["Say who made the rally, for whom and about what."]
    if rally.cover is not None and not (rally.cover_alt or "").strip():
        problems["cover_alt"] = ["The cover image needs an alternative text."]
    station_ids = {station.id for station in rally.stations}
    for s_index, station in enumerate(rally.stations):
        if station.unlock_mode == "location" and None in (station.lat, station.lon, station.radius_m):
            problems[f"stations.{s_index}.unlock"] = ["A location station needs a place and radius."]
        if station.unlock_mode == "qr" and not station.qr_token:
            problems[f"stations.{s_index}.unlock"] = ["A QR station needs its code."]
        for c_index, condition in enumerate(station.conditions or []):
            if "after_station" in condition and condition["after_station"] not in station_ids:
                problems[f"stations.{s_index}.conditions.{c_index}"] = ["The station it waits for is gone."]
        for link in station.media:
            if link.asset.kind == "image" and not link.alt.strip():
                problems[f"stations.{s_index}.media"] = [msg("Jedes Bild braucht einen Alternativtext.")]
        for t_index, task in enumerate(station.tasks):
            for link in task.media:
                if link.asset.kind == "image" and not link.alt.strip():
                    problems[f"stations.{s_index}.tasks.{t_index}.media"] = [msg("Jedes Bild braucht einen Alternativtext.")]
    for item in checklist(rally):
        if item.blocking and item.code in CHECKLIST_BLOCKERS:
            problems.setdefault(item.path, []).append(str(item.message))
    return problems


# Checklist items that stop publishing on top of the checks above (which name them already).
CHECKLIST_BLOCKERS = {"empty_prompt", "no_right_option", "invalid_config", "condition_cycle", "unreachable_score"}


def build_snapshot(rally: Rally) -> dict:
    """The whole rally as one JSON document, solutions included (the bundle filters them)."""
    settings = rally.effective_settings
    return {
        "format": SNAPSHOT_FORMAT,
        "rally": {
            "id": rally.id,
            "title": rally.title,
            "theme": rally.theme,
            "description_html": markdown_to_html(rally.description_md),
            "about": rally.about,
            "language": rally.language,
            "age_min": rally.age_min,
            "age_max": rally.age_max,
            "subjects": list(rally.subjects or []),
            # The owner, as the client API's "institution" object (a school's kind is "school").
            "institution": {"id": rally.owner.id, "name": rally.owner_name, "kind": rally.owner_kind},
            "licence": rally.licence,
            "attribution": copy.deepcopy(rally.attribution) if rally.attribution else None,
            "cover": descriptor(rally.cover, rally.cover_alt) if rally.cover else None,
            "site_plan": descriptor(rally.site_plan, rally.site_plan_alt) if rally.site_plan else None,
            "settings": settings,
            "start": ({"lat": rally.start_lat, "lon": rally.start_lon}
                      if rally.start_lat is not None else None),
        },
        "stations": [_station_snapshot(station) for station in rally.stations],
        # The authored source of this version, so the library copies what was published, never later drafts.
        "source": _source(rally),
    }


def _source(rally: Rally) -> dict:
    def links(items):
        return [{"media_id": link.media_id, "alt": link.alt} for link in items]

    return {
        "rally": {"description_md": rally.description_md, "cover_id": rally.cover_id,
                  "site_plan_id": rally.site_plan_id, "settings": dict(rally.settings or {})},
        "stations": [{"id": s.id, "body_md": s.body_md, "media": links(s.media),
                      "tasks": [{"id": t.id, "prompt_md": t.prompt_md, "hint_text": t.hint_text,
                                 "hint_cost": t.hint_cost, "media": links(t.media)} for t in s.tasks]}
                     for s in rally.stations],
    }


def _station_snapshot(station) -> dict:
    if station.unlock_mode == "location":
        unlock = {"mode": "location", "lat": station.lat, "lon": station.lon, "radius_m": station.radius_m}
    else:
        unlock = {"mode": station.unlock_mode}
    return {
        "id": station.id,
        "position": station.position,
        "title": station.title,
        "body_html": markdown_to_html(station.body_md),
        "media": [descriptor(link.asset, link.alt) for link in station.media],
        "unlock": unlock,
        "conditions": copy.deepcopy(station.conditions or []),
        "plan": {"x": station.plan_x, "y": station.plan_y} if station.plan_x is not None else None,
        "tasks": [_task_snapshot(task) for task in station.tasks],
    }


def _task_snapshot(task) -> dict:
    task_type = get_task_type(task.type)
    return {
        "id": task.id,
        "type": task.type,
        "prompt_html": markdown_to_html(task.prompt_md),
        "points": task.points if task_type.earns_points else 0,
        "media": [descriptor(link.asset, link.alt) for link in task.media],
        "hint": {"text": task.hint_text, "cost": task.hint_cost} if task.hint_text else None,
        "time_limit_s": task.time_limit_s,
        "feedback": {"correct": task.feedback_correct or "", "wrong": task.feedback_wrong or ""},
        "config": copy.deepcopy(task.config),
        "option_media": _option_media(task.config),
    }


def _option_media(config: dict) -> dict[str, dict]:
    """Descriptors for media named inside options, so the bundle needs no lookups."""
    found = {}
    for option in config.get("options", []) or []:
        for name in option.get("media", []) or []:
            asset = get_by_name(name)
            if asset is not None:
                found[name] = descriptor(asset, option.get("text", ""))
    return found


def publish_visibilities(rally: Rally) -> tuple[str, ...]:
    """An institution publishes for its partner schools or everyone; a school for itself or everyone.

    A co-owned school rally may also say "partners", which means the partnership's school.
    """
    if rally.institution_id is not None or rally.institution is not None:
        return ("partners", "public")
    return ("school", "partners", "public") if rally.partnership_id is not None else ("school", "public")


def publish(rally: Rally, *, actor, visibility: str) -> RallyVersion:
    """Freeze the current content as a new version that new class runs and teams will use.

    The authors' changes since the last version are filed under the new one (its change list).
    """
    allowed = publish_visibilities(rally)
    if visibility not in allowed:
        raise Invalid(msg("Für Partner oder für alle veröffentlichen.") if "school" not in allowed
                      else "Publish for the school or for everyone.",
                      errors={"visibility": [" or ".join(allowed)]})
    problems = publish_problems(rally)
    if problems:
        raise Invalid(msg("Die Rallye kann noch nicht veröffentlicht werden."), code="not_publishable", errors=problems)
    rally.version += 1
    version = RallyVersion(rally_id=rally.id, version=rally.version, snapshot=build_snapshot(rally),
                           published_by_id=getattr(actor, "id", None))
    db.session.add(version)
    db.session.flush()
    rally.published_version_id = version.id
    db.session.execute(db.update(RallyChange).where(RallyChange.rally_id == rally.id, RallyChange.version_id.is_(None))
                       .values(version_id=version.id))
    db.session.expire(rally, ["published_version"])
    rally.visibility = visibility
    rally.has_unpublished_changes = False
    rally.review_note = ""
    if visibility == "public" and not rally.free_play_code:
        rally.free_play_code = unique_join_code()
    db.session.flush()
    log.info("rally %s published as v%s (%s) by user %s", rally.id, rally.version, visibility,
             getattr(actor, "id", None))
    return version


def unpublish(rally: Rally, *, actor, reason: str = "") -> Rally:
    """Withdraw a rally: no new runs or free play; runs already started keep their version."""
    reason = reason or ""
    if rally.visibility == "draft":
        raise Conflict(msg("Die Rallye ist nicht veröffentlicht."), code="not_published")
    if getattr(actor, "role", None) == "office":
        if not reason.strip():
            raise Invalid(msg("Bitte der Redaktion sagen, warum die Rallye zurückgezogen wird."), errors={"reason": [msg("Pflichtfeld.")]})
        rally.review_note = reason.strip()
    elif getattr(actor, "role", None) not in ("editor", "teacher"):
        raise Forbidden(msg("Nur die Autorinnen und Autoren und das Programmbüro können zurückziehen."))
    rally.visibility = "draft"
    db.session.flush()
    log.info("rally %s unpublished by user %s (%s)", rally.id, getattr(actor, "id", None), reason.strip() or "no reason")
    return rally


def preview_bundle(rally: Rally) -> dict:
    """The working copy as a team's bundle would show it, before publishing."""
    from rallies.bundle import build_bundle

    return build_bundle(build_snapshot(rally), rally.version)


def versions(rally: Rally) -> list[dict]:
    """The published versions, newest first, with how many class runs play each."""
    from rallies.models import ClassRun

    runs = dict(db.session.execute(
        db.select(ClassRun.rally_version_id, db.func.count(ClassRun.id))
        .where(ClassRun.rally_id == rally.id).group_by(ClassRun.rally_version_id)).all())
    rows = db.session.scalars(
        db.select(RallyVersion).filter_by(rally_id=rally.id).order_by(RallyVersion.version.desc()))
    return [{"id": v.id, "version": v.version, "published_at": v.published_at,
             "published_by_id": v.published_by_id, "stations": len(v.snapshot.get("stations", [])),
             "current": v.id == rally.published_version_id and rally.is_published, "runs": runs.get(v.id, 0)}
            for v in rows]


def unique_join_code() -> str:
    """A join code used by no class run and no rally's free play."""
    from rallies.models import ClassRun

    for _ in range(50):
        code = new_join_code(6)
        taken = db.session.scalar(db.select(Rally.id).filter_by(free_play_code=code)) or \
            db.session.scalar(db.select(ClassRun.id).filter_by(join_code=code))
        if not taken:
            return code
    return new_join_code(8)


def latest_version(rally: Rally) -> RallyVersion | None:
    return rally.published_version


def copy_rally(rally: Rally, target, *, actor, library: bool = False) -> Rally:
    """A new draft with the same content, owned by an institution or a school of the actor.

    Station conditions are kept, pointing at the copied stations. A `library` copy takes the
    published version (never later drafts), needs a licence that allows copying, and records
    the original's owner, title, version and licence on the copy, which players are shown.
    """
    from rallies.models import Station, StationMedia, Task, TaskMedia
    from rallies import short_codes

    source = None
    if library:
        if not rally.is_published or rally.visibility != "public":
            raise Conflict(msg("Aus der Bibliothek lassen sich nur öffentliche Rallyes kopieren."), code="not_in_library")
        if rally.licence not in COPYABLE_LICENCES:
            raise Conflict(msg("Die Autorin oder der Autor behält alle Rechte an dieser Rallye: Sie kann nicht kopiert werden."),
                           code="licence_forbids_copy")
        snapshot = rally.published_version.snapshot
        source = snapshot.get("source")
        if source is None and rally.has_unpublished_changes:
            raise Conflict(msg("Diese Rallye lässt sich kopieren, sobald sie wieder veröffentlicht ist."), code="no_published_source")
    owned = {"institution": target} if isinstance(target, Institution) else {"school": target}
    title = rally.title if library else f"{rally.title} (Kopie)"
    clone = Rally(
        **owned, title=title[:200], theme=rally.theme,
        description_md=rally.description_md, about=rally.about, language=rally.language,
        age_min=rally.age_min, age_max=rally.age_max, subjects=list(rally.subjects or []),
        cover=rally.cover, cover_alt=rally.cover_alt, settings=dict(rally.settings or {}),
        site_plan=rally.site_plan, site_plan_alt=rally.site_plan_alt,
        start_lat=rally.start_lat, start_lon=rally.start_lon, visibility="draft", copied_from_id=rally.id,
        licence=rally.licence, attribution=copy.deepcopy(rally.attribution) if rally.attribution else None,
        created_by_id=getattr(actor, "id", None),
    )
    if library:
        clone.attribution = {"rally_id": rally.id, "title": rally.title, "owner": rally.owner_name,
                             "version": rally.version, "licence": rally.licence}
    stations = [_station_spec(s) for s in rally.stations]
    if source is not None:
        stations, rally_spec = _specs_from_version(rally.published_version.snapshot)
        for name, value in rally_spec.items():
            setattr(clone, name, value)
    db.session.add(clone)
    db.session.flush()
    id_map = {}
    for spec in stations:
        new_station = Station(
            rally=clone, position=spec["position"], title=spec["title"], body_md=spec["body_md"],
            unlock_mode=spec["unlock_mode"], lat=spec["lat"], lon=spec["lon"], radius_m=spec["radius_m"],
            plan_x=(spec.get("plan") or {}).get("x"), plan_y=(spec.get("plan") or {}).get("y"),
            conditions=[], qr_token=None,
        )
        if spec["unlock_mode"] == "qr":
            short_codes.issue_qr_codes(new_station)
        new_station.media = [StationMedia(media_id=m["media_id"], position=i, alt=m["alt"])
                             for i, m in enumerate(spec["media"])]
        new_station.tasks = [
            Task(position=i, type=t["type"], prompt_md=t["prompt_md"], points=t["points"],
                 config=copy.deepcopy(t["config"]), hint_text=t["hint_text"], hint_cost=t["hint_cost"],
                 time_limit_s=t["time_limit_s"], feedback_correct=t["feedback_correct"],
                 feedback_wrong=t["feedback_wrong"],
                 media=[TaskMedia(media_id=m["media_id"], position=j, alt=m["alt"]) for j, m in enumerate(t["media"])])
            for i, t in enumerate(spec["tasks"])
        ]
        db.session.add(new_station)
        db.session.flush()
        id_map[spec["id"]] = new_station
    for spec in stations:
        # Conditions name stations by id: point them at the copies (a copy must not wait for the original).
        id_map[spec["id"]].conditions = [
            {"after_station": id_map[c["after_station"]].id} if "after_station" in c else dict(c)
            for c in spec["conditions"] if "after_station" not in c or c["after_station"] in id_map
        ]
    db.session.flush()
    for asset in _assets_of(clone):
        grant(asset, clone.institution_id, clone.school_id)  # the copy's owner now has these files too
    clone.updated_at = utcnow()
    db.session.flush()
    from rallies.authoring import record_change

    record_change(clone, actor, "added", "rally", clone.id, clone.title)
    log.info("rally %s copied to %s by user %s", rally.id, clone.id, getattr(actor, "id", None))
    return clone


def _station_spec(station) -> dict:
    return {
        "id": station.id, "position": station.position, "title": station.title, "body_md": station.body_md,
        "unlock_mode": station.unlock_mode, "lat": station.lat, "lon": station.lon, "radius_m": station.radius_m,
        "plan": {"x": station.plan_x, "y": station.plan_y} if station.plan_x is not None else None,
        "conditions": copy.deepcopy(station.conditions or []),
        "media": [{"media_id": m.media_id, "alt": m.alt} for m in station.media],
        "tasks": [{"type": t.type, "prompt_md": t.prompt_md, "points": t.points, "config": t.config,
                   "hint_text": t.hint_text, "hint_cost": t.hint_cost, "time_limit_s": t.time_limit_s,
                   "feedback_correct": t.feedback_correct, "feedback_wrong": t.feedback_wrong,
                   "media": [{"media_id": m.media_id, "alt": m.alt} for m in t.media]} for t in station.tasks],
    }


def _specs_from_version(snapshot: dict) -> tuple[list[dict], dict]:
    """Station specs and rally fields as a published version froze them (see build_snapshot)."""
    from rallies.models import MediaAsset

    rally = snapshot["rally"]
    source = snapshot["source"]
    by_station = {s["id"]: s for s in source["stations"]}
    cover_id = source["rally"].get("cover_id")
    fields = {"title": rally["title"], "theme": rally["theme"], "about": rally["about"], "language": rally["language"],
              "age_min": rally["age_min"], "age_max": rally["age_max"], "subjects": list(rally["subjects"]),
              "description_md": source["rally"]["description_md"], "settings": dict(source["rally"]["settings"]),
              "cover": db.session.get(MediaAsset, cover_id) if cover_id else None,
              "cover_alt": (rally.get("cover") or {}).get("alt", ""),
              "site_plan": db.session.get(MediaAsset, source["rally"]["site_plan_id"])
              if source["rally"].get("site_plan_id") else None,
              "site_plan_alt": (rally.get("site_plan") or {}).get("alt", ""),
              "start_lat": (rally.get("start") or {}).get("lat"), "start_lon": (rally.get("start") or {}).get("lon")}
    specs = []
    for station in snapshot["stations"]:
        src = by_station.get(station["id"], {"body_md": "", "media": [], "tasks": []})
        tasks_src = {t["id"]: t for t in src["tasks"]}
        unlock = station["unlock"]
        specs.append({
            "id": station["id"], "position": station["position"], "title": station["title"], "body_md": src["body_md"],
            "unlock_mode": unlock["mode"], "lat": unlock.get("lat"), "lon": unlock.get("lon"),
            "radius_m": unlock.get("radius_m"), "conditions": copy.deepcopy(station.get("conditions") or []),
            "plan": station.get("plan"),
            "media": src["media"],
            "tasks": [{"type": t["type"], "prompt_md": tasks_src.get(t["id"], {}).get("prompt_md", ""),
                       "points": t["points"], "config": t["config"],
                       "hint_text": tasks_src.get(t["id"], {}).get("hint_text"),
                       "hint_cost": tasks_src.get(t["id"], {}).get("hint_cost", 0),
                       "time_limit_s": t.get("time_limit_s"), "feedback_correct": t["feedback"]["correct"],
                       "feedback_wrong": t["feedback"]["wrong"], "media": tasks_src.get(t["id"], {}).get("media", [])}
                      for t in station["tasks"]],
        })
    return specs, fields


def _assets_of(rally: Rally) -> list:
    """Every media asset a rally shows: cover, station and task media."""
    assets = [asset for asset in (rally.cover, rally.site_plan) if asset is not None]
    for station in rally.stations:
        assets += [link.asset for link in station.media]
        for task in station.tasks:
            assets += [link.asset for link in task.media]
    return assets
