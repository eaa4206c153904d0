"""GET /api/v1/rallies/{id}/bundle: the offline document, its ETag and what it never contains."""

import json

from rallies import publishing

SECRET_KEYS = {"solution", "correct", "accepted_answers", "is_correct"}
ALL_TYPES = ["info", "single_choice", "multiple_choice", "text", "number", "order", "match", "photo",
             "location", "survey"]


def keys_in(document) -> set:
    found = set()
    if isinstance(document, dict):
        for key, value in document.items():
            found.add(key)
            found |= keys_in(value)
    elif isinstance(document, list):
        for value in document:
            found |= keys_in(value)
    return found


def test_the_bundle_has_settings_stations_and_tasks_without_solutions(play_team):
    team = play_team(stations=[{"unlock_mode": "qr", "tasks": ALL_TYPES[:5]},
                               {"unlock_mode": "location", "tasks": ALL_TYPES[5:]}],
                     settings={"station_order": "fixed", "attempts_per_task": 2, "wrong_attempt_penalty": 1.5})
    response = team.bundle()
    assert response.status_code == 200 and response.mimetype == "application/json"
    bundle = response.get_json()
    assert bundle["rally"]["settings"] == {
        "station_order": "fixed", "time_limit_s": None, "attempts_per_task": 2, "wrong_attempt_penalty": 1.5,
        "show_points": True, "show_solutions": True, "offline_feedback": False}
    assert bundle["rally"]["version"] == 1 and bundle["rally"]["id"] == team.rally_id
    first, second = bundle["stations"]
    assert first["unlock"] == {"mode": "qr"}
    assert second["unlock"] == {"mode": "location", "lat": 52.52, "lon": 13.405, "radius_m": 100}
    assert [t["type"] for t in first["tasks"] + second["tasks"]] == ALL_TYPES
    by_type = {t["type"]: t for s in bundle["stations"] for t in s["tasks"]}
    assert [o["id"] for o in by_type["single_choice"]["options"]] == ["a", "b"]
    assert by_type["survey"]["scale"]["max"] == 5
    assert by_type["location"]["target"]["radius_m"] == 50
    assert {i["id"] for i in by_type["match"]["pairs"]["left"]} == {"l1", "l2"}
    assert not keys_in(bundle) & SECRET_KEYS
    assert "Nachtwache" not in response.get_data(as_text=True)


def test_offline_feedback_puts_solutions_in_the_bundle(play_team):
    team = play_team(stations=[{"tasks": ["single_choice", "multiple_choice", "text", "number", "match",
                                          "order", "survey"]}],
                     settings={"offline_feedback": True})
    tasks = {t["type"]: t for t in team.bundle().get_json()["stations"][0]["tasks"]}
    assert tasks["single_choice"]["solution"] == "a"
    assert tasks["multiple_choice"]["solution"] == ["a", "b"]
    assert tasks["text"]["solution"] == ["Nachtwache"]
    assert tasks["number"]["solution"]["value"] == 1642
    assert tasks["match"]["solution"] == {"l1": "r1", "l2": "r2"}
    assert tasks["order"]["solution"] == ["x", "y", "z"]
    assert "solution" not in tasks["survey"]


def test_etag_is_strong_and_if_none_match_answers_304_without_body(play_team):
    team = play_team()
    first = team.bundle()
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = team.bundle(**{"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    assert team.bundle(**{"If-None-Match": '"other"'}).status_code == 200


def test_another_rallys_bundle_is_404(play_team, make_rally):
    team = play_team()
    other = make_rally()
    response = team.get(f"/api/v1/rallies/{other.id}/bundle")
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"
    assert team.get("/api/v1/rallies/999999/bundle").status_code == 404


def test_a_run_plays_the_version_it_started_with(play_team, editor, db):
    team = play_team()
    rally = team.rally
    rally.title = "Neuer Titel"
    publishing.publish(rally, actor=editor, visibility="public")
    db.session.commit()
    bundle = team.bundle().get_json()
    assert bundle["rally"]["version"] == 1 and bundle["rally"]["title"] != "Neuer Titel"


def test_random_order_is_per_team_and_locks_nothing(make_rally, make_run, join_http):
    rally = make_rally(stations=[{"tasks": ["info"]} for _ in range(8)], settings={"station_order": "random"})
    run = make_run(rally)
    orders = []
    for n in range(4):
        team = join_http(run.join_code, f"Team {n}")
        stations = team.bundle().get_json()["stations"]
        assert [s["position"] for s in stations] == list(range(8))
        orders.append([s["id"] for s in stations])
        progress = team.progress()
        assert [s["id"] for s in progress["stations"]] == orders[-1]
        assert {s["state"] for s in progress["stations"]} == {"unlocked"}
    assert sorted(orders[0]) == [s.id for s in rally.stations]
    assert len({tuple(o) for o in orders}) > 1


def test_a_bundle_of_30_stations_is_under_60_kb(play_team):
    stations = [{"unlock_mode": ["open", "qr", "location"][n % 3],
                 "body_md": "Ein Absatz über das Bild, das hier hängt, und was man darin entdecken kann. " * 3,
                 "tasks": [ALL_TYPES[n % 10], ALL_TYPES[(n + 3) % 10]]} for n in range(30)]
    team = play_team(stations=stations, settings={"offline_feedback": True})
    size = len(team.bundle().get_data())
    assert size < 60 * 1024, size
    assert len(json.loads(team.bundle().get_data())["stations"]) == 30
