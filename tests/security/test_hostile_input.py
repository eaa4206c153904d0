"""Hostile input to the management API and the pages: a 400/404/422 in the reader's
language, never a 500, and nothing stored. Each case gave a 500 before (most on PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from rallies.errors import Invalid
from rallies.models import ApiToken, ClassRun, Rally
from tests.pages.helpers import login, text
from tests.support.problems import assert_problem

API = "/api/manage/v1"
BIG = 2**63
DEEP = "[" * 50_000 + "]" * 50_000


def test_a_deep_or_huge_json_body_to_the_management_api_is_malformed_json(api_as, editor, make_rally):
    rally = make_rally(publish=None)
    client = api_as(editor)
    for body in (DEEP, '{"title": ' + DEEP + "}", '{"age_min": 1' + "0" * 400 + "}", '{"age_min": 1e999}'):
        response = client.patch(f"{API}/rallies/{rally.id}", data=body, headers={"Content-Type": "application/json"})
        assert_problem(response, 400, "malformed_json")


def test_a_nul_character_in_titles_bodies_configs_labels_and_token_names_is_a_field_error(
        api_as, editor, teacher, make_rally, institution, db):
    rally = make_rally(publish=None, stations=[{"tasks": ["text"]}])
    station, task = rally.stations[0], rally.stations[0].tasks[0]
    author = api_as(editor)
    cases = [
        (author.post, f"{API}/rallies", {"institution_id": institution.id, "title": "Mo\x00net", "theme": "Kunst",
                                         "language": "de", "age_min": 8, "age_max": 12}, "title"),
        (author.patch, f"{API}/stations/{station.id}", {"body_md": "Hallo\x00"}, "body_md"),
        (author.patch, f"{API}/tasks/{task.id}", {"config": {"accepted_answers": ["Mo\x00net"]}}, "config.accepted_answers.0"),
        (author.post, f"{API}/me/tokens", {"name": "Laptop\x00"}, "name"),
        (api_as(teacher).post, f"{API}/runs", {"rally_id": rally.id, "class_label": "7\x00b",
                                               "starts_at": "2030-05-01T09:00:00+02:00",
                                               "ends_at": "2030-05-01T12:00:00+02:00"}, "class_label"),
    ]
    for send, path, body, field in cases:
        problem = assert_problem(send(path, json=body), 422, "invalid_request")
        assert field in problem["errors"], problem
    db.session.expire_all()
    assert db.session.get(Rally, rally.id).stations[0].body_md != "Hallo\x00"
    assert db.session.scalar(db.select(db.func.count(Rally.id))) == 1
    assert db.session.scalar(db.select(db.func.count(ApiToken.id)).where(ApiToken.name.contains("Laptop"))) == 0


@pytest.mark.parametrize("moment", ["9999-12-31T23:00:00+00:00", "9999-12-31T23:59:59-23:59",
                                    "0001-01-01T00:00:00+23:59"])
def test_a_run_window_near_year_1_or_9999_is_a_field_error(api_as, teacher, make_rally, db, moment):
    rally = make_rally(publish="public")
    body = {"rally_id": rally.id, "class_label": "7b", "starts_at": "9999-12-30T09:00:00+00:00", "ends_at": moment}
    if moment.startswith("0001"):
        body["starts_at"] = moment
        body["ends_at"] = "2030-05-01T12:00:00+02:00"
    problem = assert_problem(api_as(teacher).post(f"{API}/runs", json=body), 422, "invalid_request")
    assert {"starts_at", "ends_at"} & set(problem["errors"])
    assert db.session.scalar(db.select(db.func.count(ClassRun.id))) == 0


def test_the_run_service_refuses_a_window_whose_deletion_date_would_overflow(make_rally, school, teacher):
    from rallies import runs

    rally = make_rally(publish="public")
    utc = dt.timezone.utc
    with pytest.raises(Invalid) as raised:
        runs.start_run(rally, school=school, teacher=teacher, class_label="7b",
                       starts_at=dt.datetime(9999, 12, 30, tzinfo=utc), ends_at=dt.datetime(9999, 12, 31, tzinfo=utc),
                       retention_days=30, max_retention_days=365, default_retention_days=30)
    assert set(raised.value.errors) == {"starts_at", "ends_at"}


def test_ids_beyond_64_bits_in_paths_and_queries_of_the_management_api(api_as, editor, teacher):
    author = api_as(editor)
    for path in (f"/rallies/{BIG}", f"/stations/{BIG}", f"/tasks/{BIG}", f"/media/{BIG}", f"/rallies/{2**64 + 5}"):
        assert_problem(author.get(API + path), 404, "not_found")
    listed = api_as(teacher).get(f"{API}/runs?rally_id={BIG}")
    assert "rally_id" in assert_problem(listed, 422, "invalid_request")["errors"]
    station = author.post(f"{API}/rallies/{BIG}/stations", json={"title": "A"})
    assert_problem(station, 404, "not_found")


def test_ids_beyond_64_bits_on_the_pages_are_not_found(client, editor, teacher):
    login(client, editor)
    for path in (f"/editor/rallies/{BIG}", f"/editor/stations/{BIG}", f"/editor/tasks/{BIG}"):
        assert client.get(path).status_code == 404
    client.post("/logout")
    login(client, teacher)
    assert client.get(f"/teacher/runs/{BIG}").status_code == 404
    response = client.get(f"/teacher/runs/new?rally={BIG}")
    assert response.status_code == 422
    assert "Zahl außerhalb des zulässigen Bereichs" in text(response)


def test_a_nul_character_in_a_page_form_is_refused_with_a_message_in_the_readers_language(client, editor, db,
                                                                                           make_rally):
    rally = make_rally(publish=None)
    login(client, editor)
    response = client.post(f"/editor/rallies/{rally.id}?lang=en", data={"title": "Mo\x00net"})
    assert response.status_code == 422
    assert "Must not contain a NUL character." in text(response)
    db.session.expire_all()
    assert "\x00" not in db.session.get(Rally, rally.id).title


def test_a_run_window_in_year_9999_on_the_teacher_page_is_refused(client, teacher, make_rally, db):
    rally = make_rally(publish="public")
    login(client, teacher)
    response = client.post(f"/teacher/runs/new?rally={rally.id}", data={
        "school_id": str(teacher.schools[0].id), "class_label": "7b", "starts_at": "9999-12-30T09:00",
        "ends_at": "9999-12-31T23:59", "retention_days": "30"})
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(ClassRun.id))) == 0
