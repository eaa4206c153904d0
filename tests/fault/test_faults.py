"""Faults under load: concurrent replays, a killed worker, a restarted database.

These run against gunicorn and PostgreSQL in the normal suite and take under a minute.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.fault.conftest import stored_answer_ids

pytestmark = [pytest.mark.fault, pytest.mark.xdist_group("fault")]


def join(server, name: str) -> tuple[int, dict]:
    response = requests.post(server.url + "/api/v1/join", json={"code": server.join_code, "team_name": name}, timeout=10)
    assert response.status_code == 201, response.text
    body = response.json()
    return body["team"]["id"], {"Authorization": f"Bearer {body['token']}"}


def batch(task_ids, n: int) -> list[dict]:
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    return [{"id": str(uuid.uuid4()), "task_id": task_ids[i % len(task_ids)], "value": 7 if i % 2 else 3,
             "answered_at": now} for i in range(n)]


def test_the_same_offline_queue_sent_twice_at_once_by_many_teams_is_stored_once(live_gunicorn):
    server = live_gunicorn
    teams = [join(server, f"Team {i}") for i in range(12)]
    queues = {team_id: batch(server.task_ids, 8) for team_id, _ in teams}
    barrier = threading.Barrier(len(teams) * 2)

    def send(team_id, headers):
        barrier.wait(timeout=30)
        response = requests.post(server.url + "/api/v1/team/answers", json={"answers": queues[team_id]},
                                 headers=headers, timeout=30)
        assert response.status_code == 200, response.text
        return team_id, response.json()["results"]

    with ThreadPoolExecutor(max_workers=len(teams) * 2) as pool:
        outcomes = list(pool.map(lambda args: send(*args), [t for t in teams for _ in range(2)]))

    stored = stored_answer_ids(server.database_url)
    assert len(stored) == len(set(stored)) == sum(len(q) for q in queues.values())
    by_team = {}
    for team_id, results in outcomes:
        by_team.setdefault(team_id, []).append([r["status"] for r in results])
    for statuses in by_team.values():
        # Every item was accepted by exactly one of the two copies, and is a duplicate in the other.
        for first, second in zip(*statuses):
            assert sorted([first, second]) in (["accepted", "duplicate"],) or (first, second) == ("rejected", "rejected")


def test_killing_a_worker_under_load_loses_no_acknowledged_answer(live_gunicorn):
    server = live_gunicorn
    teams = [join(server, f"Kill {i}") for i in range(8)]
    acknowledged: set[tuple[int, str]] = set()
    lock = threading.Lock()
    stop = time.monotonic() + 6

    def play(team_id, headers):
        while time.monotonic() < stop:
            items = batch(server.task_ids, 3)
            try:
                response = requests.post(server.url + "/api/v1/team/answers", json={"answers": items},
                                         headers=headers, timeout=10)
            except requests.RequestException:
                continue  # the phone keeps the items in its outbox; nothing acknowledged
            if response.status_code == 200:
                with lock:
                    for result in response.json()["results"]:
                        if result["status"] in ("accepted", "duplicate"):
                            acknowledged.add((team_id, result["id"]))

    with ThreadPoolExecutor(max_workers=len(teams)) as pool:
        futures = [pool.submit(play, *team) for team in teams]
        time.sleep(2)
        victims = server.worker_pids()
        assert victims, "no gunicorn workers found"
        os.kill(victims[0], signal.SIGKILL)
        for future in futures:
            future.result()

    stored = set(stored_answer_ids(server.database_url))
    assert acknowledged, "the load produced no acknowledged answers"
    assert acknowledged <= stored
    assert len(stored_answer_ids(server.database_url)) == len(stored)


def test_a_database_restart_under_load_gives_503_problems_and_recovers(live_gunicorn, pg_cluster):
    server = live_gunicorn
    team_id, headers = join(server, "Neustart")
    statuses: list[int] = []
    bodies: list[dict] = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            try:
                response = requests.get(server.url + "/api/v1/team/progress", headers=headers, timeout=10)
            except requests.RequestException:
                continue
            statuses.append(response.status_code)
            if response.status_code >= 500:
                bodies.append({"type": response.headers.get("Content-Type", ""), "text": response.text})
            time.sleep(0.02)

    worker = threading.Thread(target=load)
    worker.start()
    time.sleep(0.5)
    pg_cluster.stop("immediate")
    time.sleep(1.5)
    pg_cluster.start()
    time.sleep(2)
    stop.set()
    worker.join(timeout=15)

    assert 500 not in statuses, [b for b in bodies if "503" not in b["text"]]
    assert bodies, "the outage was not observed"
    for body in bodies:
        assert body["type"].startswith("application/problem+json"), body
        assert json.loads(body["text"])["status"] == 503
    after = requests.get(server.url + "/api/v1/team/progress", headers=headers, timeout=10)
    assert after.status_code == 200
