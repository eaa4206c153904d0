"""The phone's own rules (server/static/player/game.js), run in Chromium on synthetic bundles."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

STATION_STATES = """async ([bundle, state]) => {
  const game = await import("/static/player/game.js");
  return game.stationStates(bundle, state).map((row) => ({state: row.state, done: row.tasksDone, total: row.tasksTotal}));
}"""


def bundle(*tasks_per_station: int) -> dict:
    stations = [{"id": s + 1, "title": f"Station {s + 1}", "unlock": {"mode": "open"}, "conditions": [],
                 "tasks": [{"id": (s + 1) * 10 + t, "type": "single_choice", "points": 10}
                           for t in range(count)]}
                for s, count in enumerate(tasks_per_station)]
    return {"rally": {"settings": {"station_order": "free"}}, "stations": stations}


def test_a_station_the_server_counts_done_shows_all_its_tasks_done_on_a_phone_that_lost_its_data(live_server, phone):
    page = phone().new_page()
    page.goto(live_server.url + "/play")
    fresh_phone = {"tasks": {}, "unlocked": {}, "progress": {"score": 20, "stations": [
        {"id": 1, "state": "done", "tasks_done": 2, "tasks_total": 2},
        {"id": 2, "state": "unlocked", "tasks_done": 1, "tasks_total": 2}]}}
    rows = page.evaluate(STATION_STATES, [bundle(2, 2), fresh_phone])
    assert rows == [{"state": "done", "done": 2, "total": 2}, {"state": "unlocked", "done": 1, "total": 2}]


def test_answers_made_offline_count_before_the_server_has_seen_them(live_server, phone):
    page = phone().new_page()
    page.goto(live_server.url + "/play")
    offline = {"tasks": {"10": {"done": True, "attempts": 1}}, "unlocked": {},
               "progress": {"score": 0, "stations": [{"id": 1, "state": "unlocked", "tasks_done": 0, "tasks_total": 2}]}}
    rows = page.evaluate(STATION_STATES, [bundle(2), offline])
    assert rows == [{"state": "unlocked", "done": 1, "total": 2}]
