"""schemathesis against the published OpenAPI: no 5xx and no response outside its schema.

It runs on its own SQLite app with a rally and a team (the token is sent on every
request), a bounded number of examples per operation.
"""

from __future__ import annotations

import shutil
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.conftest import base_config
from tests.rally_factories import SAMPLE_TASKS


@pytest.fixture(scope="module")
def fuzz_app(sqlite_template, tmp_path_factory):
    """An app with a published rally of every task type, a class run and one joined team."""
    import datetime as dt

    from rallies import accounts, authoring, play, publishing
    from rallies.db import db
    from rallies.models import ClassRun, Institution, School
    from server import create_app

    folder = tmp_path_factory.mktemp("schemathesis")
    shutil.copyfile(sqlite_template, folder / "fuzz.sqlite3")
    config = base_config(folder, f"sqlite:///{folder / 'fuzz.sqlite3'}")
    config["RATELIMIT_ENABLED"] = False
    app = create_app(config)
    with app.app_context():
        institution = Institution(name="Stadtmuseum", kind="museum", lat=52.5, lon=13.4)
        school = School(name="Schule")
        db.session.add_all([institution, school])
        db.session.flush()
        editor = accounts.create_user(email="e@example.org", password="correct horse battery", role="editor",
                                      display_name="E", institution_ids=[institution.id], school_ids=[])
        rally = authoring.create_rally(institution, actor=editor, title="Fuzz", theme="Test", about="Für Tests",
                                       settings=None)
        rally.start_lat, rally.start_lon = 52.52, 13.40
        for mode, types in (("open", ["single_choice", "number", "photo", "info"]),
                            ("qr", ["text", "survey"]), ("location", ["location", "match"])):
            extra = {"lat": 52.52, "lon": 13.40, "radius_m": 100} if mode == "location" else {}
            station = authoring.add_station(rally, actor=editor, title=mode, unlock_mode=mode, **extra)
            for task_type in types:
                authoring.add_task(station, actor=editor, type=task_type, prompt_md="?", points=10,
                                   **SAMPLE_TASKS[task_type])
        publishing.publish(rally, actor=editor, visibility="public")
        now = dt.datetime.now(dt.timezone.utc)
        run = ClassRun(rally_id=rally.id, rally_version_id=rally.published_version_id, school_id=school.id,
                       class_label="7b", join_code=publishing.unique_join_code(), starts_at=now - dt.timedelta(hours=1),
                       ends_at=now + dt.timedelta(hours=5), retention_days=30,
                       delete_after=now + dt.timedelta(days=31))
        db.session.add(run)
        db.session.flush()
        team, token = play.join(run.join_code, "Fuzzer", policy=play.PlayPolicy())
        db.session.commit()
        app.fuzz = {"token": token, "rally_id": rally.id, "task_ids": [t.id for s in rally.stations for t in s.tasks],
                    "qr_token": rally.stations[1].qr_token, "join_code": run.join_code}
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_app):
    return schemathesis.from_wsgi("/api/v1/openapi.json", fuzz_app)


schema = schemathesis.from_pytest_fixture("fuzz_schema")
CHECKS = (not_a_server_error, response_schema_conformance)


@schema.parametrize()
@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_published_promises(case, fuzz_app):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {fuzz_app.fuzz['token']}"}
    response = case.call_wsgi()
    case.validate_response(response, checks=CHECKS)


def test_successful_responses_conform_to_the_schema(fuzz_app):
    """The happy paths, which random data rarely reaches, checked against the same document."""
    loaded = schemathesis.from_wsgi("/api/v1/openapi.json", fuzz_app)
    fuzz = fuzz_app.fuzz
    auth = {"Authorization": f"Bearer {fuzz['token']}"}
    now = "2030-01-01T00:00:00+00:00"
    single, number = fuzz["task_ids"][:2]
    calls = [
        ("/rallies", "GET", {"query": {"near": "52.5,13.4", "q": "fuzz"}}, 200),
        ("/join", "POST", {"body": {"code": fuzz["join_code"], "team_name": "Zweite"}}, 201),
        ("/rallies/{id}/bundle", "GET", {"path_parameters": {"id": fuzz["rally_id"]}, "headers": auth}, 200),
        ("/team/scans", "POST", {"body": {"id": str(uuid.uuid4()), "payload": fuzz["qr_token"],
                                          "scanned_at": now}, "headers": auth}, 200),
        ("/team/answers", "POST", {"body": {"answers": [
            {"id": str(uuid.uuid4()), "task_id": single, "value": "a", "answered_at": now},
            {"id": str(uuid.uuid4()), "task_id": number, "value": 1600, "answered_at": now},
            {"id": "bad"}]}, "headers": auth}, 200),
        ("/team/progress", "GET", {"headers": auth}, 200),
        ("/problems/{code}", "GET", {"path_parameters": {"code": "unknown_code"}}, 200),
    ]
    for path, method, kwargs, status in calls:
        case = loaded[f"/api/v1{path}"][method].make_case(**kwargs)
        response = case.call_wsgi()
        assert response.status_code == status, (path, response.get_json())
        case.validate_response(response, checks=CHECKS)
