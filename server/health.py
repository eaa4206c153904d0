"""What a load balancer and Prometheus ask: liveness, readiness and metrics.

`/healthz` says only that the process answers. `/readyz` checks what a request needs: the
database (with a short timeout), the schema at the migrations' head, and media storage
that takes a write. Neither needs a login nor names versions, hosts or secrets. `/metrics`
is Prometheus' text format, for a bearer `METRICS_TOKEN` or, without one, for loopback only.
"""

from __future__ import annotations

import hmac
import os
import secrets

from flask import Blueprint, Flask, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import text

from client_api.problems import problem
from rallies.db import db, utcnow

bp = Blueprint("health", __name__)

LOOPBACK = {"127.0.0.1", "::1"}


@bp.route("/healthz")
def healthz():
    """Alive: the process answers; no dependency is asked."""
    return {"status": "ok"}


@bp.route("/readyz")
def readyz():
    """Ready for traffic: 200, or 503 problem+json naming each check that failed."""
    checks = {"database": _database_ready(), "migrations": _migrations_at_head(), "media_storage": _storage_writable()}
    failing = sorted(name for name, ok in checks.items() if not ok)
    if failing:
        return problem(503, "not_ready", "Not ready: " + ", ".join(failing), checks=checks,
                       headers={"Retry-After": "5", "Cache-Control": "no-store"})
    return {"status": "ready", "checks": checks}


def _database_ready() -> bool:
    try:
        with db.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SET statement_timeout = 2000"))
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        current_app.logger.warning("readiness: database not reachable", exc_info=True)
        return False


def _migrations_at_head() -> bool:
    heads = current_app.extensions.get("migration_heads")
    if heads is None:
        heads = current_app.extensions["migration_heads"] = _script_heads()
    try:
        with db.engine.connect() as connection:
            current = {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}
    except Exception:
        return False
    return current == heads


def _script_heads() -> set[str]:
    from alembic.script import ScriptDirectory
    from alembic.config import Config

    directory = current_app.extensions["migrate"].directory
    config = Config(os.path.join(directory, "alembic.ini"))
    config.set_main_option("script_location", directory)
    return set(ScriptDirectory.from_config(config).get_heads())


def _storage_writable() -> bool:
    storage = current_app.extensions["media_storage"]
    name = f"readyz-{secrets.token_hex(8)}.probe"
    try:
        storage.put(name, b"ok")
        storage.delete(name)
        return True
    except Exception:
        current_app.logger.warning("readiness: media storage not writable", exc_info=True)
        return False


@bp.route("/metrics")
def metrics():
    """Prometheus' text format, summed over every worker process when multiprocess mode is on."""
    if not _may_scrape():
        return problem(404, "not_found")
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(_state_registry())
    return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                    headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})


def _may_scrape() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    return request.remote_addr in LOOPBACK


class _OpenRuns:
    """Class runs whose play window is open now, read from the database at scrape time."""

    def collect(self):
        from rallies.models import ClassRun

        now = utcnow()
        count = db.session.scalar(db.select(db.func.count(ClassRun.id))
                                  .where(ClassRun.starts_at <= now, ClassRun.ends_at > now))
        gauge = GaugeMetricFamily("rallyhub_open_class_runs", "Class runs whose play window is open now")
        gauge.add_metric([], count or 0)
        yield gauge


def _state_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(_OpenRuns())
    return registry


def init_health(app: Flask) -> None:
    app.register_blueprint(bp)
