"""How long `flask db upgrade` takes on a database of real size (the bench's data, and more).

Seeds the benchmark rallies, then a term's worth of class runs — `--runs` runs of `--teams`
teams, each team with an answer to every task — through Core inserts, migrates the schema
back to the first revision (the later migrations only add, so the data stays), and times
`flask --app server db upgrade` to the head, as an operator runs it. Prints the row counts
and the seconds.

    .venv/bin/python bench/upgrade_timing.py --runs 60 --teams 30
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench import ours  # noqa: E402
from bench.pg import BenchPostgres  # noqa: E402


def _fill(pg, runs: int, teams: int) -> dict:
    """Class runs with teams and answers, inserted in bulk; returns the row counts."""
    import sqlalchemy as sa

    from rallies.models import Answer, ClassRun, Rally, Team

    engine = sa.create_engine(pg.url(ours.DB_NAME))
    now = dt.datetime.now(dt.timezone.utc)
    with engine.begin() as connection:
        rally = connection.execute(sa.select(Rally.id, Rally.published_version_id).order_by(Rally.id)).first()
        template = connection.execute(sa.select(ClassRun).order_by(ClassRun.id)).first()._mapping
        tasks = [tuple(row) for row in connection.execute(sa.text(
            "SELECT t.id, t.station_id FROM tasks t JOIN stations s ON s.id = t.station_id WHERE s.rally_id = :r"),
            {"r": rally.id})]
        for run_no in range(runs):
            run_id = connection.execute(sa.insert(ClassRun).values(
                rally_id=rally.id, rally_version_id=rally.published_version_id, school_id=template["school_id"],
                teacher_id=template["teacher_id"], class_label=f"R{run_no}", join_code=f"U{run_no:05d}",
                starts_at=now - dt.timedelta(days=2), ends_at=now - dt.timedelta(days=1), retention_days=30,
                delete_after=now + dt.timedelta(days=29)).returning(ClassRun.id)).scalar()
            team_rows = [dict(class_run_id=run_id, rally_id=rally.id, rally_version_id=rally.published_version_id,
                              name=f"Team {n}", name_scope=f"run:{run_id}", name_key=f"team {n}",
                              token_hash=uuid.uuid4().hex + uuid.uuid4().hex, joined_at=now - dt.timedelta(days=2),
                              expires_at=now) for n in range(teams)]
            team_ids = connection.execute(sa.insert(Team).returning(Team.id), team_rows).scalars().all()
            connection.execute(sa.insert(Answer), [
                dict(team_id=team_id, client_id=str(uuid.uuid4()), task_id=task_id, station_id=station_id, value=7,
                     value_digest="x" * 64,
                     answered_at=now - dt.timedelta(days=2), received_at=now - dt.timedelta(days=2),
                     correct=True, points=10, hint_used=False, pending_review=False)
                for team_id in team_ids for task_id, station_id in tasks])
        counts = {table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
                  for table in ("class_runs", "teams", "answers", "tasks")}
    engine.dispose()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--teams", type=int, default=30)
    args = parser.parse_args()
    pg = BenchPostgres().start()
    media = tempfile.mkdtemp(prefix="rally-upgrade-media-")
    try:
        log = os.path.join(media, "migrate.log")
        ours.migrate(pg, media, log)
        ours.seed(pg, media)
        counts = _fill(pg, args.runs, args.teams)
        env = ours.server_env(pg, media)
        flask = [os.path.join(ours.VENV_BIN, "flask"), "--app", "server", "db"]
        first = subprocess.run(flask + ["heads"], cwd=ROOT, env=env, capture_output=True, text=True)
        subprocess.run(flask + ["downgrade", "ae499b4d0038"], cwd=ROOT, env=env, check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run(flask + ["upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        seconds = time.perf_counter() - started
        print(f"rows: {counts}")
        print(f"flask db upgrade, first revision -> head ({first.stdout.split()[0] if first.stdout else '?'}): "
              f"{seconds:.1f} s (includes starting the app, ~1-2 s)")
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
