"""What the metrics count: answers by outcome, joins refused, uploads, rate limits."""

from __future__ import annotations

import uuid

from prometheus_client import REGISTRY

from tests.client_api.helpers import now_iso


def _value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_are_for_loopback_only_without_a_token(client):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outside.status_code == 404


def test_metrics_with_a_token_refuse_loopback_without_it(app, client):
    app.config["METRICS_TOKEN"] = "s3cret"
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_answers_are_counted_by_outcome(client, make_rally, make_run):
    rally = make_rally(stations=[{"tasks": ["number"]}])
    run = make_run(rally)
    token = client.post("/api/v1/join", json={"code": run.join_code, "team_name": "Zähler"}).get_json()["token"]
    task_id = rally.stations[0].tasks[0].id
    accepted = _value("rallyhub_answers_total", status="accepted", code="")
    duplicate = _value("rallyhub_answers_total", status="duplicate", code="")
    unknown = _value("rallyhub_answers_total", status="rejected", code="unknown_task")
    batches = _value("rallyhub_answer_batch_size_count")
    answer_id = str(uuid.uuid4())
    item = {"id": answer_id, "task_id": task_id, "value": 1, "answered_at": now_iso()}
    headers = {"Authorization": f"Bearer {token}"}
    client.post("/api/v1/team/answers", headers=headers, json={"answers": [
        item, {**item, "id": str(uuid.uuid4()), "task_id": 999999}]})
    client.post("/api/v1/team/answers", headers=headers, json={"answers": [item]})
    assert _value("rallyhub_answers_total", status="accepted", code="") == accepted + 1
    assert _value("rallyhub_answers_total", status="duplicate", code="") == duplicate + 1
    assert _value("rallyhub_answers_total", status="rejected", code="unknown_task") == unknown + 1
    assert _value("rallyhub_answer_batch_size_count") == batches + 2


def test_refused_joins_are_counted_by_code(client):
    before = _value("rallyhub_join_failures_total", code="unknown_code")
    client.post("/api/v1/join", json={"code": "ZZZZZZ", "team_name": "Niemand"})
    assert _value("rallyhub_join_failures_total", code="unknown_code") == before + 1


def test_requests_are_counted_per_route_template_and_status(client):
    ok = dict(method="GET", route="/healthz", status="200")
    unmatched = dict(method="GET", route="<unmatched>", status="404")
    before_ok, before_unmatched = _value("rallyhub_http_requests_total", **ok), _value(
        "rallyhub_http_requests_total", **unmatched)
    client.get("/healthz")
    client.get("/no/such/page/with-a-secret-in-it")
    assert _value("rallyhub_http_requests_total", **ok) == before_ok + 1
    assert _value("rallyhub_http_requests_total", **unmatched) == before_unmatched + 1
