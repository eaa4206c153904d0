"""Anonymous figures for the programme office, and the partnerships that need its attention.

Figures are counts per region and institution kind (the institution's region): rallies
published, class runs held, teams and the share of teams that finished. They are built
by grouped queries over runs and teams only, never from answers, so the office sees no
pupil data at all. Runs whose pupil data retention has deleted still count, through the
team counts kept on their anonymous shell (see `rallies.retention`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict

from rallies.db import db, utcnow
from rallies.messages import msg
from rallies.models import ADMITTED_KINDS, ClassRun, Institution, Rally, Team
from rallies.partnerships import due_list

FIGURE_FIELDS = ("region", "institution_kind", "rallies_published", "runs_held", "teams", "teams_finished",
                 "completion_rate")


def figures(*, now: dt.datetime | None = None) -> list[dict]:
    """One row per (region, institution kind) with at least one published rally or held run."""
    now = now or utcnow()
    rows: dict[tuple[str, str], dict] = defaultdict(lambda: {"rallies_published": 0, "runs_held": 0,
                                                             "teams": 0, "teams_finished": 0})
    key = (Institution.region, Institution.kind)
    for region, kind, count in db.session.execute(
            db.select(*key, db.func.count(Rally.id)).join(Institution, Institution.id == Rally.institution_id)
            .where(Rally.visibility != "draft", Rally.published_version_id.is_not(None)).group_by(*key)):
        rows[(region, kind)]["rallies_published"] += count
    held = (db.select(ClassRun.id, Institution.region, Institution.kind, ClassRun.team_count,
                      ClassRun.finished_team_count)
            .join(Rally, Rally.id == ClassRun.rally_id).join(Institution, Institution.id == Rally.institution_id)
            .where(ClassRun.starts_at <= now)).subquery()
    for region, kind, runs, shell_teams, shell_finished in db.session.execute(
            db.select(held.c.region, held.c.kind, db.func.count(held.c.id),
                      db.func.coalesce(db.func.sum(held.c.team_count), 0),
                      db.func.coalesce(db.func.sum(held.c.finished_team_count), 0))
            .group_by(held.c.region, held.c.kind)):
        row = rows[(region, kind)]
        row["runs_held"] += runs
        row["teams"] += int(shell_teams)
        row["teams_finished"] += int(shell_finished)
    for region, kind, teams, finished in db.session.execute(
            db.select(*key, db.func.count(Team.id), db.func.count(Team.finished_at))
            .join(ClassRun, ClassRun.id == Team.class_run_id).join(Rally, Rally.id == ClassRun.rally_id)
            .join(Institution, Institution.id == Rally.institution_id).group_by(*key)):
        rows[(region, kind)]["teams"] += teams
        rows[(region, kind)]["teams_finished"] += finished
    result = []
    for (region, kind), row in sorted(rows.items(), key=lambda item: (item[0][0] or "", item[0][1] or "")):
        rate = round(row["teams_finished"] / row["teams"], 4) if row["teams"] else None
        result.append({"region": region or "", "institution_kind": kind,
                       "institution_kind_label": ADMITTED_KINDS.get(kind, kind), **row, "completion_rate": rate})
    return result


def totals(rows: list[dict]) -> dict:
    """The figures summed over all regions and kinds."""
    summed = {name: sum(r[name] for r in rows) for name in ("rallies_published", "runs_held", "teams", "teams_finished")}
    summed["completion_rate"] = round(summed["teams_finished"] / summed["teams"], 4) if summed["teams"] else None
    return summed


FIGURE_HEADINGS = (msg("Region"), msg("Art der Einrichtung"), msg("Veröffentlichte Rallyes"), msg("Klassenläufe"),
                   msg("Teams"), msg("Teams fertig"), msg("Abschlussquote"))


def figures_csv(rows: list[dict], *, sep: str = ",", say=None) -> bytes:
    """The figures as CSV (UTF-8 with BOM; with `;` decimals get a comma, as German spreadsheets expect).

    Without `say` the headings are the API's field names (for programs); with it, words for
    people in the reader's language, and institution kinds by their names.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow([say(h) for h in FIGURE_HEADINGS] if say else FIGURE_FIELDS)
    for row in rows:
        rate = row["completion_rate"]
        rate_text = "" if rate is None else f"{rate:.4f}".rstrip("0").rstrip(".")
        if sep == ";":
            rate_text = rate_text.replace(".", ",")
        kind = say(ADMITTED_KINDS.get(row["institution_kind"], row["institution_kind"])) if say else row["institution_kind"]
        writer.writerow([row["region"], kind, row["rallies_published"], row["runs_held"],
                         row["teams"], row["teams_finished"], rate_text])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def partnerships_due(today: dt.date | None = None, *, within_days: int = 90) -> list[dict]:
    """Partnerships due for evaluation or renewal, as the office's list shows them."""
    rows = []
    for item in due_list(today, within_days=within_days):
        partnership = item["partnership"]
        rows.append({
            "partnership_id": partnership.id,
            "title": partnership.title,
            "status": partnership.status,
            "school": partnership.school.name,
            "institutions": [m.institution.name for m in partnership.members],
            "due": item["due"],
            "on": item["on"],
        })
    return rows
