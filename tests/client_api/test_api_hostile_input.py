"""Hostile input at the client API's edge: a clear 400 or 422, never a 500, nothing stored.

Each class comes from a probe that gave 500 before: JSON nested tens of thousands deep,
integers beyond the float range, times near year 1 or 9999, NUL characters (which
PostgreSQL refuses in text).
"""

from __future__ import annotations

import io

import pytest

from rallies.models import Answer, Checkin, Scan
from tests.client_api.helpers import item, new_id, now_iso, png_bytes, tasks_of
from tests.support.problems import assert_problem

DEEP = "[" * 50_000 + "]" * 50_000
HUGE_INT = "1" + "0" * 400
LATE = "9999-12-31T23:59:59-23:59"
EARLY = "0001-01-01T00:00:00+23:59"


def post_raw(team, path: str, body: str):
    return team.client.post(path, data=body, headers={**team.headers, "Content-Type": "application/json"})


@pytest.mark.parametrize("path", ["/api/v1/team/scans", "/api/v1/team/checkins", "/api/v1/team/answers",
                                  "/api/v1/team/finish"])
def test_a_body_nested_fifty_thousand_deep_is_malformed_json(play_team, path):
    team = play_team(stations=[{"tasks": ["number"]}])
    assert_problem(post_raw(team, path, DEEP), 400, "malformed_json")
    assert_problem(post_raw(team, path, '{"id": ' + "[" * 100 + "]" * 100 + "}"), 400, "malformed_json")


def test_joining_with_a_deep_or_huge_body_is_malformed_json(client):
    for body in (DEEP, '{"code": ' + HUGE_INT + ', "team_name": "A"}', '{"code": 1e400, "team_name": "A"}',
                 '{"code": NaN, "team_name": "A"}'):
        response = client.post("/api/v1/join", data=body, headers={"Content-Type": "application/json"})
        assert_problem(response, 400, "malformed_json")


def test_a_number_answer_of_ten_to_the_400_is_malformed_json_and_stores_nothing(play_team, db):
    team = play_team(stations=[{"tasks": ["number"]}])
    task = tasks_of(team.rally)[0]
    body = '{"answers": [{"id": "%s", "task_id": %d, "value": %s, "answered_at": "%s"}]}' % (
        new_id(), task.id, HUGE_INT, now_iso())
    assert_problem(post_raw(team, "/api/v1/team/answers", body), 400, "malformed_json")
    assert db.session.query(Answer).count() == 0


def test_a_number_answer_beyond_64_bits_is_judged_as_the_number_a_browser_reads(play_team):
    team = play_team(stations=[{"tasks": ["number"]}])
    task = tasks_of(team.rally)[0]
    body = '{"answers": [{"id": "%s", "task_id": %d, "value": 100000000000000000000, "answered_at": "%s"}]}' % (
        new_id(), task.id, now_iso())
    response = post_raw(team, "/api/v1/team/answers", body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["results"][0]["status"] == "accepted"


@pytest.mark.parametrize("moment", [LATE, EARLY])
def test_a_scan_or_checkin_time_near_year_1_or_9999_is_a_field_error(play_team, db, moment):
    team = play_team(stations=[{"unlock_mode": "qr", "tasks": ["text"]},
                               {"unlock_mode": "location", "tasks": ["text"]}])
    qr, place = team.rally.stations
    scan = team.client.post("/api/v1/team/scans", headers=team.headers, json={
        "id": new_id(), "payload": qr.qr_token, "scanned_at": moment})
    assert "scanned_at" in assert_problem(scan, 422, "invalid_request")["errors"]
    checkin = team.client.post("/api/v1/team/checkins", headers=team.headers, json={
        "id": new_id(), "station_id": place.id, "lat": 52.52, "lon": 13.405, "accuracy_m": 5, "at": moment})
    assert "at" in assert_problem(checkin, 422, "invalid_request")["errors"]
    assert db.session.query(Scan).count() == 0 and db.session.query(Checkin).count() == 0


def test_one_answer_with_a_time_near_9999_is_rejected_alone(play_team, db):
    team = play_team(stations=[{"tasks": ["text", "number"]}])
    text_task, number_task = tasks_of(team.rally)
    bad = item(text_task.id, "Monet", answered_at=LATE)
    good = item(number_task.id, 42)
    results = team.answer(bad, good)["results"]
    assert results[0]["status"] == "rejected" and results[0]["error"]["code"] == "invalid_item"
    assert results[1]["status"] == "accepted"
    assert db.session.query(Answer).count() == 1


def test_a_nul_character_is_a_field_error_for_scans_and_joins(play_team, client, db):
    team = play_team(stations=[{"unlock_mode": "qr", "tasks": ["text"]}])
    scan = team.client.post("/api/v1/team/scans", headers=team.headers, json={
        "id": new_id(), "payload": "abc\x00def", "scanned_at": now_iso()})
    assert "payload" in assert_problem(scan, 422, "invalid_request")["errors"]
    join = client.post("/api/v1/join", json={"code": team.run.join_code, "team_name": "Die\x00Füchse"})
    assert "team_name" in assert_problem(join, 422, "invalid_request")["errors"]
    assert db.session.query(Scan).count() == 0


def test_one_answer_with_a_nul_character_is_rejected_alone(play_team, db):
    team = play_team(stations=[{"tasks": ["text", "number"]}])
    text_task, number_task = tasks_of(team.rally)
    results = team.answer(item(text_task.id, "Mo\x00net"), item(number_task.id, 42))["results"]
    assert [r["status"] for r in results] == ["rejected", "accepted"]
    assert results[0]["error"]["code"] == "invalid_item"
    assert db.session.query(Answer).count() == 1


def test_ids_beyond_64_bits_are_not_found_or_field_errors(play_team):
    team = play_team(stations=[{"unlock_mode": "location", "tasks": ["photo"]}])
    big = 2**63
    assert_problem(team.client.get(f"/api/v1/rallies/{big}/bundle", headers=team.headers), 404, "not_found")
    checkin = post_raw(team, "/api/v1/team/checkins", '{"id": "%s", "station_id": %d, "lat": 52.5, "lon": 13.4, '
                       '"accuracy_m": 5, "at": "%s"}' % (new_id(), big, now_iso()))
    assert checkin.status_code in (404, 422) and checkin.status_code < 500
    upload = team.client.post("/api/v1/team/uploads", headers=team.headers, data={
        "id": new_id(), "task_id": str(big * 1000), "file": (io.BytesIO(png_bytes()), "a.png")},
        content_type="multipart/form-data")
    assert "task_id" in assert_problem(upload, 422, "invalid_request")["errors"]
