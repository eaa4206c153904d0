"""A team's state computed from its rally version, unlocks and answers.

One pure function decides which stations are locked, which tasks are done and what the
score is, so that answers, progress and the teacher's views agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rallies.tasks import get_task_type


@dataclass
class TaskState:
    task: dict
    station_id: int
    attempts: int = 0
    wrong: int = 0
    solved: bool = False
    submitted: bool = False
    hint_used: bool = False
    points: float | None = None  # of the attempt that counts
    correct: bool | None = None  # of the last attempt
    pending_review: bool = False
    feedback: str | None = None  # the teacher's comment on a graded answer
    graded_at: dt.datetime | None = None

    def done(self, attempts_per_task: int | None) -> bool:
        if self.solved or self.submitted:
            return True
        return attempts_per_task is not None and self.attempts >= attempts_per_task


@dataclass
class TeamState:
    snapshot: dict
    order: list[int] | None
    unlocked_ids: set[int]
    tasks: dict[int, TaskState] = field(default_factory=dict)
    answers_by_client_id: dict = field(default_factory=dict)
    _station_states: list[dict] | None = field(default=None, repr=False)

    @property
    def settings(self) -> dict:
        return self.snapshot["rally"]["settings"]

    @property
    def stations(self) -> list[dict]:
        from rallies.bundle import ordered_stations

        return ordered_stations(self.snapshot, self.order)

    def station_of_task(self, task_id: int) -> dict | None:
        state = self.tasks.get(task_id)
        if state is None:
            return None
        return next(s for s in self.snapshot["stations"] if s["id"] == state.station_id)

    @property
    def score(self) -> float:
        return round(sum(t.points or 0 for t in self.tasks.values()), 4)

    @property
    def max_score(self) -> float:
        return round(sum(
            t.task["points"] for t in self.tasks.values() if get_task_type(t.task["type"]).earns_points
        ), 4)

    def task_done(self, task_id: int) -> bool:
        return self.tasks[task_id].done(self.settings.get("attempts_per_task"))

    def station_done(self, station: dict) -> bool:
        return all(self.task_done(t["id"]) for t in station["tasks"])

    def station_states(self) -> list[dict]:
        """`locked`, `unlocked` or `done` for each station, in the team's order (memoised until
        the next recorded answer or unlock)."""
        if self._station_states is None:
            self._station_states = self._compute_station_states()
        return self._station_states

    def changed(self) -> None:
        self._station_states = None

    def _compute_station_states(self) -> list[dict]:
        states = []
        previous_done = True
        fixed = self.settings.get("station_order") == "fixed"
        done_by_id = {s["id"]: self.station_done(s) for s in self.snapshot["stations"]}
        score = self.score
        for station in self.stations:
            locked = not self._unlock_step_done(station) or not self._conditions_hold(station, done_by_id, score)
            if fixed and not previous_done:
                locked = True
            done = not locked and done_by_id[station["id"]]
            tasks = station["tasks"]
            states.append({
                "id": station["id"],
                "state": "locked" if locked else ("done" if done else "unlocked"),
                "tasks_done": sum(1 for t in tasks if self.task_done(t["id"])),
                "tasks_total": len(tasks),
            })
            previous_done = done
        return states

    def is_locked(self, station_id: int) -> bool:
        """Whether the station is locked; in free order only that station and its conditions are
        looked at, so judging a batch does not recompute every station after each answer."""
        if self._station_states is None and self.settings.get("station_order") != "fixed":
            station = next((s for s in self.snapshot["stations"] if s["id"] == station_id), None)
            if station is not None:
                if not self._unlock_step_done(station):
                    return True
                conditions = station.get("conditions") or []
                if not conditions:
                    return False
                done_by_id = {c["after_station"]: self.station_done(self._station(c["after_station"]))
                              for c in conditions if "after_station" in c and self._station(c["after_station"])}
                return not self._conditions_hold(station, done_by_id, self.score)
        return next(s for s in self.station_states() if s["id"] == station_id)["state"] == "locked"

    def _station(self, station_id: int) -> dict | None:
        return next((s for s in self.snapshot["stations"] if s["id"] == station_id), None)

    def _unlock_step_done(self, station: dict) -> bool:
        return station["unlock"]["mode"] == "open" or station["id"] in self.unlocked_ids

    @staticmethod
    def _conditions_hold(station: dict, done_by_id: dict, score: float) -> bool:
        for condition in station.get("conditions") or []:
            if "after_station" in condition and not done_by_id.get(condition["after_station"], False):
                return False
            if "min_score" in condition and score < condition["min_score"]:
                return False
        return True


def build_state(snapshot: dict, order: list[int] | None, unlocked_ids: set[int], answers) -> TeamState:
    """Replay the team's accepted answers, oldest first, over its rally version."""
    state = TeamState(snapshot=snapshot, order=order, unlocked_ids=set(unlocked_ids))
    for station in snapshot["stations"]:
        for task in station["tasks"]:
            state.tasks[task["id"]] = TaskState(task=task, station_id=station["id"])
    for answer in answers:
        record_answer(state, answer.task_id, correct=answer.correct, points=answer.points,
                      hint_used=answer.hint_used, pending_review=getattr(answer, "pending_review", False),
                      feedback=getattr(answer, "teacher_feedback", None), graded_at=getattr(answer, "graded_at", None))
    return state


def record_answer(state: TeamState, task_id: int, *, correct: bool | None, points: float | None,
                  hint_used: bool, pending_review: bool = False, feedback: str | None = None,
                  graded_at: dt.datetime | None = None) -> None:
    """Fold one accepted attempt into the state."""
    task_state = state.tasks.get(task_id)
    if task_state is None:
        return
    state.changed()
    task_type = get_task_type(task_state.task["type"])
    config = task_state.task["config"]
    task_state.attempts += 1
    task_state.hint_used = task_state.hint_used or hint_used
    if correct is True:
        task_state.solved = True
    elif correct is False:
        task_state.wrong += 1
    if task_type.single_answer(config) or not task_type.earns_points:
        task_state.submitted = True
    task_state.points = points
    task_state.correct = correct
    task_state.pending_review = bool(pending_review)
    task_state.feedback = feedback or None
    task_state.graded_at = graded_at


def task_state_name(task_state: TaskState, attempts_per_task: int | None) -> str:
    """The contract's `state` of one task (CLIENT_API.md, December additions).

    Attempts used up win over a partly right last attempt: the app must know that no try is
    left, and `points` still shows the partial credit.
    """
    task_type = get_task_type(task_state.task["type"])
    if task_state.attempts == 0:
        return "open"
    if task_state.task["type"] == "info":
        return "read"
    if task_state.solved:
        return "correct"
    if task_state.graded_at is not None and not task_state.pending_review:
        return "graded"
    if task_state.submitted or not task_type.earns_points:
        return "submitted"
    if attempts_per_task is not None and task_state.attempts >= attempts_per_task:
        return "exhausted"
    if task_state.correct is False and (task_state.points or 0) > 0:
        return "partial"
    return "wrong"


def task_views(state: TeamState) -> list[dict]:
    """`progress.tasks`: one item per task in bundle (team) order, from the state already built."""
    attempts_per_task = state.settings.get("attempts_per_task")
    views = []
    for station in state.stations:
        for task in station["tasks"]:
            task_state = state.tasks[task["id"]]
            name = task_state_name(task_state, attempts_per_task)
            earns = get_task_type(task["type"]).earns_points
            if not earns or name == "submitted":
                points = None
            else:
                points = task_state.points if task_state.points is not None else 0
            views.append({
                "id": task["id"], "station_id": station["id"], "state": name, "attempts": task_state.attempts,
                "points": points, "feedback": task_state.feedback if name == "graded" else None,
                "graded_at": task_state.graded_at.isoformat() if name == "graded" else None,
            })
    return views


def run_view(starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> dict | None:
    """`progress.run`: the play window as it stands now; `None` in free play."""
    if starts_at is None or ends_at is None:
        return None
    return {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()}


def time_left_s(joined_at: dt.datetime, time_limit_s: int | None, now: dt.datetime) -> int | None:
    if not time_limit_s:
        return None
    return max(0, int((joined_at + dt.timedelta(seconds=time_limit_s) - now).total_seconds()))


def visit_progress(team, state: TeamState) -> dict:
    """The December additions of a progress object: `tasks`, `run` and `messages`.

    The run's window and last message time come with the team's token (no query); only a
    team loaded otherwise costs one small query, and messages are cached per run.
    """
    from rallies.run_messages import team_messages

    if not team.class_run_id:
        return {"tasks": task_views(state), "run": None, "messages": []}
    info = getattr(team, "_run_info", None)
    if info is None or info[0] is None:
        from rallies.db import db
        from rallies.models import ClassRun

        info = db.session.execute(db.select(ClassRun.starts_at, ClassRun.ends_at, ClassRun.last_message_at)
                                  .where(ClassRun.id == team.class_run_id)).one()
    return {"tasks": task_views(state), "run": run_view(info[0], info[1]),
            "messages": team_messages(team.class_run_id, info[2])}
