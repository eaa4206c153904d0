"""Fixtures: an app per test on SQLite and on PostgreSQL, clients, and small factories.

Every test that asks for `app` (or anything built on it) runs once per backend. The
schema is built once per session and backend through the Alembic migrations, then copied
for each test (a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL).
"""

from __future__ import annotations

import itertools
import os
import shutil

import pytest

from tests.support.postgres import start_cluster

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
BACKENDS = ["sqlite", "postgresql"]
_counter = itertools.count()


def base_config(tmp_path, database_url: str) -> dict:
    return {
        "ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MEDIA_STORAGE": str(tmp_path / "media"),
        "MAIL_FILE_PATH": str(tmp_path / "outbox"),
        "MAIL_BACKEND": "server.mail.OutboxEmailBackend",
        "WTF_CSRF_ENABLED": False,
        "PUBLIC_URL": "https://rally.example",
        "SERVER_NAME": None,
    }


def _migrate(database_url: str, tmp_path) -> None:
    from flask_migrate import upgrade

    from server import create_app

    app = create_app(base_config(tmp_path, database_url))
    with app.app_context():
        upgrade()
        from rallies.db import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def pg_cluster():
    try:
        cluster = start_cluster()
    except (FileNotFoundError, RuntimeError) as error:
        # Every database test runs on both backends; a missing one is a failure, never a skip.
        where = "in CI" if IN_CI else "(run `make test`, which installs Debian's postgresql)"
        pytest.fail(f"PostgreSQL is required {where}: {error}")
    yield cluster
    cluster.cleanup()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite3"
    _migrate(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def pg_template(pg_cluster, tmp_path_factory):
    pg_cluster.psql("CREATE DATABASE rally_template")
    _migrate(pg_cluster.url("rally_template"), tmp_path_factory.mktemp("pg-template"))
    return "rally_template"


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def database_url(backend, request, tmp_path):
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    template = request.getfixturevalue("pg_template")
    name = f"t_{os.getpid()}_{next(_counter)}"
    cluster.psql(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield cluster.url(name)
    cluster.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def app_config(database_url, tmp_path):
    return base_config(tmp_path, database_url)


@pytest.fixture
def app(app_config):
    from rallies.db import db
    from server import create_app

    app = create_app(app_config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def db(app):
    from rallies.db import db as database

    return database


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Minimal argon2 cost for test users; production parameters are checked in test_accounts."""
    from argon2 import PasswordHasher

    from rallies import accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def storage(app):
    return app.extensions["media_storage"]


def pytest_terminal_summary(terminalreporter):
    """Say how many tests ran on each database backend, so a missing backend is visible."""
    counts = {backend: 0 for backend in BACKENDS}
    for report in terminalreporter.stats.get("passed", []):
        for backend in BACKENDS:
            if f"[{backend}" in report.nodeid or f"-{backend}]" in report.nodeid or f"-{backend}-" in report.nodeid:
                counts[backend] += 1
    terminalreporter.write_line(
        "database backends: " + ", ".join(f"{backend} {count} passed" for backend, count in counts.items())
    )


from tests.factories import *  # noqa: E402,F401,F403 - factories are fixtures for every suite
from tests.rally_factories import *  # noqa: E402,F401,F403
