"""What a class run produced: live progress, grading, results, ranking, statistics, survey tallies.

Everything is computed from one load of the run (`load_run`): its rally version, its
teams, their answers and unlocks, one query each, folded into each team's `TeamState` by
the same function that scores answers for the phones. So the teacher's views, the exports
and the phones always agree, and a run of 40 teams costs four queries, not hundreds.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from rallies.db import db, utcnow
from rallies.errors import Conflict, Invalid, NotFound
from rallies.models import Answer, ClassRun, RallyVersion, StationUnlock, Team, Upload, User
from rallies.progress import TeamState, build_state
from rallies.runs import require_not_purged, require_run_teacher, run_state
from rallies.tasks import get_task_type
from rallies.messages import msg

log = logging.getLogger(__name__)

FEEDBACK_MAX = 2000
ANSWER_COLUMNS = (
    Answer.id, Answer.team_id, Answer.task_id, Answer.value, Answer.answered_at, Answer.hint_used, Answer.attempt,
    Answer.correct, Answer.points, Answer.pending_review, Answer.upload_id, Answer.teacher_feedback,
    Answer.graded_at,
)


@dataclass(frozen=True)
class TaskInfo:
    """A task of the run's rally version with its place: station 2, task 3 is "2.3"."""

    task: dict
    station: dict
    station_number: int
    number: int

    @property
    def id(self) -> int:
        return self.task["id"]

    @property
    def label(self) -> str:
        return f"{self.station_number}.{self.number}"

    @property
    def type(self):
        return get_task_type(self.task["type"])

    @property
    def config(self) -> dict:
        return self.task["config"]

    @property
    def teacher_graded(self) -> bool:
        return self.type.teacher_graded(self.config)

    @property
    def auto_scored(self) -> bool:
        """Whether the server decides right or wrong (not info, survey or teacher-graded)."""
        return self.type.earns_points and not self.teacher_graded

    def describe(self, value) -> str:
        try:
            return self.type.describe_value(self.config, value)
        except Exception:  # an odd stored value must never break a teacher's export
            return str(value)


@dataclass
class RunData:
    """A run loaded once: its rally version, teams, answers (rows with Answer's columns, oldest first) and each team's state."""

    run: ClassRun
    snapshot: dict
    version: int
    tasks: list[TaskInfo]
    teams: list[Team]
    answers: dict[int, list[Answer]] = field(default_factory=dict)
    states: dict[int, TeamState] = field(default_factory=dict)

    @cached_property
    def answers_by_team_task(self) -> dict[tuple[int, int], list[Answer]]:
        grouped: dict[tuple[int, int], list[Answer]] = defaultdict(list)
        for team_id, answers in self.answers.items():
            for answer in answers:
                grouped[(team_id, answer.task_id)].append(answer)
        return grouped

    @property
    def task_by_id(self) -> dict[int, TaskInfo]:
        return {info.id: info for info in self.tasks}

    @property
    def rally_title(self) -> str:
        return self.snapshot["rally"]["title"]

    @property
    def institution_name(self) -> str:
        return self.snapshot["rally"].get("institution", {}).get("name", "")


def task_infos(snapshot: dict) -> list[TaskInfo]:
    infos = []
    for s_index, station in enumerate(snapshot["stations"], start=1):
        for t_index, task in enumerate(station["tasks"], start=1):
            infos.append(TaskInfo(task=task, station=station, station_number=s_index, number=t_index))
    return infos


def load_run(run: ClassRun) -> RunData:
    """The run with everything its views need, in four queries whatever the number of teams."""
    version = db.session.get(RallyVersion, run.rally_version_id)
    snapshot = version.snapshot
    teams = list(db.session.scalars(db.select(Team).where(Team.class_run_id == run.id).order_by(Team.id)))
    answers: dict[int, list] = defaultdict(list)
    # Plain rows, not ORM objects: 2000 answers load several times faster, and nothing here changes them.
    for answer in db.session.execute(
            db.select(*ANSWER_COLUMNS).join(Team, Team.id == Answer.team_id)
            .where(Team.class_run_id == run.id).order_by(Answer.id)):
        answers[answer.team_id].append(answer)
    unlocked: dict[int, set[int]] = defaultdict(set)
    for team_id, station_id in db.session.execute(
            db.select(StationUnlock.team_id, StationUnlock.station_id).join(Team, Team.id == StationUnlock.team_id)
            .where(Team.class_run_id == run.id)):
        unlocked[team_id].add(station_id)
    data = RunData(run=run, snapshot=snapshot, version=version.version, tasks=task_infos(snapshot), teams=teams, answers=dict(answers))
    for team in teams:
        data.states[team.id] = build_state(snapshot, team.station_order, unlocked[team.id], answers.get(team.id, []))
    return data


# --- Live progress ---------------------------------------------------------------------

def _team_progress(data: RunData, team: Team) -> dict:
    state = data.states[team.id]
    stations = state.station_states()
    return {
        "id": team.id,
        "name": team.name,
        "score": state.score,
        "max_score": state.max_score,
        "stations_done": sum(1 for s in stations if s["state"] == "done"),
        "stations_total": len(stations),
        "tasks_done": sum(s["tasks_done"] for s in stations),
        "tasks_total": sum(s["tasks_total"] for s in stations),
        "pending_review": sum(1 for a in data.answers.get(team.id, []) if a.pending_review),
        "joined_at": team.joined_at,
        "last_activity_at": team.last_activity_at,
        "finished_at": team.finished_at,
    }


def live_progress(run: ClassRun, *, now: dt.datetime | None = None, data: RunData | None = None) -> dict:
    """Each team's score, stations done and last activity, best first; cheap enough to poll."""
    require_not_purged(run)
    data = data or load_run(run)
    teams = sorted((_team_progress(data, team) for team in data.teams),
                   key=lambda t: (-t["score"], t["name"].casefold()))
    return {
        "run_id": run.id,
        "state": run_state(run, now),
        "starts_at": run.starts_at,
        "ends_at": run.ends_at,
        "teams_total": len(teams),
        "teams_finished": sum(1 for t in teams if t["finished_at"] is not None),
        "pending_review": sum(t["pending_review"] for t in teams),
        "teams": teams,
    }


# --- Grading ---------------------------------------------------------------------------

def get_answer(answer_id: int) -> Answer:
    answer = db.session.get(Answer, answer_id)
    if answer is None:
        raise NotFound(msg("Diese Antwort gibt es nicht."))
    return answer


def run_of_answer(answer: Answer) -> ClassRun:
    """The class run an answer belongs to; free-play answers have no teacher to grade them."""
    run = answer.team.class_run
    if run is None:
        raise NotFound(msg("Diese Antwort gibt es nicht."))
    return run


def grade_answer(answer: Answer, points, feedback: str | None = "", actor: User | None = None, *,
                 now: dt.datetime | None = None) -> Answer:
    """The teacher awards 0..task points (and optional feedback) to a teacher-graded answer.

    The answer stops waiting for review and the team's score, which sums the points of the
    last answer per task, includes them at once. Grading again corrects an earlier grade.
    """
    now = now or utcnow()
    run = run_of_answer(answer)
    require_run_teacher(run, actor)
    require_not_purged(run)
    info = next((i for i in task_infos(run.rally_version.snapshot) if i.id == answer.task_id), None)
    if info is None or not info.teacher_graded:
        raise Conflict(msg("Diese Antwort wird automatisch bewertet und kann nicht von Hand bewertet werden."), code="not_gradable")
    maximum = float(info.task["points"])
    if not isinstance(points, (int, float)) or isinstance(points, bool) or not math.isfinite(points) \
            or not 0 <= points <= maximum:
        raise Invalid(f"Award 0 to {maximum:g} points.", errors={"points": [f"Between 0 and {maximum:g}."]})
    feedback = (feedback or "").strip()
    if len(feedback) > FEEDBACK_MAX:
        raise Invalid(msg("Die Rückmeldung ist zu lang."), errors={"feedback": [f"At most {FEEDBACK_MAX} characters."]})
    answer.points = round(float(points), 4)
    answer.share = round(float(points) / maximum, 4) if maximum else None
    answer.pending_review = False
    answer.teacher_feedback = feedback
    answer.graded_at = now
    answer.graded_by_id = actor.id
    db.session.flush()
    log.info("answer %s of run %s graded %s by user %s", answer.id, run.id, answer.points, actor.id)
    return answer


def open_answers(run: ClassRun, *, with_uploads: bool, pending_only: bool = False) -> list[dict]:
    """Teacher-graded answers per task, in rally order, with their uploads when the viewer may see them."""
    require_not_purged(run)
    data = load_run(run)
    uploads = {}
    if with_uploads:
        uploads = {u.id: u for u in db.session.scalars(
            db.select(Upload).join(Team, Team.id == Upload.team_id).where(Team.class_run_id == run.id))}
    names = {team.id: team.name for team in data.teams}
    by_task: dict[int, list[dict]] = defaultdict(list)
    for team_id, answers in data.answers.items():
        for answer in answers:
            by_task[answer.task_id].append(answer)
    result = []
    for info in data.tasks:
        if not info.teacher_graded:
            continue
        items = []
        for answer in sorted(by_task.get(info.id, []), key=lambda a: (names[a.team_id].casefold(), a.id)):
            if pending_only and not answer.pending_review:
                continue
            upload = uploads.get(answer.upload_id) if answer.upload_id else None
            items.append({
                "answer_id": answer.id,
                "team": {"id": answer.team_id, "name": names[answer.team_id]},
                "text": answer.value if info.type.upload_kind is None else None,
                "upload": None if upload is None else {
                    "id": upload.id, "run_id": run.id, "kind": upload.kind,
                    "content_type": upload.content_type, "bytes": upload.bytes,
                },
                "answered_at": answer.answered_at,
                "pending_review": answer.pending_review,
                "points": answer.points,
                "feedback": answer.teacher_feedback,
                "graded_at": answer.graded_at,
            })
        result.append({
            "task_id": info.id, "label": info.label, "station_title": info.station["title"],
            "type": info.task["type"], "prompt_html": info.task["prompt_html"], "points": info.task["points"],
            "grading_note": info.type.describe_solution(info.config), "uploads_visible": with_uploads,
            "answers": items,
        })
    return result


# --- Results ---------------------------------------------------------------------------

def _seconds(later: dt.datetime | None, earlier: dt.datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return max(0, int((later - earlier).total_seconds()))


def task_outcome(data: RunData, team: Team, info: TaskInfo) -> dict:
    """One team's result at one task: right/wrong, points, attempts, when."""
    state = data.states[team.id].tasks[info.id]
    answers = data.answers_by_team_task.get((team.id, info.id), [])
    last = answers[-1] if answers else None
    if state.solved:
        correct = True
    elif last is not None:
        correct = last.correct
    else:
        correct = None
    return {
        "task_id": info.id,
        "label": info.label,
        "attempts": state.attempts,
        "correct": correct,
        "points": state.points,
        "pending_review": bool(last and last.pending_review),
        "answer": info.describe(last.value) if last is not None and info.task["type"] != "info" else None,
        "answered_at": last.answered_at if last else None,
        "seconds": _seconds(last.answered_at if last else None, team.joined_at),
    }


def ranking(data: RunData) -> list[dict]:
    """Teams best first: by score, then the quicker finish; equal scores share a rank."""
    rows = []
    for team in data.teams:
        state = data.states[team.id]
        duration = _seconds(team.finished_at, team.joined_at)
        rows.append({"team": team, "score": state.score, "max_score": state.max_score, "duration_s": duration})
    rows.sort(key=lambda r: (-r["score"], r["duration_s"] if r["duration_s"] is not None else math.inf,
                             r["team"].name.casefold()))
    rank = 0
    previous = None
    for index, row in enumerate(rows, start=1):
        if row["score"] != previous:
            rank, previous = index, row["score"]
        row["rank"] = rank
    return rows


def team_results(data: RunData) -> list[dict]:
    """Per team, in ranking order: rank, score, times and the outcome at every task."""
    results = []
    for row in ranking(data):
        team = row["team"]
        stations = data.states[team.id].station_states()
        results.append({
            "team": {"id": team.id, "name": team.name},
            "rank": row["rank"],
            "score": row["score"],
            "max_score": row["max_score"],
            "stations_done": sum(1 for s in stations if s["state"] == "done"),
            "joined_at": team.joined_at,
            "finished_at": team.finished_at,
            "duration_s": row["duration_s"],
            "tasks": [task_outcome(data, team, info) for info in data.tasks],
        })
    return results


def task_statistics(data: RunData) -> list[dict]:
    """Per task: how many teams answered, the share that got it right, average points, the most common wrong answer."""
    by_task: dict[int, list[Answer]] = defaultdict(list)
    for answers in data.answers.values():
        for answer in answers:
            by_task[answer.task_id].append(answer)
    stats = []
    for info in data.tasks:
        answers = by_task.get(info.id, [])
        team_states = [data.states[t.id].tasks[info.id] for t in data.teams]
        answered = [s for s in team_states if s.attempts]
        solved = sum(1 for s in answered if s.solved)
        wrong = Counter(info.describe(a.value) for a in answers if a.correct is False)
        common = wrong.most_common(1)
        earns = info.type.earns_points
        stats.append({
            "task_id": info.id,
            "label": info.label,
            "station_title": info.station["title"],
            "type": info.task["type"],
            "points": info.task["points"],
            "solution": info.type.describe_solution(info.config),
            "teams_answered": len(answered),
            "teams_correct": solved if info.auto_scored else None,
            "share_correct": round(solved / len(answered), 4) if info.auto_scored and answered else None,
            "average_points": (round(sum(s.points or 0 for s in answered) / len(answered), 2)
                               if earns and answered else None),
            "attempts": len(answers),
            "pending_review": sum(1 for a in answers if a.pending_review),
            "most_common_wrong": ({"answer": common[0][0], "count": common[0][1]} if common else None),
        })
    return stats


def survey_tallies(data: RunData) -> list[dict]:
    """Per survey task: how many teams chose each option or each rating, and the mean rating."""
    tallies = []
    for info in data.tasks:
        if info.task["type"] != "survey":
            continue
        values = [a.value for answers in data.answers.values() for a in answers if a.task_id == info.id]
        counts = Counter(values)
        config = info.config
        if "options" in config:
            rows = [{"value": o["id"], "label": o["text"], "count": counts.get(o["id"], 0)} for o in config["options"]]
            mean = None
        else:
            scale = config["scale"]
            rows = [{"value": v, "label": info.describe(v), "count": counts.get(v, 0)}
                    for v in range(scale["min"], scale["max"] + 1, scale["step"])]
            mean = round(sum(values) / len(values), 2) if values else None
        tallies.append({"task_id": info.id, "label": info.label, "prompt_html": info.task["prompt_html"],
                        "responses": len(values), "mean": mean, "counts": rows})
    return tallies


def results(run: ClassRun) -> dict:
    """Everything after the visit in one object: teams with per-task outcomes and the survey."""
    require_not_purged(run)
    data = load_run(run)
    return {
        "run_id": run.id,
        "rally": {"id": run.rally_id, "title": data.rally_title, "version": data.version},
        "tasks": [{"task_id": i.id, "label": i.label, "station_title": i.station["title"], "type": i.task["type"],
                   "points": i.task["points"]} for i in data.tasks],
        "teams": team_results(data),
        "survey": survey_tallies(data),
    }


def statistics(run: ClassRun) -> dict:
    require_not_purged(run)
    data = load_run(run)
    return {"run_id": run.id, "teams_total": len(data.teams), "tasks": task_statistics(data),
            "survey": survey_tallies(data)}


def visible_upload(user, upload_id: str, *, run: ClassRun | None = None) -> Upload:
    """A pupil's upload for someone allowed to see it (its run's teachers, or the institution
    when the teacher shared uploads); 404 for everyone else and for ids of other runs."""
    from rallies import access

    try:
        key = str(uuid.UUID(str(upload_id)))
    except ValueError:
        raise NotFound(msg("Diesen Upload gibt es nicht.")) from None
    upload = db.session.get(Upload, key)
    team = db.session.get(Team, upload.team_id) if upload is not None else None
    if team is None or team.class_run_id is None or (run is not None and team.class_run_id != run.id):
        raise NotFound(msg("Diesen Upload gibt es nicht."))
    owner_run = run or db.session.get(ClassRun, team.class_run_id)
    owner_run = access.visible_run(user, owner_run)
    if not access.may_see_uploads(user, owner_run):
        raise NotFound(msg("Diesen Upload gibt es nicht."))
    return upload
