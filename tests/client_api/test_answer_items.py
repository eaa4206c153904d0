"""The answer item has one definition: the service judges by it and the OpenAPI document shows it.
A hostile item is rejected alone with `invalid_item`; the items around it are judged."""

from __future__ import annotations

import json

from rallies import play
from rallies.models import Answer, Team
from rallies.play.answer_item import json_schema
from tests.client_api.helpers import item, new_id, now_iso, tasks_of

HOSTILE_ITEMS = {
    "time near year 1 with an extreme offset": {"answered_at": "0001-01-01T00:00:00+23:59"},
    "time near year 9999 with an extreme offset": {"answered_at": "9999-12-31T23:59:59-23:59"},
    "time without an offset": {"answered_at": "2026-05-01T10:00:00"},
    "task id beyond 64 bits": {"task_id": 2**64},
    "task id as a string": {"task_id": "1"},
    "hint_used as a string": {"hint_used": "yes"},
    "location without lon": {"location": {"lat": 52.5}},
    "location far beyond the poles": {"location": {"lat": 1e300, "lon": 13.4}},
}


def hostile(number_task_id: int, change: dict) -> dict:
    return {**item(number_task_id, 1642), **change}


def test_each_hostile_item_is_rejected_alone_over_http(play_team, db):
    team = play_team(stations=[{"tasks": ["single_choice", "number", "text"]}])
    choice, number, text = tasks_of(team.rally)
    for name, change in HOSTILE_ITEMS.items():
        good_before, bad, good_after = item(choice.id, "b"), hostile(number.id, change), item(text.id, "Falsch")
        result = team.answer(good_before, bad, good_after)["results"]
        assert [r["status"] for r in result] == ["accepted", "rejected", "accepted"], name
        assert result[1]["error"]["code"] == "invalid_item" and result[1]["id"] == bad["id"], name
        assert result[1]["error"]["message"], name
    missing = team.answer(item(choice.id, "b"), {"id": new_id(), "task_id": number.id, "value": 1})["results"]
    assert missing[1]["error"] == {"code": "invalid_item", "message": "Missing field(s): answered_at."}
    assert db.session.scalar(db.select(db.func.count(Answer.id)).filter_by(team_id=team.team_id)) \
        == 2 * len(HOSTILE_ITEMS) + 1
    assert db.session.scalar(db.select(db.func.count(Answer.id)).filter_by(task_id=number.id)) == 0


def test_numbers_no_computer_can_hold_are_an_invalid_item_not_an_error(play_team, db, app):
    team = play_team(stations=[{"tasks": ["number", "multiple_choice"]}])
    number, multiple = tasks_of(team.rally)
    row = db.session.get(Team, team.team_id)
    items = [item(number.id, 10**400), item(number.id, -(10**400)), item(multiple.id, ["a", 10**400]),
             item(number.id, float("nan")), item(number.id, 1642)]
    result = play.submit_answers(row, items, policy=play.PlayPolicy())["results"]
    assert [r["error"]["code"] if r["error"] else r["status"] for r in result] == \
        ["invalid_item", "invalid_item", "invalid_item", "invalid_item", "accepted"]
    assert result[4]["correct"] is True


def test_the_published_answer_item_is_the_services_definition(client):
    # plain json: the app's reader turns integers beyond 2^53 (the 64-bit bounds) into floats
    published = json.loads(client.get("/api/v1/openapi.json").data)
    _, components = json_schema()
    for name, component in components.items():
        assert published["components"]["schemas"][name] == component
    answers = published["components"]["schemas"]["AnswerBatch"]["properties"]["answers"]
    assert answers["items"] == {"allOf": [{"$ref": "#/components/schemas/AnswerItem"}]}
    item_schema = published["components"]["schemas"]["AnswerItem"]
    assert item_schema["required"] == ["id", "task_id", "value", "answered_at"]
    assert set(item_schema["properties"]) == {"id", "task_id", "value", "answered_at", "hint_used", "location"}


def test_an_item_with_unknown_fields_from_a_newer_app_is_judged(play_team):
    team = play_team(stations=[{"tasks": ["number"]}])
    task = tasks_of(team.rally)[0]
    result = team.answer({"id": new_id(), "task_id": task.id, "value": 1642, "answered_at": now_iso(),
                          "hint_used": None, "location": None, "device": {"os": "neu"}})["results"][0]
    assert result["status"] == "accepted" and result["correct"] is True
