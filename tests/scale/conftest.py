"""Two app instances as deployed for scale-out: two gunicorn processes on one PostgreSQL, one
Redis (rate limits) and one S3-compatible server (moto in server mode, media storage).

A missing redis-server or moto fails the run (with CI=true and without): the test is part
of `make test`, which installs both.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.support.postgres import free_port
from tests.support.servers import spawn, start_gunicorn, stop, wait_until

BUCKET = "rally-media"
AWS_ENV = {"AWS_ACCESS_KEY_ID": "scale-test", "AWS_SECRET_ACCESS_KEY": "scale-test",
           "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("scale-logs")


@pytest.fixture(scope="module")
def redis_url(logs):
    """A private redis-server on a free loopback port, without persistence."""
    binary = shutil.which("redis-server") or ("/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server")
                                              else None)
    if binary is None:
        pytest.fail("redis-server is required (Debian package redis-server; `make test` installs it)")
    port = free_port()
    process = spawn([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                     logs / "redis.log")
    import redis

    url = f"redis://127.0.0.1:{port}/0"
    wait_until(lambda: redis.Redis.from_url(url).ping(), "redis-server", process)
    yield url
    stop(process)


@pytest.fixture(scope="module")
def s3_endpoint(logs):
    """moto's S3 in server mode on a free loopback port, with the media bucket created."""
    try:
        import boto3
        import moto.server  # noqa: F401 - only to fail clearly when moto[server] is missing
    except ImportError as error:
        pytest.fail(f"moto[server] and boto3 are required (pip install 'moto[server]'): {error}")
    port = free_port()
    process = spawn([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                     logs / "moto.log", env={**os.environ, **AWS_ENV})
    endpoint = f"http://127.0.0.1:{port}"
    wait_until(lambda: requests.get(endpoint + "/moto-api/", timeout=2).status_code < 500, "moto_server", process)
    boto3.client("s3", endpoint_url=endpoint, **_boto_credentials()).create_bucket(Bucket=BUCKET)
    yield endpoint
    stop(process)


def _boto_credentials() -> dict:
    return {"aws_access_key_id": AWS_ENV["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": AWS_ENV["AWS_SECRET_ACCESS_KEY"],
            "region_name": AWS_ENV["AWS_DEFAULT_REGION"]}


@dataclass
class Deployment:
    urls: list[str]
    database_url: str
    media_storage: str
    s3_endpoint: str
    join_code: str
    number_task_ids: list[int]
    photo_task_id: int
    institution_id: int
    editor_token: str
    processes: list[subprocess.Popen] = field(default_factory=list)

    def s3_client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.s3_endpoint, **_boto_credentials())


def _seed(database_url: str, media_storage: str) -> dict:
    """Migrate the fresh database; a published rally (number tasks, a photo task) with an open class run."""
    from flask_migrate import upgrade

    from rallies import accounts, authoring, directory, publishing
    from rallies.db import db
    from rallies.models import ClassRun
    from server import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "MEDIA_STORAGE": media_storage,
                      "SECRET_KEY": "scale-tests", "TESTING": True})
    with app.app_context():
        upgrade()
        office = accounts.create_user(email="office@example.org", password="x" * 12, role="office")
        museum = directory.create_institution(actor=office, name="Museum", kind="museum", municipal=True)
        school = directory.create_school(actor=office, name="Schule")
        editor = accounts.create_user(email="ed@example.org", password="x" * 12, role="editor",
                                      institution_ids=[museum.id])
        _, editor_token = accounts.issue_api_token(editor, "scale test")
        rally = authoring.create_rally(museum, actor=editor, title="Zwei Instanzen", about="Scale-out", language="de",
                                       age_min=10, age_max=14, settings={"station_order": "free"})
        station = authoring.add_station(rally, actor=editor, title="Eingang")
        numbers = [authoring.add_task(station, actor=editor, type="number", points=10,
                                      prompt_md="Wie viele Bilder?", config={"value": 7, "tolerance": 0}).id for _ in range(6)]
        photo = authoring.add_task(station, actor=editor, type="photo", points=5,
                                   prompt_md="Fotografiert das Bild.", config={}).id
        publishing.publish(rally, actor=editor, visibility="partners")
        now = dt.datetime.now(dt.timezone.utc)
        run = ClassRun(rally_id=rally.id, rally_version_id=rally.published_version_id, school_id=school.id,
                       class_label="9a", join_code=publishing.unique_join_code(),
                       starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=5),
                       retention_days=30, delete_after=now + dt.timedelta(days=31))
        db.session.add(run)
        db.session.commit()
        seeded = {"join_code": run.join_code, "number_task_ids": numbers, "photo_task_id": photo,
                  "institution_id": museum.id, "editor_token": editor_token}
        db.engine.dispose()
    return seeded


@pytest.fixture(scope="module")
def two_instances(pg_cluster, redis_url, s3_endpoint, logs):
    """Two gunicorn instances sharing the database, Redis and S3; stopped after the module."""
    name = f"scale_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
    pg_cluster.psql(f"CREATE DATABASE {name}")
    database_url = pg_cluster.url(name)
    media_storage = f"s3://{BUCKET}/media?endpoint_url={s3_endpoint}"
    old_env = {key: os.environ.get(key) for key in AWS_ENV}
    os.environ.update(AWS_ENV)  # the seeding app builds its S3 client from the environment too
    try:
        seeded = _seed(database_url, media_storage)
    finally:
        for key, value in old_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    deployment = Deployment([], database_url, media_storage, s3_endpoint, **seeded)
    for number in range(2):
        port = free_port()
        env = {**os.environ, **AWS_ENV, "DATABASE_URL": database_url, "MEDIA_STORAGE": media_storage,
               "RATELIMIT_STORAGE_URI": redis_url, "SECRET_KEY": "scale-tests", "RALLY_ENV": "development",
               "LOG_LEVEL": "WARNING", "PUBLIC_URL": f"http://127.0.0.1:{port}"}
        process = start_gunicorn(port, env, logs / f"gunicorn-{number}.log", ready_path="/api/v1/rallies",
                                 options=["--workers", "1", "--threads", "4", "--graceful-timeout", "2",
                                          "--timeout", "60"])
        deployment.processes.append(process)
        deployment.urls.append(f"http://127.0.0.1:{port}")
    yield deployment
    for process in deployment.processes:
        stop(process)
    pg_cluster.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
