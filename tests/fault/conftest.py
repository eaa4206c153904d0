"""A real gunicorn server on the test PostgreSQL cluster, seeded with a rally and a class run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.support.postgres import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    database_url: str
    join_code: str
    task_ids: list[int]

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]


def _seed(database_url: str, media_dir: str) -> tuple[str, list[int]]:
    """Migrate a fresh database and create a published rally with a class run."""
    from flask_migrate import upgrade

    from rallies import accounts, authoring, directory, publishing
    from rallies.db import db
    from rallies.models import ClassRun
    from server import create_app
    import datetime as dt

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "MEDIA_STORAGE": media_dir,
                      "SECRET_KEY": "fault-tests", "TESTING": True})
    with app.app_context():
        upgrade()
        office = accounts.create_user(email="office@example.org", password="x" * 12, role="office")
        museum = directory.create_institution(actor=office, name="Museum", kind="museum", municipal=True)
        school = directory.create_school(actor=office, name="Schule")
        editor = accounts.create_user(email="ed@example.org", password="x" * 12, role="editor",
                                      institution_ids=[museum.id])
        rally = authoring.create_rally(museum, actor=editor, title="Last", about="Fault tests", language="de",
                                       age_min=10, age_max=14, settings={"station_order": "free"})
        task_ids = []
        for s in range(4):
            station = authoring.add_station(rally, actor=editor, title=f"S{s}")
            for t in range(5):
                task = authoring.add_task(station, actor=editor, type="number", points=10, prompt_md="Wie viele?",
                                          config={"value": 7, "tolerance": 0})
                task_ids.append(task.id)
        publishing.publish(rally, actor=editor, visibility="partners")
        now = dt.datetime.now(dt.timezone.utc)
        run = ClassRun(rally_id=rally.id, rally_version_id=rally.published_version_id, school_id=school.id,
                       class_label="9a", join_code=publishing.unique_join_code(),
                       starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=5),
                       retention_days=30, delete_after=now + dt.timedelta(days=31))
        db.session.add(run)
        db.session.commit()
        code = run.join_code
        db.engine.dispose()
    return code, task_ids


@pytest.fixture
def live_gunicorn(pg_cluster, tmp_path):
    """gunicorn with two workers on PostgreSQL, stopped after the test."""
    name = f"fault_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
    pg_cluster.psql(f"CREATE DATABASE {name}")
    database_url = pg_cluster.url(name)
    media_dir = str(tmp_path / "media")
    code, task_ids = _seed(database_url, media_dir)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_STORAGE": media_dir, "SECRET_KEY": "fault-tests",
           "RALLY_ENV": "development", "LOG_LEVEL": "WARNING", "PUBLIC_URL": f"http://127.0.0.1:{port}"}
    log_file = open(tmp_path / "gunicorn.log", "wb")  # a file, never a pipe nobody reads (it would fill and block)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}",
         "--graceful-timeout", "2", "--timeout", "30", "server:create_app()"],
        cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
    )
    log_file.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/api/v1/rallies", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text()[-2000:])
    server = LiveServer(url, process, database_url, code, task_ids)
    yield server
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    pg_cluster.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    log_lines = (tmp_path / "gunicorn.log").read_text().splitlines()
    print("\n".join(line for line in log_lines if '"status":200' not in line)[-20000:])  # shown when a test failed


def stored_answer_ids(database_url: str) -> list[tuple[int, str]]:
    """(team_id, client_id) of every stored answer, read straight from the database."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT team_id, client_id FROM answers")).all()
    engine.dispose()
    return [(r[0], r[1]) for r in rows]
