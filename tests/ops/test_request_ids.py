"""Request ids tie a phone's failed sync to the server's log line."""

from __future__ import annotations

import json
import logging

import pytest

from tests.client_api.helpers import now_iso


@pytest.fixture
def caplog(caplog):
    """The request log does not propagate (its lines are the JSON alone): listen to it directly."""
    logger = logging.getLogger("rallyhub.requests")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


def _log_lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "rallyhub.requests"]


def test_a_request_id_is_made_and_returned(client):
    response = client.get("/healthz")
    assert len(response.headers["X-Request-Id"]) == 32


def test_the_load_balancers_request_id_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-Id": "lb-7f3a.42"})
    assert response.headers["X-Request-Id"] == "lb-7f3a.42"


def test_a_hostile_request_id_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-Id": "x" * 500})
    assert response.headers["X-Request-Id"] != "x" * 500
    assert len(response.headers["X-Request-Id"]) == 32


def test_problem_bodies_carry_the_request_id_as_instance(client):
    response = client.get("/api/v1/team/progress", headers={"X-Request-Id": "abc-123"})
    assert response.status_code == 401
    assert response.get_json()["instance"] == "abc-123"
    manage = client.get("/api/manage/v1/no-such-thing", headers={"X-Request-Id": "abc-124"})
    assert manage.get_json()["instance"] == "abc-124"


def test_one_json_log_line_per_request_with_the_route_template_not_the_token(client, caplog):
    caplog.set_level(logging.INFO, logger="rallyhub.requests")
    client.get("/q/SECRETTOKEN123", headers={"X-Request-Id": "trace-1"})
    lines = _log_lines(caplog)
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "trace-1"
    assert line["method"] == "GET"
    assert line["route"] == "/q/<token>"
    assert isinstance(line["status"], int) and line["duration_ms"] >= 0
    assert "SECRETTOKEN123" not in json.dumps(line)


def test_the_log_line_names_team_and_run_but_not_the_answer(client, caplog, make_rally, make_run):
    rally = make_rally(stations=[{"tasks": ["text"]}])
    run = make_run(rally)
    joined = client.post("/api/v1/join", json={"code": run.join_code, "team_name": "Füchse"}).get_json()
    task_id = rally.stations[0].tasks[0].id
    caplog.set_level(logging.INFO, logger="rallyhub.requests")
    response = client.post("/api/v1/team/answers", headers={"Authorization": f"Bearer {joined['token']}"}, json={
        "answers": [{"id": "3f1c1a8e-2d51-4a55-9f0e-6a0f6c0e0a01", "task_id": task_id,
                     "value": "Geheimnis der Klasse", "answered_at": now_iso()}]})
    assert response.status_code == 200
    line = [entry for entry in _log_lines(caplog) if entry["route"] == "/api/v1/team/answers"][0]
    assert line["team_id"] == joined["team"]["id"]
    assert line["run_id"] == run.id
    assert "Geheimnis" not in json.dumps(line)
    assert joined["token"] not in json.dumps(_log_lines(caplog))
