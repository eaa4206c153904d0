"""Deleting pupil data for good once its retention period is over.

Pupils are minors, so every class run has a retention period (`ClassRun.delete_after`,
its end plus the teacher's chosen days within the operator's bound). Past it, the run's
teams, answers, scans, check-ins, unlocks and uploads are deleted, the upload FILES
first. Free-play teams, which have no teacher and no run, are deleted once their token
expired longer ago than the operator's default retention.

The run row itself stays, as an anonymous shell: rally, school, class label, dates and
the number of teams (and of finished teams), with its join code retired. It holds nothing
about a pupil and keeps the programme office's figures (runs held, teams, completion rate)
right after the data behind them is gone.

Run it daily from cron: `flask --app server retention run` (`--dry-run` to only list).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from rallies.db import db, utcnow
from rallies.models import ClassRun, Team, Upload
from rallies.runs import delete_team_rows, purge_pupil_data

log = logging.getLogger(__name__)

FALLBACK_RETENTION_DAYS = 30


@dataclass
class Report:
    """What a retention run deleted (or, with dry_run, would delete)."""

    dry_run: bool = False
    run_ids: list[int] = field(default_factory=list)
    teams: int = 0
    answers: int = 0
    uploads: int = 0
    files: int = 0
    free_play_teams: int = 0
    workshops: int = 0
    workshop_teams: int = 0

    def summary(self) -> str:
        verb = "Would delete" if self.dry_run else "Deleted"
        runs = ", ".join(str(i) for i in self.run_ids) or "none"
        return (f"{verb} pupil data of {len(self.run_ids)} class run(s) (ids: {runs}): {self.teams} team(s), "
                f"{self.answers} answer(s), {self.uploads} upload(s) with {self.files} file(s); "
                f"{self.free_play_teams} expired free-play team(s); {self.workshops} workshop(s) with "
                f"{self.workshop_teams} team draft(s).")


def _default_retention_days() -> int:
    """The operator's default retention, from the app's settings when there is an app."""
    try:
        from rallies.runtime import setting

        return int(setting("RETENTION_DAYS_DEFAULT"))
    except (RuntimeError, KeyError):  # outside an app context
        return FALLBACK_RETENTION_DAYS


def expired_runs(now: dt.datetime) -> list[ClassRun]:
    return list(db.session.scalars(
        db.select(ClassRun).where(ClassRun.delete_after <= now, ClassRun.purged_at.is_(None)).order_by(ClassRun.id)
    ))


def purge_expired(*, storage, now: dt.datetime | None = None, dry_run: bool = False,
                  free_play_retention_days: int | None = None) -> Report:
    """Delete the pupil data of every run past `delete_after`, and long-expired free-play teams.

    Nothing of any other run is touched. The caller commits (the CLI does); files are
    deleted before the rows, so a failed commit leaves rows for the next run to retry,
    never files without rows.
    """
    now = now or utcnow()
    days = free_play_retention_days if free_play_retention_days is not None else _default_retention_days()
    runs = expired_runs(now)
    report = Report(dry_run=dry_run, run_ids=[run.id for run in runs])
    free_cutoff = now - dt.timedelta(days=days)
    free_team_ids = list(db.session.scalars(
        db.select(Team.id).where(Team.class_run_id.is_(None), Team.expires_at <= free_cutoff)))
    if dry_run:
        run_team_ids = db.select(Team.id).where(Team.class_run_id.in_(report.run_ids))
        report.teams = db.session.scalar(db.select(db.func.count()).select_from(run_team_ids.subquery()))
        all_ids = db.select(Team.id).where(db.or_(Team.class_run_id.in_(report.run_ids), Team.id.in_(free_team_ids)))
        from rallies.models import Answer

        report.answers = db.session.scalar(db.select(db.func.count(Answer.id)).where(Answer.team_id.in_(all_ids)))
        report.uploads = report.files = db.session.scalar(
            db.select(db.func.count(Upload.id)).where(Upload.team_id.in_(all_ids)))
        report.free_play_teams = len(free_team_ids)
        _workshops(report, storage=storage, now=now, dry_run=True)
        return report
    counts = purge_pupil_data(runs, storage=storage, now=now)
    free = delete_team_rows(free_team_ids, storage=storage)
    report.teams = counts.get("teams", 0)
    report.answers = counts.get("answers", 0) + free["answers"]
    report.uploads = counts.get("uploads", 0) + free["uploads"]
    report.files = counts.get("files", 0) + free["files"]
    report.free_play_teams = free["teams"]
    _workshops(report, storage=storage, now=now, dry_run=False)
    log.info("retention: %s", report.summary())
    return report


def _workshops(report: Report, *, storage, now: dt.datetime, dry_run: bool) -> None:
    """Creative workshops: teams, drafts and their files go at retention like a run's data."""
    from rallies import workshops

    counts = workshops.purge_expired(storage=storage, now=now, dry_run=dry_run)
    report.workshops = counts["workshops"]
    report.workshop_teams = counts["teams"]
    report.files += counts["files"]


def upcoming_deletions(days: int = 7, *, now: dt.datetime | None = None,
                       school_ids: set[int] | None = None) -> list[ClassRun]:
    """Runs whose data will be deleted within `days`, soonest first, so teachers can be told."""
    now = now or utcnow()
    query = db.select(ClassRun).where(
        ClassRun.purged_at.is_(None), ClassRun.delete_after > now,
        ClassRun.delete_after <= now + dt.timedelta(days=days),
    ).order_by(ClassRun.delete_after, ClassRun.id)
    if school_ids is not None:
        query = query.where(ClassRun.school_id.in_(school_ids or {-1}))
    return list(db.session.scalars(query))
