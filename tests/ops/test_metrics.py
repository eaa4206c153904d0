"""A Prometheus scrape sums what every gunicorn worker counted."""

from __future__ import annotations

import glob
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families

from tests.support.postgres import free_port
from tests.support.servers import start_gunicorn, stop

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = 60


def _migrate(database_url: str, media_dir: str) -> None:
    from flask_migrate import upgrade

    from rallies.db import db
    from server import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "MEDIA_STORAGE": media_dir,
                      "SECRET_KEY": "metrics-tests", "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture
def two_workers(pg_cluster, tmp_path):
    """gunicorn with two workers, as deployed (server/gunicorn_conf.py), and its metrics folder."""
    name = f"metrics_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
    pg_cluster.psql(f"CREATE DATABASE {name}")
    database_url = pg_cluster.url(name)
    media_dir = str(tmp_path / "media")
    _migrate(database_url, media_dir)
    metrics_dir = tmp_path / "prometheus"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_STORAGE": media_dir, "SECRET_KEY": "metrics-tests",
           "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "METRICS_TOKEN": "scrape-secret",
           "REQUEST_LOG": "false", "LOG_LEVEL": "WARNING"}
    # sync workers take one request at a time, so concurrent requests reach both of them.
    process = start_gunicorn(port, env, tmp_path / "gunicorn.log",
                             options=["-c", "python:server.gunicorn_conf", "--workers", "2", "--worker-class", "sync"])
    url = f"http://127.0.0.1:{port}"
    yield url, metrics_dir
    stop(process)
    pg_cluster.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _healthz_count_per_worker(metrics_dir: Path) -> dict[str, float]:
    counts = {}
    for path in glob.glob(str(metrics_dir / "counter_*.db")):
        pid = Path(path).stem.split("_")[-1]
        for key, value, *_ in MmapedDict.read_all_values_from_file(path):
            if '"rallyhub_http_requests_total"' in key and '"/healthz"' in key:
                counts[pid] = counts.get(pid, 0) + value
    return counts


def _scraped(url: str, token: str | None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(url + "/metrics", headers=headers, timeout=10)


def test_a_scrape_sums_the_counters_of_both_workers(two_workers):
    url, metrics_dir = two_workers
    before = _healthz_count_per_worker(metrics_dir)

    def hit(_):
        with requests.Session() as session:  # a new connection each time, so both workers take some
            return session.get(url + "/healthz", timeout=10).status_code

    # Concurrent requests until both workers have answered some (a busy machine may start one late).
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(20):
            assert set(pool.map(hit, range(REQUESTS))) == {200}
            per_worker = _healthz_count_per_worker(metrics_dir)
            served = {pid: per_worker[pid] - before.get(pid, 0) for pid in per_worker}
            if len([pid for pid, count in served.items() if count > 0]) == 2:
                break
    assert len([pid for pid, count in served.items() if count > 0]) == 2, served

    response = _scraped(url, "scrape-secret")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    families = {family.name: family for family in text_string_to_metric_families(response.text)}
    healthz = [sample.value for sample in families["rallyhub_http_requests"].samples
               if sample.name == "rallyhub_http_requests_total" and sample.labels["route"] == "/healthz"
               and sample.labels["status"] == "200"]
    assert healthz == [sum(per_worker.values())]
    assert healthz[0] >= REQUESTS
    assert "rallyhub_http_request_duration_seconds" in families
    assert [s.value for s in families["rallyhub_open_class_runs"].samples] == [0]


def test_metrics_need_the_token(two_workers):
    url, _ = two_workers
    assert _scraped(url, None).status_code == 404
    assert _scraped(url, "wrong").status_code == 404
