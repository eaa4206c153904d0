"""A batch of answers: each item validated, checked against the rules and scored on its own."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

from sqlalchemy.exc import IntegrityError

from rallies.db import db, utcnow
from rallies.errors import Invalid
from rallies.models import Answer, ClassRun, Team, Upload
from rallies.play.policy import PlayPolicy
from rallies.play.state import progress, load_state, touch
from rallies.play.team_auth import lock_team
from rallies.play.writes import is_uuid
from rallies.progress import TeamState, record_answer
from rallies.tasks import InvalidValue, get_task_type
from rallies.validation import out_of_bounds, time_in_bounds

log = logging.getLogger("rallies.play")

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
    if not time_in_bounds(parsed):  # near year 1 or 9999 the conversion to UTC would overflow
        raise ValueError("out of range")
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
    touch(team, now)
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
    if not is_uuid(raw_id):
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
    unstorable = out_of_bounds(item)
    if unstorable:
        path, messages = next(iter(sorted(unstorable.items())))
        raise Rejected("invalid_item", f"{path}: {messages[0]}")
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
