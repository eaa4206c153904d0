"""POST /api/v1/join: codes, team names, tokens and the join rate limits."""

import datetime as dt

from rallies.models import Team
from rallies.tokens import hash_secret


def test_a_class_run_code_joins_with_spaces_hyphens_and_lower_case(make_rally, make_run, client, db):
    rally = make_rally()
    run = make_run(rally)
    messy = run.join_code[:3].lower() + "-" + " " + run.join_code[3:].lower()
    response = client.post("/api/v1/join", json={"code": messy, "team_name": "  Die   Entdecker "})
    assert response.status_code == 201
    body = response.get_json()
    assert body["team"]["name"] == "Die Entdecker"
    assert body["run"] == {"id": run.id, "class_label": "7b", "starts_at": run.starts_at.isoformat(),
                           "ends_at": run.ends_at.isoformat()}
    assert body["rally"] == {"id": rally.id, "title": rally.title, "version": 1,
                             "bundle_url": f"/api/v1/rallies/{rally.id}/bundle"}
    team = db.session.get(Team, body["team"]["id"])
    assert len(body["token"]) >= 22  # 128 bits in URL-safe base64
    assert team.token_hash == hash_secret(body["token"]) and body["token"] not in team.token_hash


def test_a_public_rallys_free_play_code_joins_without_a_run(make_rally, client, db):
    rally = make_rally()
    response = client.post("/api/v1/join", json={"code": rally.free_play_code, "team_name": "Solo"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["run"] is None and body["rally"]["id"] == rally.id
    assert db.session.get(Team, body["team"]["id"]).class_run_id is None


def test_an_unknown_code_is_404_unknown_code(client):
    response = client.post("/api/v1/join", json={"code": "ZZZZZZ", "team_name": "A"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "unknown_code"


def test_partner_only_rallies_have_no_free_play(make_rally, client):
    rally = make_rally(publish="partners")
    assert rally.free_play_code is None
    response = client.post("/api/v1/join", json={"code": "ABCDEF", "team_name": "A"})
    assert response.get_json()["code"] == "unknown_code"


def test_a_team_name_is_unique_in_its_run_ignoring_case(make_rally, make_run, client, db):
    run = make_run(make_rally())
    assert client.post("/api/v1/join", json={"code": run.join_code, "team_name": "Füchse"}).status_code == 201
    response = client.post("/api/v1/join", json={"code": run.join_code, "team_name": "FÜCHSE"})
    assert response.status_code == 409 and response.get_json()["code"] == "team_name_taken"
    assert db.session.scalar(db.select(db.func.count(Team.id)).filter_by(class_run_id=run.id)) == 1


def test_a_run_outside_its_window_is_409_with_its_times(make_rally, make_run, client):
    now = dt.datetime.now(dt.timezone.utc)
    run = make_run(make_rally(), starts_at=now + dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=3))
    response = client.post("/api/v1/join", json={"code": run.join_code, "team_name": "Früh"})
    body = response.get_json()
    assert response.status_code == 409 and body["code"] == "run_not_open"
    assert body["starts_at"] == run.starts_at.isoformat() and body["ends_at"] == run.ends_at.isoformat()


def test_invalid_bodies_are_422_invalid_request(make_rally, make_run, client):
    run = make_run(make_rally())
    for body, field in [({"code": "AB", "team_name": "x"}, "code"), ({"code": run.join_code}, "team_name"),
                        ({"code": run.join_code, "team_name": "   "}, "team_name"),
                        ({"code": run.join_code, "team_name": "x" * 41}, "team_name")]:
        response = client.post("/api/v1/join", json=body)
        problem = response.get_json()
        assert response.status_code == 422 and problem["code"] == "invalid_request", body
        assert field in problem["errors"], problem


def test_a_body_that_is_not_json_is_400_malformed_json(client):
    response = client.post("/api/v1/join", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["code"] == "malformed_json"


def test_a_blocked_team_name_is_refused(app, make_rally, make_run, client):
    app.config["TEAM_NAME_BLOCKLIST"] = ("doof",)
    run = make_run(make_rally())
    response = client.post("/api/v1/join", json={"code": run.join_code, "team_name": "Die D o o f e n"})
    assert response.status_code == 422 and response.get_json()["code"] == "team_name_refused"


def test_failed_joins_are_limited_per_address_but_valid_codes_still_join(make_rally, make_run, client):
    run = make_run(make_rally())
    statuses = [client.post("/api/v1/join", json={"code": "ZZZZZ" + ch, "team_name": "A"}).status_code
                for ch in "ABCDEFGHJKMNPQRSTUVWX"]
    assert statuses == [404] * 20 + [429]
    refused = client.post("/api/v1/join", json={"code": "YYYYYY", "team_name": "A"})
    assert refused.status_code == 429 and refused.get_json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    ok = client.post("/api/v1/join", json={"code": run.join_code, "team_name": "Pünktlich"})
    assert ok.status_code == 201


def test_a_whole_school_joins_from_one_address(app, make_rally, make_run, client):
    from limits import parse

    limit = parse(app.config["CLIENT_JOIN_LIMIT"])
    assert limit.amount * 3600 / limit.get_expiry() >= 200
    run = make_run(make_rally())
    for n in range(40):
        assert client.post("/api/v1/join", json={"code": run.join_code, "team_name": f"T{n}"}).status_code == 201


def test_valid_joins_have_their_own_limit(app, make_rally, make_run, client):
    app.config["CLIENT_JOIN_LIMIT"] = "3 per hour"
    run = make_run(make_rally())
    statuses = [client.post("/api/v1/join", json={"code": run.join_code, "team_name": f"T{n}"}).status_code
                for n in range(4)]
    assert statuses == [201, 201, 201, 429]
