"""Secrets never leak: team tokens, personal API tokens and passwords stay out of logs,
error bodies and the database (which holds only their hashes)."""

from __future__ import annotations

import logging
import uuid

from rallies.models import ApiToken, Team
from tests.factories import PASSWORD


def test_tokens_and_passwords_appear_in_no_log_line_or_error_body(app, client, db, caplog, make_rally, make_run,
                                                                    teacher, api_as):
    caplog.set_level(logging.DEBUG)
    run = make_run(make_rally(publish="public"))
    joined = client.post("/api/v1/join", json={"code": run.join_code, "team_name": "Geheimnisträger"})
    team_token = joined.get_json()["token"]
    headers = {"Authorization": f"Bearer {team_token}"}
    bodies = [
        client.post("/api/v1/team/answers", json={"answers": [{"id": "nope"}]}, headers=headers).get_data(as_text=True),
        client.post("/api/v1/team/scans", json={"id": str(uuid.uuid4()), "payload": "x", "scanned_at": "2026-01-01"},
                    headers=headers).get_data(as_text=True),
        client.get("/api/v1/team/progress", headers={"Authorization": f"Bearer {team_token}x"}).get_data(as_text=True),
    ]
    manage = api_as(teacher)
    created = manage.post("/api/manage/v1/me/tokens", json={"name": "Skript"}).get_json()
    api_secret = created["secret"]
    bodies.append(client.get("/api/manage/v1/me", headers={"Authorization": f"Bearer {api_secret}zz"})
                  .get_data(as_text=True))
    bodies.append(client.post("/login", data={"email": teacher.email, "password": PASSWORD + "-wrong"})
                  .get_data(as_text=True))

    for secret in (team_token, api_secret, PASSWORD):
        assert secret not in caplog.text
        assert all(secret not in body for body in bodies)


def test_only_hashes_of_tokens_are_stored(app, client, db, make_rally, make_run, teacher, api_as):
    run = make_run(make_rally(publish="public"))
    team_token = client.post("/api/v1/join", json={"code": run.join_code, "team_name": "Hash"}).get_json()["token"]
    created = api_as(teacher).post("/api/manage/v1/me/tokens", json={"name": "Skript"}).get_json()
    api_secret = created["secret"]
    stored = [t.token_hash for t in db.session.scalars(db.select(Team))] + \
             [t.token_hash for t in db.session.scalars(db.select(ApiToken))]
    assert team_token not in stored and api_secret not in stored
    assert len(team_token) >= 22  # at least 128 random bits, URL-safe encoded
