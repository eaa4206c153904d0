"""What a team does from its phone: join, scan, check in, upload, answer, finish.

Writes from phones are idempotent on the client-generated id, scoped to the team, and
enforced by unique constraints. A team's writes are serialised by locking its row, so a
replayed offline queue arriving on two workers at once is counted exactly once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import unicodedata
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from rallies.db import db, utcnow
from rallies.errors import Conflict, DomainError, Invalid, NotFound, Unauthorized
from rallies.geo import distance_m as geodesic_m
from rallies.geo import is_inside
from rallies.models import Answer, Checkin, ClassRun, Rally, RallyVersion, Scan, StationUnlock, Team, Upload
from rallies.progress import TeamState, build_state, record_answer, time_left_s
from rallies.tasks import InvalidValue, get_task_type
from rallies import short_codes
from rallies.tokens import hash_secret, is_valid_join_code, new_secret, normalise_join_code

log = logging.getLogger(__name__)

TEAM_NAME_MAX = 40


@dataclass(frozen=True)
class PlayPolicy:
    """Operator settings that shape play."""

    grace: dt.timedelta = dt.timedelta(hours=2)
    free_play_lifetime: dt.timedelta = dt.timedelta(hours=24)
    blocklist: tuple[str, ...] = ()


# --- Joining and tokens ----------------------------------------------------------------

def clean_team_name(raw) -> str:
    """Trimmed, inner whitespace collapsed, 1 to 40 characters."""
    if not isinstance(raw, str):
        raise Invalid("A team name is required.", errors={"team_name": ["A team name is required."]})
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if not 1 <= len(name) <= TEAM_NAME_MAX:
        raise Invalid("The team name must have 1 to 40 characters.",
                      errors={"team_name": ["1 to 40 characters."]})
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise Invalid("The team name contains control characters.", errors={"team_name": ["No control characters."]})
    return name


def is_blocked(name: str, blocklist: tuple[str, ...]) -> bool:
    """A name is refused when it contains a blocked word (case-insensitive, ignoring spacing tricks)."""
    folded = name.casefold()
    squeezed = re.sub(r"[\W_]+", "", folded)
    return any(word and (word in folded or word.replace(" ", "") in squeezed) for word in blocklist)


def find_join_target(code) -> tuple[ClassRun | None, Rally | None]:
    """The class run or public rally a join code belongs to; 422 when malformed, 404 when unknown."""
    normalised = normalise_join_code(code if isinstance(code, str) else "")
    if not is_valid_join_code(normalised):
        raise Invalid("A join code has 6 to 8 letters and digits.", errors={"code": ["Not a valid join code."]})
    run = db.session.scalar(db.select(ClassRun).filter_by(join_code=normalised))
    if run is not None:
        return run, None
    rally = db.session.scalar(db.select(Rally).filter_by(free_play_code=normalised))
    if rally is None or rally.visibility != "public" or rally.published_version_id is None:
        raise NotFound("No class run or rally has this code.", code="unknown_code")
    return None, rally


def join(code: str, team_name, *, policy: PlayPolicy, now: dt.datetime | None = None,
         admit=None) -> tuple[Team, str]:
    """Join a class run or a public rally's free play as a new team; returns the team and its token.

    `admit`, when given, is called once the code is known to be valid and before anything
    is stored (the client API counts valid joins against their own rate limit there).
    """
    now = now or utcnow()
    run, rally = find_join_target(code)
    if admit is not None:
        admit()
    if run is not None and not run.starts_at <= now <= run.ends_at:
        raise Conflict("This class run is not open for joining now.", code="run_not_open",
                       starts_at=run.starts_at.isoformat(), ends_at=run.ends_at.isoformat())
    name = clean_team_name(team_name)
    if is_blocked(name, policy.blocklist):
        raise Invalid("Please choose another team name.", code="team_name_refused",
                      errors={"team_name": ["This name is not allowed."]})
    if run is not None:
        team = Team(class_run_id=run.id, rally_id=run.rally_id, rally_version_id=run.rally_version_id,
                    name_scope=f"run:{run.id}", expires_at=run.ends_at + policy.grace)
    else:
        team = Team(class_run_id=None, rally_id=rally.id, rally_version_id=rally.published_version_id,
                    name_scope=f"free:{rally.id}:{now.date().isoformat()}",
                    expires_at=now + policy.free_play_lifetime)
    secret = new_secret(32)
    team.name = name
    team.name_key = name.casefold()
    team.token_hash = hash_secret(secret)
    team.joined_at = now
    version = db.session.get(RallyVersion, team.rally_version_id)
    from rallies.bundle import station_order_for_team

    team.station_order = station_order_for_team(version.snapshot, secret)
    if db.session.scalar(db.select(Team.id).filter_by(name_scope=team.name_scope, name_key=team.name_key)):
        raise Conflict("Another team already has this name.", code="team_name_taken")
    try:
        with db.session.begin_nested():
            db.session.add(team)
    except IntegrityError:
        raise Conflict("Another team already has this name.", code="team_name_taken") from None
    log.info("team %s joined %s", team.id, team.name_scope)
    return team, secret


def joined(team: Team, token: str) -> dict:
    """The client API's answer to a join: the token, the team, its run and its rally version."""
    version = team.rally_version
    run = team.class_run
    return {
        "token": token,
        "team": {"id": team.id, "name": team.name},
        "run": None if run is None else {"id": run.id, "class_label": run.class_label,
                                         "starts_at": run.starts_at.isoformat(), "ends_at": run.ends_at.isoformat()},
        "rally": {"id": team.rally_id, "title": version.snapshot["rally"]["title"], "version": version.version,
                  "bundle_url": f"/api/v1/rallies/{team.rally_id}/bundle"},
    }


def team_for_token(header_value: str | None, *, now: dt.datetime | None = None, for_write: bool = False) -> Team:
    """The team a bearer token belongs to; 401 when missing, malformed, unknown or expired.

    With `for_write` the team's row is locked in the same query (see `lock_team`).
    """
    now = now or utcnow()
    scheme, _, secret = (header_value or "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 200:
        raise Unauthorized("A team token is required: Authorization: Bearer <token>.")
    # The run's end comes along, so that judging answers needs no query of its own.
    query = (db.select(Team, ClassRun.ends_at).outerjoin(ClassRun, Team.class_run_id == ClassRun.id)
             .where(Team.token_hash == hash_secret(secret)))
    postgres = for_write and _dialect() == "postgresql"
    if postgres:
        query = query.with_for_update(of=Team).execution_options(populate_existing=True)
    row = db.session.execute(query).first()
    if row is None:
        raise Unauthorized("This team token is not valid.")
    team = row[0]
    team._run_ends_at = row[1]
    if now > team.expires_at:
        raise Unauthorized("This team token has expired.", code="token_expired")
    if postgres:
        team._locked_in = db.session().get_transaction()
    return team


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def lock_team(team: Team) -> Team:
    """Serialise one team's writes, so that each request sees the rows the one before it stored.

    PostgreSQL: a row lock (taken once per transaction; the token lookup of a write takes it
    already). SQLite: a no-op update, which takes the database's write lock before anything is
    read (its driver runs reads outside the transaction until the first write, so two requests
    could otherwise judge a batch on the same stale state).
    """
    transaction = db.session().get_transaction()
    if transaction is not None and getattr(team, "_locked_in", None) is transaction:
        return team
    if _dialect() == "postgresql":
        db.session.execute(db.select(Team.id).where(Team.id == team.id).with_for_update())
    else:
        db.session.execute(db.update(Team).where(Team.id == team.id).values(id=Team.id))
    db.session.refresh(team)
    team._locked_in = db.session().get_transaction()
    return team


def snapshot_of(team: Team) -> dict:
    """The team's rally version, parsed once per process and version."""
    from flask import has_app_context

    def load() -> dict:
        return db.session.scalar(db.select(RallyVersion.snapshot).where(RallyVersion.id == team.rally_version_id))

    if not has_app_context():
        return load()
    from rallies.runtime import snapshot_cache

    return snapshot_cache().get_or_build(team.rally_version_id, load)


ANSWER_STATE_COLUMNS = (Answer.client_id, Answer.task_id, Answer.correct, Answer.points, Answer.hint_used,
                        Answer.value_digest, Answer.pending_review)


def load_state(team: Team) -> TeamState:
    """Replay the team's stored answers (only the columns scoring needs) over its version."""
    unlocked = set(db.session.scalars(db.select(StationUnlock.station_id).filter_by(team_id=team.id)))
    answers = db.session.execute(
        db.select(*ANSWER_STATE_COLUMNS).filter_by(team_id=team.id).order_by(Answer.id)
    ).all()
    state = build_state(snapshot_of(team), team.station_order, unlocked, answers)
    state.answers_by_client_id = {row.client_id: row for row in answers}
    return state


def progress(team: Team, *, now: dt.datetime | None = None, state: TeamState | None = None) -> dict:
    now = now or utcnow()
    state = state or load_state(team)
    return {
        "score": state.score,
        "max_score": state.max_score,
        "stations": state.station_states(),
        "finished_at": team.finished_at.isoformat() if team.finished_at else None,
        "time_left_s": time_left_s(team.joined_at, state.settings.get("time_limit_s"), now),
    }


ACTIVITY_RESOLUTION = dt.timedelta(seconds=15)


def _touch(team: Team, now: dt.datetime) -> None:
    """Note the team's last activity; the teacher's live view needs no finer than 15 s, which
    saves an UPDATE on most writes of a busy team."""
    if team.last_activity_at is None or now - team.last_activity_at >= ACTIVITY_RESOLUTION:
        team.last_activity_at = now


def _is_uuid(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _require_uuid(value) -> str:
    if not _is_uuid(value):
        raise Invalid("The id must be a UUID.", errors={"id": ["Not a valid UUID."]})
    return str(value).lower()


def _unlock(team: Team, station_id: int, via: str, now: dt.datetime) -> None:
    if db.session.scalar(db.select(StationUnlock.id).filter_by(team_id=team.id, station_id=station_id)):
        return
    try:
        with db.session.begin_nested():
            db.session.add(StationUnlock(team_id=team.id, station_id=station_id, via=via, at=now))
    except IntegrityError:
        pass  # unlocked by a concurrent request: the outcome is the same


def _station_in(snapshot: dict, station_id) -> dict | None:
    return next((s for s in snapshot["stations"] if s["id"] == station_id), None)


# --- Scans -----------------------------------------------------------------------------

def token_from_payload(payload: str) -> str:
    """The station token from a full `/q/<token>` URL or a bare token."""
    text = (payload or "").strip()
    if "/q/" in text:
        text = text.rsplit("/q/", 1)[1]
    text = re.split(r"[?#/]", text, maxsplit=1)[0]
    return text


def scan(team: Team, *, client_id, payload: str, scanned_at: dt.datetime, now: dt.datetime | None = None) -> dict:
    """Record a QR code read by the phone; the station unlocks once, however often it is sent."""
    from rallies.models import Station

    now = now or utcnow()
    client_id = _require_uuid(client_id)
    lock_team(team)
    existing = db.session.scalar(db.select(Scan).filter_by(team_id=team.id, client_id=client_id))
    snapshot = snapshot_of(team)
    if existing is not None:
        if existing.payload != payload.strip()[:500]:
            raise Conflict("This id was used for a different scan.", code="id_reused")
        station = _station_in(snapshot, existing.station_id)
        return _scan_result(team, client_id, "duplicate", station)
    token = token_from_payload(payload)
    live = db.session.scalar(db.select(Station).filter_by(qr_token=token)) if token else None
    if live is None:
        live = short_codes.station_for_short_code(team.rally_id, payload)
    station = _station_in(snapshot, live.id) if live is not None else None
    if station is None or station["unlock"]["mode"] != "qr":
        raise NotFound("This code belongs to no station of your rally.", code="unknown_code")
    try:
        with db.session.begin_nested():
            db.session.add(Scan(team_id=team.id, client_id=client_id, station_id=station["id"],
                                payload=payload.strip()[:500], scanned_at=scanned_at, received_at=now))
    except IntegrityError:
        return scan(team, client_id=client_id, payload=payload, scanned_at=scanned_at, now=now)
    _unlock(team, station["id"], "qr", now)
    _touch(team, now)
    return _scan_result(team, client_id, "accepted", station)


def _scan_result(team: Team, client_id: str, status: str, station: dict) -> dict:
    state = load_state(team)
    return {"id": client_id, "status": status, "station": {"id": station["id"], "title": station["title"]},
            "unlocked": not state.is_locked(station["id"])}


# --- Check-ins -------------------------------------------------------------------------

def checkin(team: Team, *, client_id, station_id: int, lat: float, lon: float, accuracy_m: float,
            at: dt.datetime, now: dt.datetime | None = None) -> dict:
    """The phone's position at a location station; inside the radius unlocks it."""
    now = now or utcnow()
    client_id = _require_uuid(client_id)
    lock_team(team)
    snapshot = snapshot_of(team)
    existing = db.session.scalar(db.select(Checkin).filter_by(team_id=team.id, client_id=client_id))
    if existing is not None:
        if (existing.station_id, existing.lat, existing.lon) != (station_id, lat, lon):
            raise Conflict("This id was used for a different check-in.", code="id_reused")
        return _checkin_result(team, client_id, "duplicate", existing)
    station = _station_in(snapshot, station_id)
    if station is None:
        raise NotFound("No such station in your rally.")
    if station["unlock"]["mode"] != "location":
        raise Invalid("This station is not unlocked by location.", code="not_a_location_station")
    unlock = station["unlock"]
    distance = geodesic_m(lat, lon, unlock["lat"], unlock["lon"])
    inside = is_inside(distance, accuracy_m, unlock["radius_m"])
    row = Checkin(team_id=team.id, client_id=client_id, station_id=station_id, lat=lat, lon=lon,
                  accuracy_m=accuracy_m, at=at, inside=inside, distance_m=round(distance, 1), received_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return checkin(team, client_id=client_id, station_id=station_id, lat=lat, lon=lon,
                       accuracy_m=accuracy_m, at=at, now=now)
    if inside:
        _unlock(team, station_id, "location", now)
    _touch(team, now)
    return _checkin_result(team, client_id, "accepted", row)


def _checkin_result(team: Team, client_id: str, status: str, row: Checkin) -> dict:
    state = load_state(team)
    return {"id": client_id, "status": status, "inside": row.inside, "distance_m": row.distance_m,
            "unlocked": not state.is_locked(row.station_id)}


# --- Uploads ---------------------------------------------------------------------------

UPLOAD_KINDS = {"image": "photo", "audio": "audio", "video": "video"}


class UploadRefused(DomainError):
    """A file the media checks refuse: 413 `too_large` or 415 `unsupported_media`."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code)
        self.status = 413 if code == "too_large" else 415


def upload(team: Team, *, client_id, task_id, data: bytes, storage, limits,
           now: dt.datetime | None = None) -> tuple[dict, bool]:
    """Store a pupil's photo/audio/video for a task; returns (result, created)."""
    from media.errors import MediaError
    from media.intake import ingest
    from media.storage import sha256_hex

    now = now or utcnow()
    client_id = _require_uuid(client_id)
    lock_team(team)
    digest = sha256_hex(data)
    existing = db.session.scalar(db.select(Upload).filter_by(team_id=team.id, client_id=client_id))
    if existing is not None:
        # An upload is the same when the task and the file the phone sent are the same.
        if existing.task_id != task_id or existing.sha256 != digest:
            raise Conflict("This id was used for a different upload.", code="id_reused")
        return {"id": client_id, "status": "duplicate", "media_id": existing.id}, False
    state = load_state(team)
    task_state = state.tasks.get(task_id) if isinstance(task_id, int) else None
    if task_state is None:
        raise NotFound("No such task in your rally.")
    task_type = get_task_type(task_state.task["type"])
    if task_type.upload_kind is None:
        raise Invalid("This task takes no upload.", code="wrong_task_type")
    if team.finished_at is not None:
        raise Conflict("Your game is finished.", code="finished")
    if state.is_locked(task_state.station_id):
        raise Conflict("This station is still locked.", code="station_locked")
    try:
        ingested = ingest(data, allowed_kinds={task_type.upload_kind}, limits=limits)
    except MediaError as error:
        raise UploadRefused(error.message, code=error.code) from error
    media_id = str(uuid.uuid4())
    storage_name = f"upload-{media_id}.{ingested.extension}"
    storage.put(storage_name, ingested.data)
    row = Upload(id=media_id, team_id=team.id, client_id=client_id, task_id=task_id, storage_name=storage_name,
                 kind=ingested.kind, content_type=ingested.content_type, bytes=len(ingested.data),
                 sha256=digest, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        storage.delete(storage_name)
        return upload(team, client_id=client_id, task_id=task_id, data=data, storage=storage, limits=limits, now=now)
    _touch(team, now)
    return {"id": client_id, "status": "accepted", "media_id": media_id}, True


def team_upload(team: Team, media_id: str) -> Upload:
    row = db.session.get(Upload, media_id.lower()) if _is_uuid(media_id) else None
    if row is None or row.team_id != team.id:
        raise NotFound("No such upload.")
    return row


# --- Answers ---------------------------------------------------------------------------

REQUIRED_ITEM_FIELDS = ("id", "task_id", "value", "answered_at")


class Rejected(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def value_digest(task_id, value) -> str:
    """What "the same body" means for an answer: its task and its value."""
    canonical = json.dumps([task_id, value], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_time(value) -> dt.datetime:
    """ISO 8601 with an offset; a time without one is refused."""
    if not isinstance(value, str):
        raise ValueError("not a string")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("no offset")
    return parsed.astimezone(dt.timezone.utc)


def submit_answers(team: Team, items: list, *, policy: PlayPolicy, now: dt.datetime | None = None,
                   _retry: bool = True) -> dict:
    """Validate, check and score each item on its own, in order; returns results and progress.

    Accepted items are inserted together at the end. The team's row lock makes concurrent
    copies of a batch wait for each other; the unique (team, client id) constraint is the
    safety net, and should it ever fire, the whole batch is judged again from the stored state.
    """
    now = now or utcnow()
    if not isinstance(items, list) or not 1 <= len(items) <= 100:
        raise Invalid("Send 1 to 100 answers.", errors={"answers": ["Send 1 to 100 answers."]})
    lock_team(team)
    state = load_state(team)
    run_ends_at = _run_ends_at(team)
    new_answers: list[Answer] = []
    results = [_submit_one(team, state, run_ends_at, item, new_answers, policy=policy, now=now) for item in items]
    _touch(team, now)
    if new_answers:
        db.session.add_all(new_answers)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        if not _retry:
            raise
        log.warning("answer batch of team %s collided with a concurrent copy; judging it again", team.id)
        return submit_answers(team, items, policy=policy, now=now, _retry=False)
    return {"results": results, "progress": progress(team, now=now, state=state)}


def _run_ends_at(team: Team) -> dt.datetime | None:
    """The end of the team's class run (None for free play), as read with the token if it was."""
    if not team.class_run_id:
        return None
    ends_at = team.__dict__.pop("_run_ends_at", None)  # used once: valid for this request only
    if ends_at is not None:
        return ends_at
    return db.session.scalar(db.select(ClassRun.ends_at).where(ClassRun.id == team.class_run_id))


def _stored_result(answer, state: TeamState, status: str) -> dict:
    return {"id": answer.client_id, "status": status, "error": None, "correct": answer.correct,
            "points": answer.points, "feedback": _feedback(state, answer.task_id, answer.correct),
            "pending_review": answer.pending_review}


def _rejected(client_id, code: str, message: str) -> dict:
    return {"id": client_id if isinstance(client_id, str) else None, "status": "rejected",
            "error": {"code": code, "message": message}, "correct": None, "points": None,
            "feedback": None, "pending_review": False}


def _submit_one(team: Team, state: TeamState, run_ends_at: dt.datetime | None, item, new_answers: list,
                *, policy: PlayPolicy, now: dt.datetime) -> dict:
    raw_id = item.get("id") if isinstance(item, dict) else None
    if not _is_uuid(raw_id):
        return _rejected(raw_id, "invalid_id", "The id must be a UUID.")
    client_id = raw_id.lower()
    stored = state.answers_by_client_id.get(client_id)
    if stored is not None and "task_id" in item and "value" in item \
            and stored.value_digest == value_digest(item.get("task_id"), item.get("value")):
        return _stored_result(stored, state, "duplicate")
    try:
        answered_at, hint_used = _check_item(item)
        if stored is not None:
            raise Rejected("id_reused", "This id was used for a different answer.")
        task_state = state.tasks.get(item["task_id"])
        if task_state is None:
            raise Rejected("unknown_task", "This task is not part of your rally.")
        _check_rules(team, state, run_ends_at, task_state, answered_at, policy=policy, now=now)
        task_type = get_task_type(task_state.task["type"])
        config = task_state.task["config"]
        try:
            value = task_type.parse_value(config, item["value"])
        except InvalidValue as error:
            raise Rejected("invalid_value", error.message) from None
        if task_type.upload_kind is not None:
            _check_upload_reference(team, task_state, value)
    except Rejected as rejection:
        return _rejected(client_id, rejection.code, rejection.message)
    score = task_type.score(config, value)
    points = _points(state, task_state, score, hint_used or task_state.hint_used)
    answer = Answer(
        team_id=team.id, client_id=client_id, task_id=task_state.task["id"], station_id=task_state.station_id,
        value=value, value_digest=value_digest(item["task_id"], item["value"]), answered_at=answered_at,
        received_at=now, hint_used=bool(hint_used), attempt=task_state.attempts + 1, correct=score.correct,
        share=score.share, points=points, pending_review=score.pending_review,
        upload_id=value if task_type.upload_kind is not None else None,
    )
    new_answers.append(answer)
    state.answers_by_client_id[client_id] = answer
    record_answer(state, answer.task_id, correct=answer.correct, points=answer.points, hint_used=answer.hint_used)
    return _stored_result(answer, state, "accepted")


def _check_item(item) -> tuple[dt.datetime, bool]:
    if not isinstance(item, dict):
        raise Rejected("invalid_item", "Each answer is an object.")
    missing = [name for name in REQUIRED_ITEM_FIELDS if name not in item]
    if missing:
        raise Rejected("invalid_item", f"Missing field(s): {', '.join(missing)}.")
    if not isinstance(item["task_id"], int) or isinstance(item["task_id"], bool):
        raise Rejected("invalid_item", "task_id must be an integer.")
    try:
        answered_at = parse_time(item["answered_at"])
    except (ValueError, TypeError):
        raise Rejected("invalid_item", "answered_at must be an ISO 8601 time with an offset.") from None
    hint_used = item.get("hint_used", False)
    if hint_used is None:
        hint_used = False
    if not isinstance(hint_used, bool):
        raise Rejected("invalid_item", "hint_used must be true or false.")
    location = item.get("location")
    if location is not None and not (isinstance(location, dict)
                                     and isinstance(location.get("lat"), (int, float))
                                     and isinstance(location.get("lon"), (int, float))):
        raise Rejected("invalid_item", "location must be an object with lat and lon.")
    return answered_at, hint_used


def _check_rules(team: Team, state: TeamState, run_ends_at: dt.datetime | None, task_state,
                 answered_at: dt.datetime, *, policy: PlayPolicy, now: dt.datetime) -> None:
    settings = state.settings
    if team.finished_at is not None:
        raise Rejected("finished", "Your game is finished.")
    if run_ends_at is not None and (now > run_ends_at + policy.grace or answered_at > run_ends_at):
        raise Rejected("window_closed", "The class run's play time is over.")
    limit = settings.get("time_limit_s")
    if limit and answered_at > team.joined_at + dt.timedelta(seconds=limit):
        raise Rejected("time_limit", "The rally's time limit had passed.")
    if state.is_locked(task_state.station_id):
        raise Rejected("station_locked", "This station is still locked.")
    task_type = get_task_type(task_state.task["type"])
    if task_state.solved:
        raise Rejected("already_solved", "This task is already solved.")
    if task_state.submitted or (task_state.attempts and task_type.single_answer(task_state.task["config"])):
        raise Rejected("already_submitted", "This task takes one answer, and it was given.")
    attempts = settings.get("attempts_per_task")
    if attempts is not None and task_state.attempts >= attempts:
        raise Rejected("attempts_exhausted", "No attempts are left for this task.")


def _check_upload_reference(team: Team, task_state, media_id: str) -> None:
    row = db.session.get(Upload, media_id)
    if row is None or row.team_id != team.id or row.task_id != task_state.task["id"]:
        raise Rejected("invalid_value", "Upload the file for this task first, then send its media_id.")


def _points(state: TeamState, task_state, score, hint_used: bool) -> float | None:
    """Points of this attempt: its share minus penalties for earlier wrong attempts and the hint."""
    task = task_state.task
    if score.share is None:
        return None
    if score.share <= 0:
        return 0.0
    penalty = float(state.settings.get("wrong_attempt_penalty") or 0) * task_state.wrong
    hint_cost = float(task["hint"]["cost"]) if hint_used and task.get("hint") else 0.0
    return round(max(0.0, score.share * float(task["points"]) - penalty - hint_cost), 4)


def _feedback(state: TeamState, task_id: int, correct: bool | None) -> str | None:
    if not state.settings.get("show_solutions"):
        return None
    task_state = state.tasks.get(task_id)
    if task_state is None or correct is None:
        return None
    feedback = task_state.task.get("feedback") or {}
    text = feedback.get("correct" if correct else "wrong") or ""
    return text or None


# --- Finish ----------------------------------------------------------------------------

def finish(team: Team, *, now: dt.datetime | None = None) -> dict:
    """End the team's game; finishing again answers the same time."""
    now = now or utcnow()
    lock_team(team)
    if team.finished_at is None:
        team.finished_at = now
        _touch(team, now)
        db.session.flush()
        log.info("team %s finished", team.id)
    return {"finished_at": team.finished_at.isoformat(), "progress": progress(team, now=now)}


# --- Bundle ----------------------------------------------------------------------------

def team_bundle(team: Team, rally_id: int, *, cache=None) -> tuple[bytes, str]:
    """The offline bundle of the team's own rally version, in its order, with a strong ETag."""
    from rallies.bundle import cached_bundle

    if rally_id != team.rally_id:
        raise NotFound("No such rally for your team.")

    def load() -> tuple[dict, int]:
        version = db.session.get(RallyVersion, team.rally_version_id)
        return version.snapshot, version.version

    return cached_bundle(team.rally_version_id, team.station_order, load, cache)


# --- Discovery -------------------------------------------------------------------------

DISCOVERY_PAGE_SIZE = 50
KM_PER_DEGREE = 111.32


def discover(*, near: tuple[float, float] | None = None, radius_km: float = 50.0, q: str | None = None,
             page: int = 1, page_size: int = DISCOVERY_PAGE_SIZE) -> tuple[list[dict], bool]:
    """Public, published rallies: with `near` those within `radius_km`, nearest first;
    `q` matches title, theme and institution name ignoring case. Returns (items, has_more).

    Text matching and geodesic distances are done here rather than in SQL so that they
    mean the same on SQLite (whose lower() knows only ASCII) and PostgreSQL; a bounding
    box keeps the candidates few.
    """
    import math

    from rallies.media_library import descriptor
    from rallies.models import Institution

    query = (db.select(Rally).join(Institution, Rally.institution_id == Institution.id)
             .where(Rally.visibility == "public", Rally.published_version_id.is_not(None),
                    Rally.free_play_code.is_not(None)))
    if near is not None:
        lat, lon = near
        dlat = radius_km / KM_PER_DEGREE
        query = query.where(Rally.start_lat.is_not(None), Rally.start_lon.is_not(None),
                            Rally.start_lat.between(lat - dlat, lat + dlat))
        cos_lat = math.cos(math.radians(min(abs(lat) + dlat, 90.0)))
        if cos_lat > 0.01:
            dlon = radius_km / (KM_PER_DEGREE * cos_lat)
            if dlon < 180:
                west, east = lon - dlon, lon + dlon
                if west < -180:
                    query = query.where((Rally.start_lon >= west + 360) | (Rally.start_lon <= east))
                elif east > 180:
                    query = query.where((Rally.start_lon >= west) | (Rally.start_lon <= east - 360))
                else:
                    query = query.where(Rally.start_lon.between(west, east))
    rallies = db.session.scalars(query).unique().all()
    needle = " ".join(q.split()).casefold() if q else ""
    found = []
    for rally in rallies:
        if needle and not any(needle in (text or "").casefold()
                              for text in (rally.title, rally.theme, rally.institution.name)):
            continue
        distance = None
        if near is not None:
            distance = geodesic_m(near[0], near[1], rally.start_lat, rally.start_lon)
            if distance > radius_km * 1000:
                continue
        found.append((rally, distance))
    if near is not None:
        found.sort(key=lambda pair: (pair[1], pair[0].id))
    else:
        found.sort(key=lambda pair: (pair[0].title.casefold(), pair[0].id))
    start = (page - 1) * page_size
    chosen = found[start:start + page_size]
    items = [{
        "id": rally.id,
        "title": rally.title,
        "theme": rally.theme or "",
        "language": rally.language,
        "age_min": rally.age_min,
        "age_max": rally.age_max,
        "institution": {"name": rally.institution.name, "kind": rally.institution.kind},
        "cover": descriptor(rally.cover, rally.cover_alt) if rally.cover is not None else None,
        "start": ({"lat": rally.start_lat, "lon": rally.start_lon}
                  if rally.start_lat is not None and rally.start_lon is not None else None),
        "distance_m": round(distance, 1) if distance is not None else None,
        "join_code": rally.free_play_code,
    } for rally, distance in chosen]
    return items, len(found) > start + page_size
