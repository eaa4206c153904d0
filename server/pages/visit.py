"""Teacher pages of the class visit, live: start now, move the end, message every team,
the pushed live view and the closing ranking on a projector.

Routes stay thin as in `teacher.py`: find the run the teacher may see (others' runs are
404), parse a form, call one service, commit, redirect with a message.

The live view is pushed by a short long-poll with a version counter (see
docs/notes-visit.md): a request that brings the version the page already shows waits
for a change, at most `LIVE_WAIT_SECONDS`, but only while one of the process's
`LIVE_WAIT_SLOTS` is free; otherwise it answers at once and the page asks again
`LIVE_POLL_SECONDS` later. So open live pages never hold more than a slot per worker process, and
the threads that answer phones stay free. The full view of a run is computed at most once
per `LIVE_MIN_INTERVAL` seconds per worker process, however many pages show it.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rallies import access, live, run_messages, runs
from rallies import results as results_service
from rallies.db import db, utcnow
from rallies.errors import DomainError, NotFound
from rallies.models import ClassRun, Rally
from rallies.runtime import setting
from client_api.metrics import LIVE_VIEW_CPU
from server.auth import role_required
from server.formatting import format_clock, format_when, local as local_time
from server.live_budget import BuildBudget
from server.i18n import say
from server.pages.teacher import bp
from server.pages.forms_teacher import LOCAL_ZONE
from server.pages.forms_visit import EmptyForm, MessageForm, RankingSettingForm, RunEndForm, StartNowForm
from rallies.messages import msg

_wait_slots: dict[int, threading.BoundedSemaphore] = {}
_wait_slots_lock = threading.Lock()


def _actor():
    return current_user._get_current_object()


def _run(run_id: int) -> ClassRun:
    return access.visible_run(_actor(), db.session.get(ClassRun, run_id))


def _errors(error: DomainError) -> list[str]:
    """The error's message and field messages, in the teacher's language, for a flash."""
    texts = [say(error.message)]
    for messages in (say(error.errors) or {}).values():
        texts.extend(messages if isinstance(messages, list) else [str(messages)])
    return list(dict.fromkeys(texts))


def _back(run: ClassRun, default: str = "teacher.teacher_run"):
    target = request.form.get("next") or request.args.get("next") or ""
    if target in {"live", "run", "results"}:
        endpoint = {"live": "teacher.teacher_live", "run": "teacher.teacher_run", "results": "teacher.teacher_results"}[target]
        return redirect(url_for(endpoint, run_id=run.id))
    return redirect(url_for(default, run_id=run.id))


def _flash_errors(error: DomainError) -> None:
    db.session.rollback()
    for text in _errors(error):
        flash(text, "error")


def _form_failed(form) -> None:
    for field in form:
        for text in field.errors:
            flash(f"{field.label.text}: {text}" if field.label and field.label.text else str(text), "error")


# --- Start now -------------------------------------------------------------------------

def start_now_form(rally: Rally) -> StartNowForm:
    """The "Jetzt starten" form of the new-run page, with the rally's default length."""
    form = StartNowForm(formdata=None, data={"minutes": runs.default_run_minutes(rally)})
    schools = sorted(current_user.schools, key=lambda s: s.name)
    form.school_id.choices = [(s.id, s.name) for s in schools]
    if schools:
        form.school_id.data = schools[0].id
    return form


@bp.app_context_processor
def _visit_helpers():
    return {"start_now_form": start_now_form}


@bp.route("/teacher/runs/start-now", methods=["POST"])
@role_required("teacher")
def teacher_start_now():
    """Start a run of `?rally=<id>` whose window opens now (default length: the rally's setting, else 90 min)."""
    rally = access.readable_rally(_actor(), db.session.get(Rally, request.args.get("rally", type=int) or -1))
    schools = sorted(current_user.schools, key=lambda s: s.name)
    form = StartNowForm()
    form.school_id.choices = [(s.id, s.name) for s in schools]
    back = redirect(url_for("teacher.teacher_new_run", rally=rally.id))
    if not form.validate_on_submit():
        _form_failed(form)
        return back
    school = next(s for s in schools if s.id == form.school_id.data)
    try:
        run = runs.start_run_now(
            rally, minutes=form.minutes.data, school=school, teacher=_actor(), class_label=form.class_label.data,
            max_retention_days=setting("RETENTION_DAYS_MAX"), default_retention_days=setting("RETENTION_DAYS_DEFAULT"))
    except DomainError as error:
        _flash_errors(error)
        return back
    db.session.commit()
    flash(_("Der Lauf hat begonnen. Code: %(code)s", code=run.join_code), "success")
    return redirect(url_for("teacher.teacher_run", run_id=run.id))


@bp.route("/teacher/runs/<int:run_id>/start-now", methods=["POST"])
@role_required("teacher")
def teacher_run_start_now(run_id: int):
    """Open a planned run now, keeping the length of its window."""
    run = _run(run_id)
    if EmptyForm().validate_on_submit():
        try:
            runs.start_now(run, actor=_actor())
        except DomainError as error:
            _flash_errors(error)
            return _back(run)
        db.session.commit()
        flash(_("Der Lauf hat begonnen. Er endet um %(time)s.", time=_clock(run.ends_at)), "success")
    return _back(run)


# --- Moving the end of a run under way -------------------------------------------------

def _ends_today(value: dt.datetime) -> bool:
    """Whether a stored (UTC) time falls on today's local date; otherwise people need the date too."""
    return local_time(value).date() == dt.datetime.now(LOCAL_ZONE).date()


def register_filters(app) -> None:
    """Template filters of the visit pages, on the app itself (init_pages calls this for every app)."""
    app.add_template_filter(_ends_today, "ends_today")


def _clock(value: dt.datetime) -> str:
    """"14:05" today, "14.12.2026, 14:05" on another day: a bare hour would read as today."""
    return format_clock(value) if _ends_today(value) else format_when(value)


@bp.route("/teacher/runs/<int:run_id>/end", methods=["POST"])
@role_required("teacher")
def teacher_run_end(run_id: int):
    """Extend or shorten a run under way: by minutes (+15, +30, −15) or to a new time."""
    run = _run(run_id)
    form = RunEndForm()
    if not form.validate_on_submit() or (form.shift.data is None and form.ends_at.data is None):
        _form_failed(form)
        if form.shift.data is None and form.ends_at.data is None and not form.errors:
            flash(_("Bitte ein neues Ende angeben."), "error")
        return _back(run)
    new_end = form.ends_at.utc if form.ends_at.data is not None else run.ends_at + dt.timedelta(minutes=form.shift.data)
    try:
        runs.update_run(run, actor=_actor(), max_retention_days=setting("RETENTION_DAYS_MAX"), ends_at=new_end)
    except DomainError as error:
        _flash_errors(error)
        return _back(run)
    db.session.commit()
    flash(_("Neues Ende: %(time)s. Die Teams sehen es bei ihrer nächsten Verbindung.", time=_clock(run.ends_at)),
          "success")
    return _back(run)


# --- Messages --------------------------------------------------------------------------

@bp.route("/teacher/runs/<int:run_id>/messages", methods=["POST"])
@role_required("teacher")
def teacher_run_message(run_id: int):
    """Send a message to every team; they see it as a banner on their next sync."""
    run = _run(run_id)
    form = MessageForm()
    if not form.validate_on_submit():
        _form_failed(form)
        return _back(run, "teacher.teacher_live")
    try:
        run_messages.send_message(run, form.text.data, actor=_actor())
    except DomainError as error:
        _flash_errors(error)
        return _back(run, "teacher.teacher_live")
    db.session.commit()
    flash(_("Nachricht an alle Teams gesendet."), "success")
    return _back(run, "teacher.teacher_live")


# --- Live view -------------------------------------------------------------------------

def live_payload(run: ClassRun, version: str | None = None) -> dict:
    """Everything the live page shows, for the page and for its pushed updates."""
    from server.pages.teacher import _live_rows, _live_summary

    version = version or live.live_version(run)  # before loading: a change meanwhile shows next time
    data = results_service.load_run(run)
    progress = results_service.live_progress(run, data=data)
    return {**_live_summary(progress), "teams": _live_rows(progress), "stations": live.station_overview(data),
            "ends_at": _clock(run.ends_at), "version": version}


_shared: dict[tuple, tuple[float, object]] = {}
_shared_lock = threading.Lock()
_building: dict[tuple, threading.Lock] = {}


def _budget() -> BuildBudget:
    """This process's budget for live views (one per app, as tests create several)."""
    return current_app.extensions.setdefault("live_budget", BuildBudget())


def live_interval() -> float:
    """Seconds between two rebuilds of a run's live view in this process (see server/live_budget.py)."""
    return _budget().interval(float(setting("LIVE_MIN_INTERVAL")), float(setting("LIVE_CPU_SHARE")))


def _shared_value(kind: str, run: ClassRun, seconds: float, build):
    """`build()`, computed at most once per `seconds` per run, language and process; 30 open pages of
    one run then cost one computation, not thirty."""
    from flask_babel import get_locale

    key = (kind, id(current_app._get_current_object()), run.id, str(get_locale()))
    with _shared_lock:
        building = _building.setdefault(key, threading.Lock())
    with building:  # 30 pages opened at once compute it once, the others wait for it
        now = time.monotonic()
        with _shared_lock:
            entry = _shared.get(key)
        if entry is not None and now - entry[0] < seconds:
            return entry[1]
        value = build()
        with _shared_lock:
            _shared[key] = (time.monotonic(), value)
            if len(_shared) > 512:
                for old in [k for k, (at, _) in _shared.items() if now - at >= seconds]:
                    _shared.pop(old, None)
                    _building.pop(old, None)
        return value


def shared_payload(run: ClassRun, interval: float) -> dict:
    """The live payload, at most once per `interval` seconds per run and process; each build's
    duration goes into the process's budget."""
    from flask_babel import get_locale

    def build() -> dict:
        started = time.monotonic()
        payload = live_payload(run, shared_version(run))
        _budget().record((run.id, str(get_locale())), time.monotonic() - started)
        return payload

    return _shared_value("payload", run, interval, build)


def shared_version(run: ClassRun) -> str:
    """The run's live version, at most once a second per run and process."""
    return _shared_value("version", run, min(1.0, float(setting("LIVE_MIN_INTERVAL"))),
                         lambda: live.live_version(run))


def _changed(run: ClassRun):
    interval = live_interval()
    payload = shared_payload(run, interval)
    # The page asks again only after the interval: a busy run changes all the time.
    retry_ms = max(250, int(interval * 1000))
    return _no_store(jsonify({"changed": True, **payload, "retry_ms": retry_ms}))


def _slot() -> threading.BoundedSemaphore:
    pid_key = id(current_app._get_current_object())
    with _wait_slots_lock:
        if pid_key not in _wait_slots:
            _wait_slots[pid_key] = threading.BoundedSemaphore(max(1, int(setting("LIVE_WAIT_SLOTS"))))
        return _wait_slots[pid_key]


def _wait_for_change(run_id: int, version: str, seconds: float) -> bool:
    """Hold this request until the run's version changes or `seconds` pass; True when it changed.

    Between checks the session is closed, so no database connection is held while waiting.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
        db.session.rollback()
        run = db.session.get(ClassRun, run_id)
        changed = run is None or live.live_version(run) != version
        db.session.close()
        if changed:
            return True
    return False


@bp.route("/teacher/runs/<int:run_id>/live/updates")
@role_required("teacher")
def teacher_live_updates(run_id: int):
    """The live page's pushed updates: `?v=<version>` waits briefly for a change (see module docstring)."""
    started = time.thread_time()
    try:
        return _live_updates(run_id)
    finally:  # what the open live pages cost, in rallyhub_live_view_cpu_seconds_total
        LIVE_VIEW_CPU.inc(time.thread_time() - started)


def _live_updates(run_id: int):
    run = _run(run_id)
    if run.purged_at is not None:
        raise NotFound(msg("Die Daten der Schülerinnen und Schüler dieser Klassenrallye sind gelöscht."))
    seen = request.args.get("v", "")
    retry_ms = int(setting("LIVE_POLL_SECONDS")) * 1000
    if seen and shared_version(run) == seen:
        slots = int(setting("LIVE_WAIT_SLOTS"))
        slot = _slot() if slots > 0 else None
        if slot is not None and slot.acquire(blocking=False):
            try:
                db.session.close()
                changed = _wait_for_change(run_id, seen, float(setting("LIVE_WAIT_SECONDS")))
            finally:
                slot.release()
            retry_ms = 1000  # give the slot to another page, then come back
            if changed:
                return _changed(_run(run_id))
        return _no_store(jsonify({"changed": False, "version": seen, "retry_ms": retry_ms}))
    return _changed(run)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


# --- Closing ranking -------------------------------------------------------------------

@bp.route("/teacher/runs/<int:run_id>/ranking")
@role_required("teacher")
def teacher_ranking(run_id: int):
    """Full screen for a projector: teams revealed from last place to first (`?shown=N` without script)."""
    run = _run(run_id)
    if run.purged_at is not None:
        flash(_("Die Daten dieses Laufs wurden gelöscht."), "error")
        return redirect(url_for("teacher.teacher_run", run_id=run.id))
    try:
        ranking = live.closing_ranking(run)
    except DomainError as error:
        flash(say(error.message), "error")
        return redirect(url_for("teacher.teacher_results", run_id=run.id))
    total = len(ranking["teams"])
    shown = max(0, min(total, request.args.get("shown", type=int) or 0))
    return render_template("pages/teacher/ranking.html", run=run, ranking=ranking, shown=shown, total=total)


@bp.route("/teacher/runs/<int:run_id>/ranking-setting", methods=["POST"])
@role_required("teacher")
def teacher_ranking_setting(run_id: int):
    """Switch the closing ranking on or off for this run."""
    run = _run(run_id)
    form = RankingSettingForm()
    if form.validate_on_submit():
        try:
            runs.update_run(run, actor=_actor(), max_retention_days=setting("RETENTION_DAYS_MAX"),
                            show_ranking=form.show_ranking.data)
        except DomainError as error:
            _flash_errors(error)
            return _back(run, "teacher.teacher_results")
        db.session.commit()
        flash(_("Rangliste eingeschaltet.") if run.show_ranking else _("Rangliste ausgeschaltet."), "success")
    return _back(run, "teacher.teacher_results")


def visit_context(run: ClassRun) -> dict:
    """What the run page and the live page need for messages, the end and the ranking."""
    return {
        "message_form": MessageForm(formdata=None),
        "end_form": RunEndForm(formdata=None),
        "empty_form": EmptyForm(formdata=None),
        "ranking_form": RankingSettingForm(formdata=None, data={"show_ranking": run.show_ranking}),
        "messages": run_messages.history(run) if run.purged_at is None else [],
        "run_state": runs.run_state(run),
        "ranking_hidden": live.ranking_hidden_reason(run, run.rally_version.snapshot),
    }


@bp.app_context_processor
def _visit_context_helper():
    return {"visit_context": visit_context, "say": say}
