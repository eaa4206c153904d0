"""Teacher pages: class runs, live progress, grading, results, downloads.

Routes stay thin: they find the run the teacher may see (others' runs are 404), parse a
form, call one service in `rallies/`, commit and redirect with a message. A DomainError
is shown on the form it came from, and nothing is stored. Times are shown and typed in
Europe/Berlin local time (see `forms_teacher`); the services keep UTC.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from flask import (
    Blueprint,
    Response, flash, jsonify, redirect, render_template, request, stream_with_context, url_for,
)
from flask_login import current_user
from flask_babel import gettext as _, lazy_gettext as _l

from client_api.files import send_stored, upload_disposition
from rallies import access, authoring, exports, play, results as results_service, runs
from rallies.db import db, utcnow
from rallies.errors import DomainError, NotFound
from rallies.models import ClassRun, Rally
from rallies.runtime import media_storage, setting
from server.auth import role_required
from server.formatting import format_clock, format_day, format_number, format_when, zone
from server.i18n import say
from server.i18n import say
from server.pages.actions import submit
from server.pages.forms import attach_errors
from server.pages.forms_teacher import (
    LOCAL_ZONE, DeleteRunForm, EditWindowForm, GradeForm, NewRunForm, RetentionForm, utc_to_local,
)
from rallies.messages import msg

bp = Blueprint("teacher", __name__)

STATE_LABELS = {
    "scheduled": _l("geplant"),
    "open": _l("läuft"),
    "ended": _l("beendet"),
    "deleted": _l("gelöscht"),
}
CSV_VIEWS = [("teams", _l("Teams")), ("answers", _l("Antworten")), ("tasks", _l("Aufgaben")),
             ("survey", _l("Umfrage"))]
TYPE_LABELS = {"text": _l("Freitext"), "photo": _l("Foto"), "audio": _l("Audio"), "video": _l("Video")}


# --- Helpers ---------------------------------------------------------------------------

def _actor():
    return current_user._get_current_object()


def _run(run_id: int) -> ClassRun:
    """The run if it belongs to one of the teacher's schools; 404 otherwise."""
    return access.visible_run(_actor(), db.session.get(ClassRun, run_id))


def _gone(run: ClassRun):
    """Pages of a run whose pupil data was deleted send the teacher back to its overview."""
    flash(_("Die Daten dieses Laufs wurden gelöscht."), "error")
    return redirect(url_for("teacher.teacher_run", run_id=run.id))


def _attachment(data, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _file_stem(run: ClassRun, what: str) -> str:
    return exports.safe_name(f"{what}-{run.class_label}-{run.join_code}")


@bp.app_template_filter("teacher_time")
def teacher_time(value: dt.datetime | None, fmt: str | None = None) -> str:
    """A stored UTC time in the operator's zone and the reader's locale (the same as office and editor pages)."""
    if fmt == "%d.%m.%Y":
        return format_day(value)
    if fmt == "%H:%M":
        return format_clock(value)
    return format_when(value)


@bp.app_template_filter("teacher_points")
def teacher_points(value) -> str:
    """10.0 → "10", 2.5 → "2,5" (German) or "2.5" (English)."""
    return format_number(value)


@bp.app_template_filter("teacher_duration")
def teacher_duration(seconds) -> str:
    if seconds is None:
        return "–"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# --- Runs list and rallies -------------------------------------------------------------

@bp.route("/teacher/runs")
@role_required("teacher")
def teacher_runs():
    """The teacher's class runs, grouped: upcoming, running, ended, deleted."""
    now = utcnow()
    all_runs = runs.runs_for(_actor())
    counts = runs.team_counts([run.id for run in all_runs])
    groups: dict[str, list] = {state: [] for state in STATE_LABELS}
    for run in all_runs:
        state = runs.run_state(run, now)
        teams = (run.team_count or 0) if state == "deleted" else counts.get(run.id, 0)
        groups[state].append({"run": run, "teams": teams, "state": state})
    groups["scheduled"].reverse()  # the next one first
    soon = {run.id for run in all_runs if run.purged_at is None and run.delete_after - now <= dt.timedelta(days=7)}
    return render_template("pages/teacher/runs.html", groups=groups, labels=STATE_LABELS, soon=soon,
                           schools=sorted(current_user.schools, key=lambda s: s.name))


@bp.route("/teacher/rallies")
@role_required("teacher")
def teacher_rallies():
    """Published rallies with whether this teacher may run them, and why not."""
    query = " ".join(request.args.get("q", "").split())
    needle = query.casefold()
    rows = []
    for rally in authoring.rallies_for(_actor()):
        if needle and not any(needle in (text or "").casefold()
                              for text in (rally.title, rally.theme, rally.owner_name)):
            continue
        allowed, reason = runs.may_run(rally, _actor())
        rows.append({"rally": rally, "allowed": allowed, "reason": reason})
    rows.sort(key=lambda r: (not r["allowed"], r["rally"].title.casefold(), r["rally"].id))
    return render_template("pages/teacher/rallies.html", rows=rows, query=query)


# --- Starting a run --------------------------------------------------------------------

def _default_window() -> tuple[dt.datetime, dt.datetime]:
    """Three hours from the next full hour (Berlin time), or from 9:00 tomorrow outside school hours."""
    now = dt.datetime.now(zone()).replace(minute=0, second=0, microsecond=0, tzinfo=None)
    start = now + dt.timedelta(hours=1)
    if not 7 <= start.hour <= 15:
        day = start.date() if start.hour < 7 else start.date() + dt.timedelta(days=1)
        start = dt.datetime.combine(day, dt.time(9))
    return start, start + dt.timedelta(hours=3)


@bp.route("/teacher/runs/new", methods=["GET", "POST"])
@role_required("teacher")
def teacher_new_run():
    """Start a class run of `?rally=<id>`: school, class label, play window, retention days.

    The window's `datetime-local` inputs carry no zone: they are read as Europe/Berlin wall
    time and converted to UTC (`LocalDateTimeField.utc`) before `runs.start_run` sees them.
    """
    rally_id = request.args.get("rally", type=int)
    if rally_id is None:
        return redirect(url_for("teacher.teacher_rallies"))
    rally = access.readable_rally(_actor(), db.session.get(Rally, rally_id) if rally_id else None)
    schools = sorted(current_user.schools, key=lambda s: s.name)
    form = NewRunForm()
    form.school_id.choices = [(s.id, s.name) for s in schools]
    allowed, reason = runs.may_run(rally, _actor())
    max_days, default_days = setting("RETENTION_DAYS_MAX"), setting("RETENTION_DAYS_DEFAULT")
    form_errors: list[str] = []
    status = 200
    if request.method == "GET":
        form.starts_at.data, form.ends_at.data = _default_window()
        form.retention_days.data = default_days
        if schools:
            form.school_id.data = schools[0].id
    elif form.validate_on_submit():
        school = next(s for s in schools if s.id == form.school_id.data)
        try:
            run = runs.start_run(
                rally, school=school, teacher=_actor(), class_label=form.class_label.data,
                starts_at=form.starts_at.utc, ends_at=form.ends_at.utc, retention_days=form.retention_days.data,
                max_retention_days=max_days, default_retention_days=default_days,
                share_uploads_with_institution=form.share_uploads_with_institution.data,
            )
        except DomainError as error:
            db.session.rollback()
            form_errors = [say(error.message), *attach_errors(form, error)]
            status = error.status
        else:
            db.session.commit()
            flash(_("Der Klassenlauf ist angelegt. Code: %(code)s", code=run.join_code), "success")
            return redirect(url_for("teacher.teacher_run", run_id=run.id))
    else:
        status = 422
    return render_template("pages/teacher/new_run.html", rally=rally, form=form, allowed=allowed, reason=reason,
                           schools=schools, form_errors=form_errors, max_days=max_days), status


# --- One run: overview, changes, deletion, poster --------------------------------------

def _render_run(run: ClassRun, *, window_form=None, retention_form=None, delete_form=None,
                form_errors=None, status: int = 200):
    state = runs.run_state(run)
    if window_form is None and state == "scheduled":
        window_form = EditWindowForm(formdata=None, data={
            "class_label": run.class_label, "starts_at": utc_to_local(run.starts_at),
            "ends_at": utc_to_local(run.ends_at)})
    if retention_form is None and state != "deleted":
        retention_form = RetentionForm(formdata=None, data={
            "retention_days": run.retention_days,
            "share_uploads_with_institution": run.share_uploads_with_institution})
    if delete_form is None and state != "deleted":
        delete_form = DeleteRunForm(formdata=None)
    teams = (run.team_count or 0) if state == "deleted" else runs.team_counts([run.id]).get(run.id, 0)
    return render_template(
        "pages/teacher/run.html", run=run, state=state, labels=STATE_LABELS, teams=teams,
        join_url=exports.join_url(run, setting("PUBLIC_URL")), window_form=window_form,
        retention_form=retention_form, delete_form=delete_form, form_errors=form_errors or [],
        max_days=setting("RETENTION_DAYS_MAX"),
    ), status


@bp.route("/teacher/runs/<int:run_id>")
@role_required("teacher")
def teacher_run(run_id: int):
    """Join code in large type, join link, poster, changes and early deletion."""
    return _render_run(_run(run_id))


@bp.route("/teacher/runs/<int:run_id>/window", methods=["POST"])
@role_required("teacher")
def teacher_run_window(run_id: int):
    """Change class label and play window (before the run starts)."""
    run = _run(run_id)
    form = EditWindowForm()
    return submit(
        lambda: runs.update_run(run, actor=_actor(), max_retention_days=setting("RETENTION_DAYS_MAX"),
                                class_label=form.class_label.data, starts_at=form.starts_at.utc,
                                ends_at=form.ends_at.utc),
        form=form, again=lambda failed: _render_run(_run(run_id), window_form=form, form_errors=failed.messages,
                                                    status=failed.status),
        done=_("Klasse und Zeitraum gespeichert."), to=url_for("teacher.teacher_run", run_id=run.id))


@bp.route("/teacher/runs/<int:run_id>/retention", methods=["POST"])
@role_required("teacher")
def teacher_run_retention(run_id: int):
    """Change the retention period (counted from the end) and upload sharing."""
    run = _run(run_id)
    form = RetentionForm()
    return submit(
        lambda: runs.update_run(run, actor=_actor(), max_retention_days=setting("RETENTION_DAYS_MAX"),
                                retention_days=form.retention_days.data,
                                share_uploads_with_institution=form.share_uploads_with_institution.data),
        form=form, again=lambda failed: _render_run(_run(run_id), retention_form=form, form_errors=failed.messages,
                                                    status=failed.status),
        done=lambda result: _("Gespeichert: Daten werden am %(date)s gelöscht.",
                              date=teacher_time(run.delete_after, '%d.%m.%Y')),
        to=url_for("teacher.teacher_run", run_id=run.id))


@bp.route("/teacher/runs/<int:run_id>/delete", methods=["POST"])
@role_required("teacher")
def teacher_run_delete(run_id: int):
    """Delete the run's teams, answers and uploads now, for good."""
    run = _run(run_id)
    form = DeleteRunForm()
    return submit(
        lambda: runs.delete_run(run, actor=_actor(), storage=media_storage()),
        form=form, again=lambda failed: _render_run(_run(run_id), delete_form=form, form_errors=failed.messages,
                                                    status=failed.status),
        done=lambda counts: _("Gelöscht: %(count)s Teams mit ihren Antworten und Uploads.",
                              count=counts.get('teams', 0)),
        to=url_for("teacher.teacher_runs"))


@bp.route("/teacher/runs/<int:run_id>/poster.pdf")
@role_required("teacher")
def teacher_run_poster(run_id: int):
    """The join poster: code in large type, QR code of the join link."""
    run = _run(run_id)
    if run.purged_at is not None:
        return _gone(run)
    pdf = exports.join_poster(run, public_url=setting("PUBLIC_URL"), say=say)
    return _attachment(pdf, f"{_file_stem(run, 'plakat')}.pdf", "application/pdf")


# --- Live progress ---------------------------------------------------------------------

def _live_rows(progress: dict) -> list[dict]:
    """The live table's rows, the same for the page and for its JSON refresh."""
    return [{
        "name": t["name"],
        "score": teacher_points(t["score"]),
        "max_score": teacher_points(t["max_score"]),
        "stations": f"{t['stations_done']} / {t['stations_total']}",
        "tasks": f"{t['tasks_done']} / {t['tasks_total']}",
        "pending_review": t["pending_review"],
        "last_activity": teacher_time(t["last_activity_at"], "%H:%M:%S") if t["last_activity_at"] else "–",
        "finished": t["finished_at"] is not None,
    } for t in progress["teams"]]


def _live_summary(progress: dict) -> dict:
    return {"state": progress["state"], "state_label": STATE_LABELS.get(progress["state"], progress["state"]),
            "teams_total": progress["teams_total"], "teams_finished": progress["teams_finished"],
            "pending_review": progress["pending_review"],
            "updated": format_clock(dt.datetime.now(dt.timezone.utc), with_seconds=True)}


@bp.route("/teacher/runs/<int:run_id>/live")
@role_required("teacher")
def teacher_live(run_id: int):
    """Teams, score, stations done and last activity; teacher.js refreshes it every 10 s."""
    run = _run(run_id)
    if run.purged_at is not None:
        return _gone(run)
    from server.pages.visit import live_payload

    payload = live_payload(run)
    return render_template("pages/teacher/live.html", run=run, rows=payload["teams"], summary=payload,
                           stations=payload["stations"])


@bp.route("/teacher/runs/<int:run_id>/live.json")
@role_required("teacher")
def teacher_live_json(run_id: int):
    """What the live page's script polls; uses the page session (GET only, changes nothing)."""
    run = _run(run_id)
    if run.purged_at is not None:
        raise NotFound(msg("Die Daten der Schülerinnen und Schüler dieser Klassenrallye sind gelöscht."))
    progress = results_service.live_progress(run)
    response = jsonify({**_live_summary(progress), "teams": _live_rows(progress)})
    response.headers["Cache-Control"] = "no-store"
    return response


# --- Grading ---------------------------------------------------------------------------

def _render_grading(run: ClassRun, *, posted: GradeForm | None = None, posted_id: int | None = None,
                    form_errors=None, status: int = 200):
    pending_only = request.args.get("offen") == "1"
    show_uploads = access.may_see_uploads(_actor(), run)
    tasks = results_service.open_answers(run, with_uploads=show_uploads, pending_only=pending_only)
    forms = {}
    for task in tasks:
        for item in task["answers"]:
            if posted is not None and item["answer_id"] == posted_id:
                forms[item["answer_id"]] = posted
            else:
                forms[item["answer_id"]] = GradeForm(formdata=None, prefix=f"a{item['answer_id']}", data={
                    "points": item["points"] if not item["pending_review"] else None,
                    "feedback": item["feedback"] or ""})
    totals = results_service.live_progress(run)["teams"]
    return render_template("pages/teacher/grading.html", run=run, tasks=tasks, forms=forms, totals=totals,
                           pending_only=pending_only, type_labels=TYPE_LABELS, form_errors=form_errors or [],
                           posted_id=posted_id), status


@bp.route("/teacher/runs/<int:run_id>/grading")
@role_required("teacher")
def teacher_grading(run_id: int):
    """Open answers (teacher-graded text, photo, audio, video) per task, with the media."""
    run = _run(run_id)
    if run.purged_at is not None:
        return _gone(run)
    return _render_grading(run)


@bp.route("/teacher/runs/<int:run_id>/grading/<int:answer_id>", methods=["POST"])
@role_required("teacher")
def teacher_grade(run_id: int, answer_id: int):
    """Award 0..task points and optional feedback to one answer."""
    run = _run(run_id)
    if run.purged_at is not None:
        return _gone(run)
    answer = results_service.get_answer(answer_id)
    if results_service.run_of_answer(answer).id != run.id:
        raise NotFound(msg("Diese Antwort gibt es nicht."))
    form = GradeForm(prefix=f"a{answer_id}")
    team = answer.team
    args = {"offen": "1"} if request.args.get("offen") == "1" else {}
    return submit(
        lambda: results_service.grade_answer(answer, form.points.data, form.feedback.data or "", _actor()),
        form=form, again=lambda failed: _render_grading(_run(run_id), posted=form, posted_id=answer_id,
                                                        form_errors=failed.messages, status=failed.status),
        done=lambda result: _("Bewertung für „%(team)s“ gespeichert, Punktestand jetzt %(total)s.", team=team.name,
                              total=teacher_points(play.load_state(team).score)),
        to=url_for("teacher.teacher_grading", run_id=run.id, **args) + f"#answer-{answer_id}")


@bp.route("/teacher/uploads/<media_id>")
@role_required("teacher", "editor")
def teacher_upload(media_id: str):
    """A pupil's upload, only for those `access.may_see_uploads` allows; never cached publicly."""
    upload = results_service.visible_upload(_actor(), media_id)
    return send_stored(media_storage(), upload.storage_name, upload.content_type, cache_control="private, no-store",
                       extra_headers=upload_disposition(upload.content_type))


# --- Results and downloads -------------------------------------------------------------

@bp.route("/teacher/runs/<int:run_id>/results")
@role_required("teacher")
def teacher_results(run_id: int):
    """Ranking, team × task table, per-task statistics and survey tallies, downloads."""
    run = _run(run_id)
    if run.purged_at is not None:
        return _gone(run)
    outcome = results_service.results(run)
    stats = results_service.statistics(run)
    survey_max = {t["task_id"]: max([c["count"] for c in t["counts"]] or [0]) for t in stats["survey"]}
    return render_template("pages/teacher/results.html", run=run, results=outcome, stats=stats,
                           survey_max=survey_max, csv_views=CSV_VIEWS,
                           may_see_uploads=access.may_see_uploads(_actor(), run))


@bp.route("/teacher/runs/<int:run_id>/results.xlsx")
@role_required("teacher")
def teacher_results_xlsx(run_id: int):
    run = _run(run_id)
    if run.purged_at is not None:
        return _gone(run)
    data = exports.results_xlsx(run, say=say)
    return _attachment(data, f"{_file_stem(run, 'ergebnisse')}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/teacher/runs/<int:run_id>/results.csv")
@role_required("teacher")
def teacher_results_csv(run_id: int):
    """One view as CSV; `sep=;` for German spreadsheet programs (decimal comma too)."""
    run = _run(run_id)
    if run.purged_at is not None:
        return _gone(run)
    view = request.args.get("view", "teams")
    sep = request.args.get("sep", ",")
    try:
        data = exports.results_csv(run, view=view, sep=sep, say=say)
    except DomainError as error:
        flash(say(error.message), "error")
        return redirect(url_for("teacher.teacher_results", run_id=run.id))
    return _attachment(data, f"{_file_stem(run, view)}.csv", "text/csv")


@bp.route("/teacher/runs/<int:run_id>/uploads.zip")
@role_required("teacher")
def teacher_uploads_zip(run_id: int):
    """The teams' photos, audio and video, streamed as a ZIP named by team and station."""
    run = _run(run_id)
    if run.purged_at is not None:
        return _gone(run)
    if not access.may_see_uploads(_actor(), run):
        raise NotFound(msg("Diese Klassenrallye gibt es nicht."))
    entries = exports.upload_entries(run)
    stream = exports.stream_zip(entries, storage=media_storage())
    return _attachment(stream_with_context(stream), f"{_file_stem(run, 'uploads')}.zip", "application/zip")


@bp.route("/teacher/runs/<int:run_id>/certificates.pdf")
@role_required("teacher")
def teacher_certificates(run_id: int):
    """A certificate page per team, in ranking order."""
    run = _run(run_id)
    if run.purged_at is not None:
        return _gone(run)
    try:
        pdf = exports.certificates(run, say=say, day=format_day)
    except DomainError as error:
        flash(_("Keine Urkunden: %(reason)s", reason=say(error.message)), "error")
        return redirect(url_for("teacher.teacher_results", run_id=run.id))
    return _attachment(pdf, f"{_file_stem(run, 'urkunden')}.pdf", "application/pdf")
