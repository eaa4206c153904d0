"""Management API: class runs, live progress, grading, results, exports and printouts.

Who sees what: teachers their schools' runs (everything, and they alone change, grade
and delete); editors the runs of their institution's rallies, without the pupils'
uploads unless the teacher shared them; the programme office nothing of a run (403), only
the figures under /office. Runs outside a user's reach are 404, so their ids stay secret.
"""

from __future__ import annotations

import io

from flask import Response, send_file
from client_api.openapi import EdgeBlueprint as Blueprint

from client_api.files import send_stored, upload_disposition
from rallies import exports, live, results, run_messages, runs
from rallies.access import may_see_uploads, readable_rally, visible_run
from rallies.db import db
from rallies.errors import Forbidden, Invalid, NotFound
from rallies.messages import msg
from rallies.models import ClassRun, Rally, RallyVersion, School, User
from rallies.runtime import media_storage, setting
from client_api.problems import say
from server.manage.common import commit, current_api_user, guard
from server.manage.schemas_runs import (
    CertificatesQuerySchema, CsvQuerySchema, ExportQuerySchema, GradedAnswerSchema, GradeSchema, MessageCreateSchema,
    MessageListSchema, MessageSchema, OpenAnswersQuerySchema, OpenAnswersSchema, ProgressSchema, RankingSchema,
    ResultsSchema, RunCreateSchema, RunListQuerySchema, RunListSchema, RunnableSchema, RunPatchSchema,
    StationLiveListSchema, StatisticsSchema, TeacherRunSchema,
)

blp = Blueprint("manage_runs", __name__, description="Class runs, results, exports and printouts")
guard(blp)

PRIVATE = {"Cache-Control": "private, no-store"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(payload: bytes, mimetype: str, name: str):
    response = send_file(io.BytesIO(payload), mimetype=mimetype, as_attachment=True,
                         download_name=name, max_age=0)
    response.headers.update(PRIVATE)
    return response


def _not_office(user: User) -> None:
    if user.role == "office":
        raise Forbidden(msg("Das Programmbüro sieht nur zusammengefasste Kennzahlen, nie eine Klassenrallye."),
                        code="aggregates_only")


def _run(run_id: int, *, teacher_only: bool = False, uploads: bool = False) -> tuple[User, ClassRun]:
    """The run if the caller may see it (404 otherwise), checked for the stronger needs too."""
    user = current_api_user()
    _not_office(user)
    run = visible_run(user, db.session.get(ClassRun, run_id))
    if teacher_only:
        runs.require_run_teacher(run, user)
    if uploads and not may_see_uploads(user, run):
        raise Forbidden(msg("Die Lehrkraft hat die Uploads der Schülerinnen und Schüler nicht mit der Einrichtung geteilt."),
                        code="uploads_not_shared")
    return user, run


def _run_view(run: ClassRun, user: User, *, team_count: int, version: int | None) -> dict:
    is_teacher = user.role == "teacher" and run.school_id in user.school_ids
    purged = run.purged_at is not None
    view = {
        "id": run.id,
        "rally": {"id": run.rally_id, "title": run.rally.title, "version": version,
                  "institution": {"id": run.rally.owner.id, "name": run.rally.owner_name}},
        "school": {"id": run.school.id, "name": run.school.name},
        "class_label": run.class_label, "state": runs.run_state(run), "starts_at": run.starts_at,
        "ends_at": run.ends_at, "retention_days": run.retention_days, "delete_after": run.delete_after,
        "purged_at": run.purged_at, "share_uploads_with_institution": run.share_uploads_with_institution,
        "show_ranking": run.show_ranking,
        "partnership_run": run.partnership_id is not None,
        "team_count": run.team_count if purged else team_count, "created_at": run.created_at,
    }
    if is_teacher:
        view["join_code"] = None if purged else run.join_code
        view["join_url"] = None if purged else exports.join_url(run, setting("PUBLIC_URL"))
    return view


def _views(user: User, items: list[ClassRun]) -> list[dict]:
    ids = [run.id for run in items]
    counts = runs.team_counts(ids)
    versions = dict(db.session.execute(
        db.select(RallyVersion.id, RallyVersion.version).where(
            RallyVersion.id.in_({run.rally_version_id for run in items} or {-1}))).all())
    return [_run_view(run, user, team_count=counts.get(run.id, 0), version=versions.get(run.rally_version_id))
            for run in items]


def _single_view(run: ClassRun, user: User) -> dict:
    return _views(user, [run])[0]


@blp.route("/runs", methods=["GET"])
@blp.arguments(RunListQuerySchema, location="query")
@blp.response(200, RunListSchema)
def list_runs(query):
    """Class runs the caller may see, newest first, with their deletion dates."""
    user = current_api_user()
    _not_office(user)
    return {"items": _views(user, runs.runs_for(user, rally_id=query.get("rally_id")))}


@blp.route("/runs", methods=["POST"])
@blp.arguments(RunCreateSchema)
@blp.response(201, TeacherRunSchema)
def create_run(body):
    """Start a class run of a published rally; the answer holds its join code."""
    user = current_api_user()
    _not_office(user)
    if user.role != "teacher":
        raise Forbidden(msg("Nur Lehrkräfte starten Klassenrallyes."), code="not_a_teacher")
    rally = readable_rally(user, db.session.get(Rally, body.pop("rally_id")))
    school_id = body.pop("school_id", None)
    if school_id is None:
        if len(user.schools) != 1:
            raise Invalid(msg("Bitte angeben, für welche Ihrer Schulen."), errors={"school_id": [msg("Pflichtfeld: Sie unterrichten an mehreren Schulen.")]})
        school = user.schools[0]
    else:
        school = db.session.get(School, school_id)
        if school is None:
            raise Invalid(msg("Unbekannte Schule."), errors={"school_id": [msg("Unbekannte Schule.")]})
    limits = {"max_retention_days": setting("RETENTION_DAYS_MAX"),
              "default_retention_days": setting("RETENTION_DAYS_DEFAULT")}
    if body.pop("start_now"):
        run = runs.start_run_now(rally, school=school, teacher=user, **limits, **body)
    else:
        run = runs.start_run(rally, school=school, teacher=user, **limits, **body)
    commit()
    return _single_view(run, user)


@blp.route("/runs/<int:run_id>/start-now", methods=["POST"])
@blp.response(200, TeacherRunSchema)
def start_now(run_id):
    """Open a planned run now, keeping the length of its window (409 `run_started` once it has begun)."""
    user, run = _run(run_id, teacher_only=True)
    runs.start_now(run, actor=user)
    commit()
    return _single_view(run, user)


@blp.route("/runs/<int:run_id>/messages", methods=["GET"])
@blp.response(200, MessageListSchema)
def list_messages(run_id):
    """The teacher's messages to every team of the run, newest first."""
    _, run = _run(run_id, teacher_only=True)
    return {"items": run_messages.history(run)}


@blp.route("/runs/<int:run_id>/messages", methods=["POST"])
@blp.arguments(MessageCreateSchema)
@blp.response(201, MessageSchema)
def send_message(body, run_id):
    """A message to every team (at most 500 characters); phones show it on their next sync."""
    user, run = _run(run_id, teacher_only=True)
    message = run_messages.send_message(run, body["text"], actor=user)
    commit()
    return message


@blp.route("/runs/<int:run_id>/ranking", methods=["GET"])
@blp.response(200, RankingSchema)
def closing_ranking(run_id):
    """The closing ranking, last place first; 409 `ranking_hidden` when the rally hides points or the run's
    ranking is switched off."""
    _, run = _run(run_id, teacher_only=True)
    return live.closing_ranking(run)


@blp.route("/runs/<int:run_id>/stations", methods=["GET"])
@blp.response(200, StationLiveListSchema)
def stations_live(run_id):
    """Per station: how many teams have it unlocked and how many have finished it."""
    _, run = _run(run_id)
    return {"items": live.stations_live(run)}


@blp.route("/runs/<int:run_id>", methods=["GET"])
@blp.response(200, TeacherRunSchema)
def get_run(run_id):
    """One class run."""
    user, run = _run(run_id)
    return _single_view(run, user)


@blp.route("/runs/<int:run_id>", methods=["PATCH"])
@blp.arguments(RunPatchSchema)
@blp.response(200, TeacherRunSchema)
def update_run(body, run_id):
    """Change label and window before the start; the end also while under way; retention, sharing and the
    ranking switch at any time."""
    user, run = _run(run_id, teacher_only=True)
    runs.update_run(run, actor=user, max_retention_days=setting("RETENTION_DAYS_MAX"), **body)
    commit()
    return _single_view(run, user)


@blp.route("/runs/<int:run_id>", methods=["DELETE"])
@blp.response(204)
def delete_run(run_id):
    """Delete the run's pupil data now, for good, files included; an anonymous shell stays for the figures."""
    user, run = _run(run_id, teacher_only=True)
    runs.delete_run(run, actor=user, storage=media_storage())
    commit()


@blp.route("/runs/<int:run_id>/progress", methods=["GET"])
@blp.response(200, ProgressSchema)
def progress(run_id):
    """Live progress: each team's score, stations done and last activity. Poll it every few seconds."""
    _, run = _run(run_id)
    return results.live_progress(run)


@blp.route("/runs/<int:run_id>/open-answers", methods=["GET"])
@blp.arguments(OpenAnswersQuerySchema, location="query")
@blp.response(200, OpenAnswersSchema)
def open_answers(query, run_id):
    """Teacher-graded answers per task, with their uploads for those who may see them."""
    user, run = _run(run_id)
    items = results.open_answers(run, with_uploads=may_see_uploads(user, run), pending_only=query["pending_only"])
    return {"tasks": items}


@blp.route("/runs/<int:run_id>/uploads/<string:upload_id>", methods=["GET"])
def get_upload(run_id, upload_id):
    """One pupil upload, for grading; never cached, never public."""
    user, run = _run(run_id, uploads=True)
    upload = results.visible_upload(user, upload_id, run=run)
    return send_stored(media_storage(), upload.storage_name, upload.content_type, cache_control="private, no-store",
                       extra_headers=upload_disposition(upload.content_type))


@blp.route("/answers/<int:answer_id>/grade", methods=["POST"])
@blp.arguments(GradeSchema)
@blp.response(200, GradedAnswerSchema)
def grade(body, answer_id):
    """Award points (0..the task's points) and optional feedback to a teacher-graded answer."""
    user = current_api_user()
    _not_office(user)
    answer = results.get_answer(answer_id)
    run = answer.team.class_run
    if run is None:
        raise NotFound(msg("Diese Antwort gibt es nicht."))
    visible_run(user, run)
    results.grade_answer(answer, body["points"], body["feedback"], user)
    commit()
    from rallies.play import load_state

    return {"id": answer.id, "team_id": answer.team_id, "task_id": answer.task_id, "points": answer.points,
            "pending_review": answer.pending_review, "teacher_feedback": answer.teacher_feedback,
            "graded_at": answer.graded_at, "team_score": load_state(answer.team).score}


@blp.route("/runs/<int:run_id>/results", methods=["GET"])
@blp.response(200, ResultsSchema)
def run_results(run_id):
    """Per team and per task: right or wrong, points, attempts and times; ranking; survey tallies."""
    _, run = _run(run_id)
    return results.results(run)


@blp.route("/runs/<int:run_id>/statistics", methods=["GET"])
@blp.response(200, StatisticsSchema)
def run_statistics(run_id):
    """Per task: share correct, average points, the most common wrong answer; survey tallies."""
    _, run = _run(run_id)
    return results.statistics(run)


def _stem(run: ClassRun) -> str:
    return f"run-{run.id}-{exports.safe_name(run.class_label, 20).replace(' ', '_')}"


@blp.route("/runs/<int:run_id>/export.xlsx", methods=["GET"])
@blp.arguments(ExportQuerySchema, location="query")
@blp.doc(responses={"200": {"description": "Workbook with the sheets Teams, Answers, Tasks, Survey",
                            "content": {XLSX: {}}}})
def export_xlsx(query, run_id):
    """The results as a spreadsheet (team names only)."""
    _, run = _run(run_id)
    return _file(exports.results_xlsx(run, tz=query.get("tz"), say=say), XLSX, f"{_stem(run)}.xlsx")


@blp.route("/runs/<int:run_id>/export.csv", methods=["GET"])
@blp.arguments(CsvQuerySchema, location="query")
@blp.doc(responses={"200": {"description": "One view as CSV, UTF-8 with BOM", "content": {"text/csv": {}}}})
def export_csv(query, run_id):
    """One view (teams, answers, tasks, survey) as CSV; `sep=;` for German spreadsheet programs."""
    _, run = _run(run_id)
    payload = exports.results_csv(run, view=query["view"], sep=query["sep"], tz=query.get("tz"), say=say)
    return _file(payload, "text/csv; charset=utf-8", f"{_stem(run)}-{query['view']}.csv")


@blp.route("/runs/<int:run_id>/uploads.zip", methods=["GET"])
@blp.doc(responses={"200": {"description": "Photos, audio and video as <team>/<station>-<task>.<ext>",
                            "content": {"application/zip": {}}}})
def uploads_zip(run_id):
    """Every pupil upload of the run as a ZIP, streamed so a large class never times out."""
    _, run = _run(run_id, uploads=True)
    entries = exports.upload_entries(run)
    body = exports.stream_zip(entries, storage=media_storage())
    return Response(body, mimetype="application/zip", headers={
        **PRIVATE, "Content-Disposition": f'attachment; filename="{_stem(run)}-uploads.zip"'})


@blp.route("/runs/<int:run_id>/certificates.pdf", methods=["GET"])
@blp.arguments(CertificatesQuerySchema, location="query")
@blp.doc(responses={"200": {"description": "One certificate page per team", "content": {"application/pdf": {}}}})
def certificates(query, run_id):
    """Certificates for every team (or `team_id`'s), in ranking order."""
    _, run = _run(run_id)
    payload = exports.certificates(run, team_id=query.get("team_id"), tz=query.get("tz"), say=say)
    return _file(payload, "application/pdf", f"{_stem(run)}-certificates.pdf")


@blp.route("/runs/<int:run_id>/poster.pdf", methods=["GET"])
@blp.doc(responses={"200": {"description": "Join poster", "content": {"application/pdf": {}}}})
def poster(run_id):
    """The classroom poster with the join code and a QR code of the join link (teachers only)."""
    _, run = _run(run_id, teacher_only=True)
    return _file(exports.join_poster(run, public_url=setting("PUBLIC_URL"), say=say), "application/pdf",
                 f"{_stem(run)}-poster.pdf")


@blp.route("/rallies/<int:rally_id>/runnable", methods=["GET"])
@blp.response(200, RunnableSchema)
def runnable(rally_id):
    """Whether the caller may start a class run of the rally, and if not, why."""
    user = current_api_user()
    _not_office(user)
    rally = readable_rally(user, db.session.get(Rally, rally_id))
    ok, reason = runs.may_run(rally, user)
    schools = []
    for school in (user.schools if user.role == "teacher" else []):
        school_ok, school_reason = runs.may_run(rally, user, school)
        schools.append({"id": school.id, "name": school.name, "runnable": school_ok, "reason": say(school_reason)})
    return {"runnable": ok, "reason": reason, "schools": schools}
