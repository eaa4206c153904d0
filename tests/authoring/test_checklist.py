"""The publish checklist names what a class would hit, and publishing refuses the blockers."""

from __future__ import annotations

import pytest

from rallies import authoring, publishing, qrcodes
from rallies.checklist import checklist
from rallies.errors import Invalid


def codes(rally):
    return [(item.code, item.blocking) for item in checklist(rally)]


def test_a_complete_rally_has_an_empty_checklist(make_rally):
    rally = make_rally(stations=[{"tasks": ["single_choice", "text"]}, {"unlock_mode": "location", "tasks": ["number"]}],
                       publish=None)
    assert checklist(rally) == []


def test_an_empty_question_is_flagged_with_its_task_and_blocks_publishing(make_rally, editor, db):
    rally = make_rally(stations=[{"title": "Foyer", "tasks": ["single_choice", "number"]}], publish=None)
    task = rally.stations[0].tasks[1]
    authoring.update_task(task, actor=editor, prompt_md="   ")

    [item] = checklist(rally)
    assert item.code == "empty_prompt" and item.blocking
    assert (item.station_id, item.task_id, item.field) == (rally.stations[0].id, task.id, "prompt_md")
    assert str(item.message) == "Station „Foyer“, Aufgabe 2: Der Aufgabentext fehlt."
    with pytest.raises(Invalid) as refused:
        publishing.publish(rally, actor=editor, visibility="public")
    assert "stations.0.tasks.1.prompt_md" in refused.value.errors


def test_a_choice_task_without_a_right_option_is_flagged(make_rally, db):
    rally = make_rally(stations=[{"title": "Foyer", "tasks": ["single_choice"]}], publish=None)
    task = rally.stations[0].tasks[0]
    task.config = {"options": [{"id": "a", "text": "Rot", "correct": False}, {"id": "b", "text": "Blau"}]}
    db.session.flush()  # as an old import may have stored it

    assert codes(rally) == [("no_right_option", True)]
    assert "Keine Antwort ist als richtig markiert" in str(checklist(rally)[0].message)


def test_a_location_station_without_a_place_is_flagged(make_rally, db):
    rally = make_rally(stations=[{"title": "Park", "unlock_mode": "location", "tasks": ["text"]}], publish=None)
    rally.stations[0].lat = None
    db.session.flush()
    assert codes(rally) == [("location_without_place", True)]


def test_a_qr_code_counts_as_printed_once_the_kit_is_downloaded_and_again_after_renewal(make_rally, editor, db):
    rally = make_rally(stations=[{"title": "Turm", "unlock_mode": "qr", "tasks": ["text"]}], publish=None)
    assert codes(rally) == [("qr_not_printed", False)]  # a warning: publishing still works

    qrcodes.kit_pdf("https://rally.example", rally)
    assert checklist(rally) == []

    authoring.regenerate_qr_token(rally.stations[0], actor=editor)
    assert codes(rally) == [("qr_not_printed", False)]


def test_stations_waiting_for_each_other_are_named_and_cannot_be_published(make_rally, editor, db):
    rally = make_rally(stations=[{"title": f"Raum {n}", "tasks": ["text"]} for n in range(1, 11)], publish=None)
    nine, ten = rally.stations[8], rally.stations[9]
    authoring.update_station(nine, actor=editor, conditions=[{"after_station": ten.id}])
    authoring.update_station(ten, actor=editor, conditions=[{"after_station": nine.id}])

    [item] = checklist(rally)
    assert item.code == "condition_cycle"
    assert str(item.message) == "Diese Stationen warten aufeinander und öffnen sich nie: 9. Raum 9, 10. Raum 10."
    with pytest.raises(Invalid) as refused:
        publishing.publish(rally, actor=editor, visibility="public")
    assert any("9. Raum 9, 10. Raum 10" in m for ms in refused.value.errors.values() for m in ms)


def test_in_a_fixed_order_waiting_for_a_later_station_is_a_cycle_too(make_rally, editor):
    rally = make_rally(stations=[{"title": "A", "tasks": ["text"]}, {"title": "B", "tasks": ["text"]}],
                       settings={"station_order": "fixed"}, publish=None)
    authoring.update_station(rally.stations[0], actor=editor, conditions=[{"after_station": rally.stations[1].id}])
    assert codes(rally) == [("condition_cycle", True)]


def test_a_minimum_score_no_team_can_reach_is_named_and_blocks_publishing(make_rally, editor):
    rally = make_rally(stations=[{"title": "Start", "tasks": ["text", "number"]}, {"title": "Finale", "tasks": ["text"]}],
                       publish=None)
    finale = rally.stations[1]
    authoring.update_station(finale, actor=editor, conditions=[{"min_score": 20}])
    assert checklist(rally) == []  # 2 × 10 points before the finale: reachable

    authoring.update_station(finale, actor=editor, conditions=[{"min_score": 25}])
    [item] = checklist(rally)
    assert item.code == "unreachable_score" and item.station_id == finale.id
    assert str(item.message) == "Station „Finale“ verlangt 25 Punkte, vorher sind aber höchstens 20 zu holen."
    with pytest.raises(Invalid):
        publishing.publish(rally, actor=editor, visibility="public")
