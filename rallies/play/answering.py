"""A batch of answers: each item validated, checked against the rules and scored on its own."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from rallies.db import db, utcnow
from rallies.errors import Invalid
from rallies.models import Answer, ClassRun, Team, Upload
from rallies.play.answer_item import ItemInvalid, check_item
from rallies.play.policy import PlayPolicy
from rallies.play.state import progress, load_state, touch
from rallies.play.team_auth import lock_team
from rallies.play.writes import is_uuid
from rallies.progress import TeamState, record_answer
from rallies.tasks import InvalidValue, get_task_type
from rallies.messages import msg

log = logging.getLogger("rallies.play")
INSERT_ANSWER = insert(Answer.__table__)  # one statement text whatever the batch size (executemany)


class Rejected(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def value_digest(task_id, value) -> str:
    """What "the same body" means for an answer: its task and its value."""
    canonical = json.dumps([task_id, value], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def submit_answers(team: Team, items: list, *, policy: PlayPolicy, now: dt.datetime | None = None,
                   _retry: bool = True) -> dict:
    """Validate, check and score each item on its own, in order; returns results and progress.

    Accepted items are inserted together at the end, in one executemany of a fixed statement
    (no ORM unit of work on this hot path). The team's row lock makes concurrent copies of a
    batch wait for each other; the unique (team, client id) constraint is the safety net, and
    should it ever fire, the whole batch is judged again from the stored state.
    """
    now = now or utcnow()
    if not isinstance(items, list) or not 1 <= len(items) <= 100:
        raise Invalid(msg("Bitte 1 bis 100 Antworten senden."), errors={"answers": [msg("Bitte 1 bis 100 Antworten senden.")]})
    lock_team(team)
    state = load_state(team)
    run_ends_at = _run_ends_at(team)
    new_rows: list[dict] = []
    results = [_submit_one(team, state, run_ends_at, item, new_rows, policy=policy, now=now) for item in items]
    try:
        if new_rows:  # no savepoint: a collision rolls the whole request back and judges again
            db.session.connection().execute(INSERT_ANSWER, new_rows)
    except IntegrityError:
        db.session.rollback()
        if not _retry:
            raise
        log.warning("answer batch of team %s collided with a concurrent copy; judging it again", team.id)
        return submit_answers(team, items, policy=policy, now=now, _retry=False)
    touch(team, now)
    return {"results": results, "progress": progress(team, now=now, state=state)}


def _run_ends_at(team: Team) -> dt.datetime | None:
    """The end of the team's class run (None for free play), as read with the token if it was."""
    if not team.class_run_id:
        return None
    ends_at = team.__dict__.pop("_run_ends_at", None)  # used once: valid for this request only
    if ends_at is not None:
        return ends_at
    return db.session.scalar(db.select(ClassRun.ends_at).where(ClassRun.id == team.class_run_id))


class NewAnswer:
    """What the rest of the batch and the result need of an answer accepted just now."""

    __slots__ = ("client_id", "task_id", "correct", "points", "hint_used", "value_digest", "pending_review")

    def __init__(self, row: dict):
        for name in self.__slots__:
            setattr(self, name, row[name])


def _stored_result(answer, state: TeamState, status: str) -> dict:
    return {"id": answer.client_id, "status": status, "error": None, "correct": answer.correct,
            "points": answer.points, "feedback": _feedback(state, answer.task_id, answer.correct),
            "pending_review": answer.pending_review}


def _rejected(client_id, code: str, message: str) -> dict:
    return {"id": client_id if isinstance(client_id, str) else None, "status": "rejected",
            "error": {"code": code, "message": message}, "correct": None, "points": None,
            "feedback": None, "pending_review": False}


def _submit_one(team: Team, state: TeamState, run_ends_at: dt.datetime | None, raw, new_rows: list,
                *, policy: PlayPolicy, now: dt.datetime) -> dict:
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    if not is_uuid(raw_id):
        return _rejected(raw_id, "invalid_id", msg("Die id muss eine UUID sein."))
    client_id = raw_id.lower()
    stored = state.answers_by_client_id.get(client_id)
    digest = value_digest(raw.get("task_id"), raw.get("value")) if "task_id" in raw and "value" in raw else None
    if stored is not None and digest is not None and stored.value_digest == digest:
        return _stored_result(stored, state, "duplicate")
    try:
        try:
            item, answered_at = check_item(raw)
        except ItemInvalid as error:
            raise Rejected("invalid_item", error.message) from None
        hint_used = bool(item.hint_used)
        if stored is not None:
            raise Rejected("id_reused", msg("Diese id wurde schon für eine andere Antwort verwendet."))
        task_state = state.tasks.get(item.task_id)
        if task_state is None:
            raise Rejected("unknown_task", msg("Diese Aufgabe gehört nicht zu eurer Rallye."))
        _check_rules(team, state, run_ends_at, task_state, answered_at, policy=policy, now=now)
        task_type = get_task_type(task_state.task["type"])
        config = task_state.task["config"]
        try:
            value = task_type.parse_value(config, item.value)
        except InvalidValue as error:
            raise Rejected("invalid_value", error.message) from None
        if task_type.upload_kind is not None:
            _check_upload_reference(team, task_state, value)
    except Rejected as rejection:
        return _rejected(client_id, rejection.code, rejection.message)
    score = task_type.score(config, value)
    points = _points(state, task_state, score, hint_used or task_state.hint_used)
    row = {
        "team_id": team.id, "client_id": client_id, "task_id": task_state.task["id"],
        "station_id": task_state.station_id, "value": value, "value_digest": digest, "answered_at": answered_at,
        "received_at": now, "hint_used": hint_used, "attempt": task_state.attempts + 1, "correct": score.correct,
        "share": score.share, "points": points, "pending_review": bool(score.pending_review),
        "upload_id": value if task_type.upload_kind is not None else None, "teacher_feedback": "",
    }
    new_rows.append(row)
    answer = NewAnswer(row)
    state.answers_by_client_id[client_id] = answer
    record_answer(state, answer.task_id, correct=answer.correct, points=answer.points, hint_used=answer.hint_used,
                  pending_review=answer.pending_review)  # as build_state folds it in when read back
    return _stored_result(answer, state, "accepted")


def _check_rules(team: Team, state: TeamState, run_ends_at: dt.datetime | None, task_state,
                 answered_at: dt.datetime, *, policy: PlayPolicy, now: dt.datetime) -> None:
    settings = state.settings
    if team.finished_at is not None:
        raise Rejected("finished", msg("Euer Spiel ist beendet."))
    if run_ends_at is not None and (now > run_ends_at + policy.grace or answered_at > run_ends_at):
        raise Rejected("window_closed", msg("Die Spielzeit der Klassenrallye ist vorbei."))
    limit = settings.get("time_limit_s")
    if limit and answered_at > team.joined_at + dt.timedelta(seconds=limit):
        raise Rejected("time_limit", msg("Das Zeitlimit der Rallye war abgelaufen."))
    if state.is_locked(task_state.station_id):
        raise Rejected("station_locked", msg("Diese Station ist noch gesperrt."))
    task_type = get_task_type(task_state.task["type"])
    if task_state.solved:
        raise Rejected("already_solved", msg("Diese Aufgabe ist schon gelöst."))
    if task_state.submitted or (task_state.attempts and task_type.single_answer(task_state.task["config"])):
        raise Rejected("already_submitted", msg("Diese Aufgabe nimmt eine Antwort, und die ist schon gegeben."))
    attempts = settings.get("attempts_per_task")
    if attempts is not None and task_state.attempts >= attempts:
        raise Rejected("attempts_exhausted", msg("Für diese Aufgabe sind keine Versuche mehr übrig."))


def _check_upload_reference(team: Team, task_state, media_id: str) -> None:
    row = db.session.get(Upload, media_id)
    if row is None or row.team_id != team.id or row.task_id != task_state.task["id"]:
        raise Rejected("invalid_value", msg("Erst die Datei zu dieser Aufgabe hochladen, dann ihre media_id senden."))


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
