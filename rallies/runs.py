"""Class runs: a teacher plays a published rally with a class, within a play window.

Who may run what follows the programme's rules: public rallies are open to every teacher,
partner-only rallies only to teachers of a school with a registered, current partnership
with the rally's institution. A run plays the rally version that was published when it
started, keeps a unique join code, and has a retention period after which its pupil data
is deleted (see `rallies.retention`).
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.exc import IntegrityError

from rallies.db import db, utcnow
from rallies.errors import Conflict, Forbidden, Invalid, NotFound
from rallies.messages import msg
from rallies.models import (
    Answer, Checkin, ClassRun, Rally, RunMessage, Scan, School, StationUnlock, Team, Upload, User,
)
from rallies.access import EDIT, may_school_run, rally_permissions
from rallies.partnerships import current_partnership, is_current
from rallies.publishing import unique_join_code
from rallies.messages import msg
from rallies.validation import TIME_MESSAGE, time_in_bounds

log = logging.getLogger(__name__)

MAX_WINDOW = dt.timedelta(days=14)
DEFAULT_RUN_MINUTES = 90  # "Jetzt starten" without a length set in the rally's settings
DEFAULT_TOKEN_GRACE = dt.timedelta(hours=2)
CLASS_LABEL_MAX = 40
CHUNK = 500  # ids per IN (...), well below SQLite's limit on bound parameters


# --- Who may run a rally ---------------------------------------------------------------

def _teacher_schools(teacher: User) -> list[School]:
    return list(teacher.schools) if getattr(teacher, "role", None) == "teacher" else []


def _rally_refusal(rally: Rally) -> str | None:
    if not rally.is_published:
        return msg("Die Rallye ist nicht veröffentlicht.")
    return None


def may_run(rally: Rally, teacher: User, school: School | None = None, *,
            today: dt.date | None = None) -> tuple[bool, str]:
    """Whether the teacher may start a class run of the rally (for `school`, or any of theirs), and why (not)."""
    schools = _teacher_schools(teacher)
    if not schools:
        return False, msg("Nur Lehrkräfte einer Schule starten Klassenrallyes.")
    if school is not None:
        if school.id not in {s.id for s in schools}:
            return False, msg("Sie sind keine Lehrkraft dieser Schule.")
        schools = [school]
    refusal = _rally_refusal(rally)
    if refusal:
        return False, refusal
    if rally.visibility == "public":
        return True, msg("Die Rallye steht jeder Klasse offen.")
    for candidate in schools:
        if may_school_run(rally, candidate.id, today):
            if rally.visibility == "school" or rally.partnership_id is not None:
                return True, msg("Die Rallye ist für %(school)s.", school=candidate.name)
            return True, msg("%(school)s hat eine registrierte Partnerschaft mit %(institution)s.", school=candidate.name,
                                 institution=rally.owner_name)
    if rally.visibility == "school":
        return False, msg("Diese Rallye ist nur für die Klassen von %(owner)s.", owner=rally.owner_name)
    if rally.partnership_id is not None:
        return False, msg("Diese Rallye ist nur für die Schule ihrer Partnerschaft, solange diese registriert ist.")
    return False, msg("Diese Rallye ist für Partnerschulen von %(institution)s; Ihre Schule hat keine registrierte, "
                      "laufende Partnerschaft mit ihr.", institution=rally.owner_name)


def _check_window(starts_at, ends_at, *, now: dt.datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
            errors[name] = [msg("Ein Zeitpunkt mit Zeitzone ist nötig.")]
        elif not time_in_bounds(value):  # the deletion date of a run ending near 9999 would overflow
            errors[name] = [TIME_MESSAGE]
    if errors:
        return errors
    if ends_at <= starts_at:
        errors["ends_at"] = [msg("Das Ende muss nach dem Beginn liegen.")]
    elif ends_at - starts_at > MAX_WINDOW:
        errors["ends_at"] = [msg("Ein Spielfenster ist höchstens %(days)s Tage lang.", days=MAX_WINDOW.days)]
    elif ends_at <= now:
        errors["ends_at"] = ["The end must be in the future."]
    return errors


def _clean_label(raw) -> str:
    label = " ".join(raw.split()) if isinstance(raw, str) else ""
    if not 1 <= len(label) <= CLASS_LABEL_MAX:
        raise Invalid(msg("Die Klassenbezeichnung hat 1 bis 40 Zeichen."),
                      errors={"class_label": ["1 to 40 characters, e.g. 7b."]})
    return label


def _check_retention(days, *, max_retention_days: int) -> int:
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= max_retention_days:
        raise Invalid(msg("Die Aufbewahrungsfrist ist 1 bis %(days)s Tage.", days=max_retention_days), code="retention_out_of_bounds",
                      errors={"retention_days": [msg("1 bis %(days)s Tage.", days=max_retention_days)]},
                      max_retention_days=max_retention_days)
    return days


def start_run(rally: Rally, *, school: School, teacher: User, class_label: str, starts_at: dt.datetime,
              ends_at: dt.datetime, retention_days: int | None = None, max_retention_days: int,
              default_retention_days: int, share_uploads_with_institution: bool = False,
              now: dt.datetime | None = None) -> ClassRun:
    """Start a class run of the rally's current published version; returns the run with its join code.

    Refused: a teacher of another school (403), a rally that is not published (409), a
    partner-only rally without a registered, current partnership (403 `no_partnership`),
    a bad window or label (422), a retention outside 1..`max_retention_days` (422
    `retention_out_of_bounds`). A run of a partner school records its partnership, also for
    public rallies, so that certificates and figures can name the programme.
    """
    now = now or utcnow()
    if school.id not in {s.id for s in _teacher_schools(teacher)}:
        raise Forbidden(msg("Nur Lehrkräfte der Schule starten ihre Klassenrallyes."), code="not_your_school")
    label = _clean_label(class_label)
    errors = _check_window(starts_at, ends_at, now=now)
    if errors:
        raise Invalid(msg("Das Spielfenster ist ungültig."), errors=errors)
    days = _check_retention(default_retention_days if retention_days is None else retention_days,
                            max_retention_days=max_retention_days)
    if not rally.is_published:
        raise Conflict(msg("Die Rallye ist nicht veröffentlicht."), code="not_published")
    if rally.partnership_id is not None and rally.partnership.school_id == school.id:
        partnership = rally.partnership if is_current(rally.partnership, now.date()) else None
    elif rally.institution_id is not None:
        partnership = current_partnership(school.id, rally.institution_id, now.date())
    else:
        partnership = None
    if not may_school_run(rally, school.id, now.date()):
        _, reason = may_run(rally, teacher, school, today=now.date())
        raise Forbidden(reason, code="no_partnership" if rally.visibility == "partners" else "not_your_school")
    run = ClassRun(
        rally_id=rally.id, rally_version_id=rally.published_version_id, school_id=school.id,
        teacher_id=teacher.id, partnership_id=partnership.id if partnership else None, class_label=label,
        starts_at=starts_at.astimezone(dt.timezone.utc), ends_at=ends_at.astimezone(dt.timezone.utc),
        retention_days=days, delete_after=ends_at + dt.timedelta(days=days),
        share_uploads_with_institution=bool(share_uploads_with_institution), created_at=now,
    )
    for _ in range(5):
        run.join_code = unique_join_code()
        try:
            with db.session.begin_nested():
                db.session.add(run)
        except IntegrityError:  # the same code taken by a concurrent request: draw again
            continue
        break
    else:
        raise Conflict(msg("Kein freier Beitrittscode gefunden; bitte noch einmal versuchen."), code="join_code_unavailable")
    log.info("class run %s of rally %s v%s started by user %s", run.id, rally.id, rally.version, teacher.id)
    return run


def default_run_minutes(rally: Rally) -> int:
    """How long a run started now lasts: the rally's `run_minutes` setting, else 90 minutes."""
    return int((rally.settings or {}).get("run_minutes") or DEFAULT_RUN_MINUTES)


def start_run_now(rally: Rally, *, minutes: int | None = None, now: dt.datetime | None = None, **kwargs) -> ClassRun:
    """"Jetzt starten": a run whose window opens now and lasts `minutes` (default: the rally's setting)."""
    now = now or utcnow()
    length = dt.timedelta(minutes=minutes or default_run_minutes(rally))
    return start_run(rally, starts_at=now, ends_at=now + length, now=now, **kwargs)


# --- Changing and deleting -------------------------------------------------------------

def require_run_teacher(run: ClassRun, actor: User) -> None:
    """Only teachers of the run's school change it, grade it or delete it."""
    if getattr(actor, "role", None) != "teacher" or run.school_id not in actor.school_ids:
        raise Forbidden(msg("Das können nur die Lehrkräfte der Klasse."), code="not_run_teacher")


def require_not_purged(run: ClassRun) -> None:
    if run.purged_at is not None:
        raise Conflict(msg("Die Daten der Schülerinnen und Schüler dieser Klassenrallye sind gelöscht."), code="run_deleted")


def update_run(run: ClassRun, *, actor: User, max_retention_days: int, now: dt.datetime | None = None,
               **fields) -> ClassRun:
    """Change a run: label and start only before it starts; its end also while it is under way;
    retention, sharing and the closing ranking at any time.

    A new retention period counts from the run's end, so a teacher can shorten it (data
    goes sooner) or lengthen it within the operator's bound. A new end moves the teams'
    token expiry with it; answers already stored are never judged again.
    """
    now = now or utcnow()
    require_run_teacher(run, actor)
    require_not_purged(run)
    unknown = set(fields) - {"class_label", "starts_at", "ends_at", "retention_days", "share_uploads_with_institution",
                             "show_ranking"}
    if unknown:
        raise Invalid(msg("Unbekannte Felder."), errors={name: [msg("Unbekanntes Feld.")] for name in sorted(unknown)})
    started = now >= run.starts_at
    if started and ("class_label" in fields and fields["class_label"] != run.class_label
                    or "starts_at" in fields and fields["starts_at"] != run.starts_at):
        raise Conflict(msg("Klasse und Beginn lassen sich nur vor dem Beginn ändern."), code="run_started")
    if started and "ends_at" in fields and now > run.ends_at:
        raise Conflict(msg("Der Lauf ist schon beendet; sein Ende lässt sich nicht mehr verschieben."),
                       code="run_ended")
    old_ends_at = run.ends_at
    if "class_label" in fields:
        run.class_label = _clean_label(fields["class_label"])
    if "starts_at" in fields or "ends_at" in fields:
        starts_at = fields.get("starts_at", run.starts_at)
        ends_at = fields.get("ends_at", run.ends_at)
        errors = _check_window(starts_at, ends_at, now=now)
        if errors:
            raise Invalid(msg("Das Spielfenster ist ungültig."), errors=errors)
        run.starts_at = starts_at.astimezone(dt.timezone.utc)
        run.ends_at = ends_at.astimezone(dt.timezone.utc)
    if "retention_days" in fields:
        run.retention_days = _check_retention(fields["retention_days"], max_retention_days=max_retention_days)
    if "share_uploads_with_institution" in fields:
        run.share_uploads_with_institution = bool(fields["share_uploads_with_institution"])
    if "show_ranking" in fields:
        run.show_ranking = bool(fields["show_ranking"])
    run.delete_after = run.ends_at + dt.timedelta(days=run.retention_days)
    if run.ends_at != old_ends_at:
        _move_team_expiry(run)
    db.session.flush()
    log.info("class run %s changed by user %s", run.id, actor.id)
    return run


def _token_grace() -> dt.timedelta:
    try:
        from rallies.runtime import setting

        return dt.timedelta(hours=float(setting("TOKEN_GRACE_HOURS")))
    except (RuntimeError, KeyError):  # outside an app context
        return DEFAULT_TOKEN_GRACE


def _move_team_expiry(run: ClassRun) -> None:
    """Team tokens live until the run's end plus the grace period, also after the end moved."""
    db.session.execute(db.update(Team).where(Team.class_run_id == run.id).values(expires_at=run.ends_at + _token_grace()),
                       execution_options={"synchronize_session": False})


def start_now(run: ClassRun, *, actor: User, now: dt.datetime | None = None) -> ClassRun:
    """Open a planned run now, keeping the length of its window."""
    now = now or utcnow()
    require_run_teacher(run, actor)
    require_not_purged(run)
    if now >= run.starts_at:
        raise Conflict(msg("Der Lauf hat schon begonnen."), code="run_started")
    length = run.ends_at - run.starts_at
    run.starts_at = now
    run.ends_at = now + length
    run.delete_after = run.ends_at + dt.timedelta(days=run.retention_days)
    _move_team_expiry(run)
    db.session.flush()
    log.info("class run %s started now by user %s", run.id, actor.id)
    return run


def retire_join_code(run: ClassRun) -> None:
    """Give a deleted run a code no phone can type (`~` is never in a join code), so nobody joins it again."""
    run.join_code = f"~{run.id:x}"[:8]


def purge_pupil_data(runs: list[ClassRun], *, storage, now: dt.datetime) -> dict[str, int]:
    """Delete teams, answers, scans, check-ins, unlocks and uploads (files first) of the runs.

    Each run stays as an anonymous shell (class label, dates, team counts) for the
    programme's figures. Returns how many of each kind were deleted.
    """
    if not runs:
        return {"runs": 0}
    run_ids = [run.id for run in runs]
    team_ids = list(db.session.scalars(db.select(Team.id).where(Team.class_run_id.in_(run_ids))))
    tallies = dict(
        (row[0], (row[1], row[2])) for row in db.session.execute(
            db.select(Team.class_run_id, db.func.count(Team.id), db.func.count(Team.finished_at))
            .where(Team.class_run_id.in_(run_ids)).group_by(Team.class_run_id))
    )
    counts = {"runs": len(runs), **delete_team_rows(team_ids, storage=storage)}
    counts["messages"] = db.session.execute(
        db.delete(RunMessage).where(RunMessage.class_run_id.in_(run_ids)), execution_options={"synchronize_session": False}
    ).rowcount
    for run in runs:
        teams, finished = tallies.get(run.id, (0, 0))
        run.team_count = (run.team_count or 0) + teams
        run.finished_team_count = (run.finished_team_count or 0) + finished
        run.purged_at = now
        run.last_message_at = None
        retire_join_code(run)
    db.session.flush()
    return counts


def delete_team_rows(team_ids: list[int], *, storage) -> dict[str, int]:
    """Delete the teams with everything they sent: their upload files first, then the rows.

    Files go first: if the transaction then fails, the rows remain and the next run of the
    retention job deletes them; the other way round could leave pupils' files behind.
    """
    counts = {"teams": 0, "answers": 0, "scans": 0, "checkins": 0, "unlocks": 0, "uploads": 0, "files": 0}
    for start in range(0, len(team_ids), CHUNK):
        chunk = team_ids[start:start + CHUNK]
        names = db.session.scalars(db.select(Upload.storage_name).where(Upload.team_id.in_(chunk))).all()
        for name in names:
            storage.delete(name)
        counts["files"] += len(names)
        for key, model in (("answers", Answer), ("scans", Scan), ("checkins", Checkin),
                           ("unlocks", StationUnlock), ("uploads", Upload)):
            counts[key] += db.session.execute(
                db.delete(model).where(model.team_id.in_(chunk)), execution_options={"synchronize_session": False}
            ).rowcount
        counts["teams"] += db.session.execute(
            db.delete(Team).where(Team.id.in_(chunk)), execution_options={"synchronize_session": False}
        ).rowcount
    db.session.expire_all()
    return counts


def delete_run(run: ClassRun, *, actor: User, storage, now: dt.datetime | None = None) -> dict[str, int]:
    """The teacher deletes a run's pupil data early, for good, files included.

    The run row stays as an anonymous shell with its team count for the programme's
    figures, and its join code is retired.
    """
    now = now or utcnow()
    require_run_teacher(run, actor)
    require_not_purged(run)
    counts = purge_pupil_data([run], storage=storage, now=now)
    log.info("class run %s deleted early by user %s (%s teams)", run.id, actor.id, counts["teams"])
    return counts


# --- Reading ---------------------------------------------------------------------------

def get_run(run_id: int) -> ClassRun:
    run = db.session.get(ClassRun, run_id)
    if run is None:
        raise NotFound(msg("Diese Klassenrallye gibt es nicht."))
    return run


def runs_for(user: User, *, rally_id: int | None = None) -> list[ClassRun]:
    """Teachers: their schools' runs; editors: runs of their institutions' rallies; newest first."""
    query = db.select(ClassRun).order_by(ClassRun.starts_at.desc(), ClassRun.id.desc())
    if user.role == "teacher":
        query = query.where(ClassRun.school_id.in_(user.school_ids or {-1}))
    elif user.role == "editor":
        query = query.join(Rally, Rally.id == ClassRun.rally_id).where(Rally.institution_id.in_(
            user.institution_ids or {-1}) | Rally.partnership_id.is_not(None))
    else:
        raise Forbidden(msg("Das Programmbüro sieht nur zusammengefasste Kennzahlen."))
    if rally_id is not None:
        query = query.where(ClassRun.rally_id == rally_id)
    found = list(db.session.scalars(query))
    if user.role == "editor":  # co-owned rallies: only those the editor authors
        found = [run for run in found if run.rally.institution_id in user.institution_ids
                 or EDIT in rally_permissions(user, run.rally)]
    return found


def team_counts(run_ids: list[int]) -> dict[int, int]:
    """Teams per run, in one query."""
    if not run_ids:
        return {}
    return dict(db.session.execute(
        db.select(Team.class_run_id, db.func.count(Team.id)).where(Team.class_run_id.in_(run_ids))
        .group_by(Team.class_run_id)
    ).all())


def run_state(run: ClassRun, now: dt.datetime | None = None) -> str:
    """`scheduled`, `open`, `ended` or `deleted`, as teachers see it."""
    now = now or utcnow()
    if run.purged_at is not None:
        return "deleted"
    if now < run.starts_at:
        return "scheduled"
    return "open" if now <= run.ends_at else "ended"
