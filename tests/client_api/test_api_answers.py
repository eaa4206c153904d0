"""POST /api/v1/team/answers: each item on its own, in order, scored once however often it is sent."""

import datetime as dt
import threading

from rallies import publishing
from rallies.models import Answer
from tests.client_api.helpers import item, new_id, now_iso, tasks_of


def stored(db, team) -> list:
    return db.session.scalars(db.select(Answer).filter_by(team_id=team.team_id).order_by(Answer.id)).all()


def codes(result) -> list:
    return [r["error"]["code"] if r["error"] else r["status"] for r in result["results"]]


def test_a_partly_bad_batch_keeps_the_good_items(play_team, db):
    team = play_team(stations=[{"tasks": ["single_choice", "number", "text"]}])
    sc, number, text = tasks_of(team.rally)
    result = team.answer(item(sc.id, "a"), {"id": new_id(), "task_id": number.id, "value": 1642},
                         item(text.id, "nachtwache "))
    assert codes(result) == ["accepted", "invalid_item", "accepted"]
    first, bad, third = result["results"]
    assert first["correct"] is True and first["points"] == 10 and first["feedback"] == "Richtig!"
    assert bad["points"] is None and bad["correct"] is None
    assert third["correct"] is True
    assert result["progress"]["score"] == 20 and result["progress"]["max_score"] == 30
    assert [a.task_id for a in stored(db, team)] == [sc.id, text.id]


def test_batches_of_0_or_101_items_are_refused_whole(play_team, db):
    team = play_team()
    task = tasks_of(team.rally)[0]
    for answers in ([], [item(task.id, "b") for _ in range(101)], "nope", None):
        response = team.post("/api/v1/team/answers", json={"answers": answers})
        assert response.status_code == 422 and response.get_json()["code"] == "invalid_request"
        assert "answers" in response.get_json()["errors"]
    assert stored(db, team) == []
    many = team.answer(*[item(task.id, "b") for _ in range(100)])
    assert len(many["results"]) == 100


def test_a_replayed_batch_is_duplicate_and_scored_once(play_team, db):
    team = play_team(stations=[{"tasks": ["single_choice", "number"]}])
    sc, number = tasks_of(team.rally)
    right = item(sc.id, "a")
    batch = [right, item(number.id, 1600), dict(right)]
    first = team.answer(*batch)
    assert codes(first) == ["accepted", "accepted", "duplicate"]
    again = team.answer(*batch)
    assert codes(again) == ["duplicate"] * 3
    assert again["results"][0]["points"] == 10 and again["progress"]["score"] == 10
    assert len(stored(db, team)) == 2


def test_the_same_batch_sent_concurrently_is_stored_once(app, db, play_team):
    """Replays from several workers at once: threads with their own app contexts and connections,
    serialised by the team's row lock on PostgreSQL (the write lock on SQLite)."""
    team = play_team(stations=[{"tasks": ["single_choice", "number", "text", "order"]}])
    sc, number, text, order = tasks_of(team.rally)
    batch = {"answers": [item(sc.id, "b"), item(sc.id, "a"), item(number.id, 1642), item(text.id, "Nachtwache"),
                         item(order.id, ["x", "y", "z"])]}
    db.session.commit()
    results, barrier = [], threading.Barrier(6)

    def send():
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.post("/api/v1/team/answers", json=batch, headers=team.headers)
            results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(status == 200 for status, _ in results), results
    statuses = [[r["status"] for r in body["results"]] for _, body in results]
    assert statuses.count(["accepted"] * 5) == 1, statuses
    assert statuses.count(["duplicate"] * 5) == 5
    db.session.expire_all()
    assert len(stored(db, team)) == 5
    assert team.progress()["score"] == 40  # four right answers, each counted once


def test_each_rejection_code(app, play_team, make_rally, db):
    team = play_team(stations=[{"tasks": ["single_choice", "survey", "number", "info"]},
                               {"unlock_mode": "qr", "tasks": ["single_choice"]}],
                     settings={"attempts_per_task": 2})
    sc, survey, number, info, locked = tasks_of(team.rally)
    other = tasks_of(make_rally())[0]
    accepted_id = new_id()
    team.answer({"id": accepted_id, "task_id": sc.id, "value": "a", "answered_at": now_iso()},
                item(survey.id, 3), item(number.id, 1), item(number.id, 2), item(info.id, None))
    cases = [
        ({"id": "x", "task_id": sc.id, "value": "a", "answered_at": now_iso()}, "invalid_id"),
        ({"id": new_id(), "task_id": sc.id, "value": "a"}, "invalid_item"),
        ({"id": new_id(), "task_id": sc.id, "value": "a", "answered_at": "2026-05-01T10:00:00"}, "invalid_item"),
        ({"id": new_id(), "task_id": "1", "value": "a", "answered_at": now_iso()}, "invalid_item"),
        (item(sc.id, "a", hint_used="yes"), "invalid_item"),
        ({"id": accepted_id, "task_id": sc.id, "value": "b", "answered_at": now_iso()}, "id_reused"),
        (item(other.id, "a"), "unknown_task"),
        (item(locked.id, "a"), "station_locked"),
        (item(sc.id, "b"), "already_solved"),
        (item(survey.id, 4), "already_submitted"),
        (item(info.id, None), "already_submitted"),
        (item(number.id, 1642), "attempts_exhausted"),
        (item(survey.id + 0, 3, id=accepted_id), "id_reused"),
    ]
    result = team.answer(*[case for case, _ in cases])
    assert codes(result) == [code for _, code in cases]
    assert all(r["status"] == "rejected" and r["points"] is None for r in result["results"])
    assert len(stored(db, team)) == 5

    team2 = play_team(stations=[{"tasks": ["single_choice"]}], settings={"time_limit_s": 60})
    task = tasks_of(team2.rally)[0]
    result = team2.answer(item(task.id, "zzz"), item(task.id, "a", answered_at=now_iso(120)),
                          item(task.id, "a", answered_at=(team2.run.ends_at + dt.timedelta(seconds=1)).isoformat()))
    assert codes(result) == ["invalid_value", "time_limit", "window_closed"]
    team2.post("/api/v1/team/finish")
    assert codes(team2.answer(item(task.id, "a"))) == ["finished"]


def test_the_first_applicable_code_wins(play_team, make_rally):
    team = play_team(stations=[{"tasks": ["single_choice", "survey"]}, {"unlock_mode": "qr", "tasks": ["text"]}],
                     settings={"time_limit_s": 60, "attempts_per_task": 1})
    sc, survey, locked = tasks_of(team.rally)
    other = tasks_of(make_rally())[0]
    used = new_id()
    team.answer({"id": used, "task_id": sc.id, "value": "a", "answered_at": now_iso()}, item(survey.id, 2))
    late = now_iso(120)
    after_end = (team.run.ends_at + dt.timedelta(seconds=1)).isoformat()
    cases = [
        ({"id": "x"}, "invalid_id"),                                                    # and invalid_item
        ({"id": used, "task_id": sc.id, "value": "b"}, "invalid_item"),                 # and id_reused
        ({"id": used, "task_id": other.id, "value": "b", "answered_at": now_iso()}, "id_reused"),  # and unknown
        (item(other.id, "a", answered_at=after_end), "unknown_task"),                  # and window_closed
        (item(locked.id, "x", answered_at=after_end), "window_closed"),                # and time_limit, locked
        (item(locked.id, "x", answered_at=late), "time_limit"),                        # and station_locked
        (item(locked.id, 42), "station_locked"),                                       # and invalid_value
        (item(sc.id, 42), "already_solved"),                                           # and invalid_value
        (item(survey.id, "zzz"), "already_submitted"),                                 # and invalid_value
    ]
    assert codes(team.answer(*[case for case, _ in cases])) == [code for _, code in cases]
    team.post("/api/v1/team/finish")
    assert codes(team.answer(item(other.id, "a"), item(sc.id, "a", answered_at=after_end))) == \
        ["unknown_task", "finished"]


def test_wrong_attempts_cost_the_penalty_and_never_go_below_zero(play_team):
    team = play_team(stations=[{"tasks": ["number", "single_choice"]}], settings={"wrong_attempt_penalty": 2.5})
    number, sc = tasks_of(team.rally)
    result = team.answer(item(number.id, 1), item(number.id, 2), item(number.id, 1642),
                         *[item(sc.id, "b") for _ in range(5)], item(sc.id, "a"))
    points = [r["points"] for r in result["results"]]
    assert points == [0, 0, 5, 0, 0, 0, 0, 0, 0]
    assert [r["correct"] for r in result["results"]][:3] == [False, False, True]
    assert result["progress"]["score"] == 5


def test_a_used_hint_costs_its_points(make_rally, make_run, join_http, editor, db):
    rally = make_rally(stations=[{"tasks": ["single_choice", "text"]}], publish=None)
    sc, text = rally.stations[0].tasks
    for task in (sc, text):
        task.hint_text, task.hint_cost = "Denk an Amsterdam", 3
    publishing.publish(rally, actor=editor, visibility="public")
    db.session.commit()
    team = join_http(make_run(rally).join_code)
    assert team.bundle().get_json()["stations"][0]["tasks"][0]["hint"] == {"text": "Denk an Amsterdam", "cost": 3}
    result = team.answer(item(sc.id, "a", hint_used=True), item(text.id, "Nachtwache"))
    assert [r["points"] for r in result["results"]] == [7, 10]


def test_partial_credit_counts_the_last_attempt(play_team):
    team = play_team(stations=[{"tasks": ["multiple_choice", "match"]}])
    mc, match = tasks_of(team.rally)
    result = team.answer(item(mc.id, ["a"]))
    assert result["results"][0]["points"] == 5 and result["results"][0]["correct"] is False
    assert result["progress"]["score"] == 5
    result = team.answer(item(mc.id, ["a", "c"]), item(match.id, {"l1": "r1", "l2": "r1"}))
    assert [r["points"] for r in result["results"]] == [0, 5]
    assert result["progress"]["score"] == 5
    result = team.answer(item(mc.id, ["a", "b"]))
    assert result["results"][0]["correct"] is True and result["progress"]["score"] == 15


def test_teacher_graded_survey_and_info_answers_have_no_points(play_team, db):
    team = play_team(stations=[{"tasks": ["survey", "info", "text"]}])
    survey, info, text = tasks_of(team.rally)
    text_task = team.rally.stations[0].tasks[2]
    assert text_task.type == "text"
    result = team.answer(item(survey.id, 4), item(info.id, None))
    assert [(r["correct"], r["points"], r["pending_review"]) for r in result["results"]] == \
        [(None, None, False), (None, None, False)]
    assert result["progress"]["max_score"] == 10


def test_a_teacher_graded_text_waits_for_review(make_rally, make_run, join_http, editor, db):
    from rallies import authoring

    rally = make_rally(stations=[{"tasks": ["text"]}], publish=None)
    authoring.update_task(rally.stations[0].tasks[0], actor=editor,
                          config={"teacher_graded": True, "accepted_answers": []})
    publishing.publish(rally, actor=editor, visibility="public")
    db.session.commit()
    team = join_http(make_run(rally).join_code)
    task = rally.stations[0].tasks[0]
    assert "solution" not in team.bundle().get_json()["stations"][0]["tasks"][0]
    result = team.answer(item(task.id, "Ein Bild im Dunkeln"), item(task.id, "noch mal"))
    first, second = result["results"]
    assert (first["correct"], first["points"], first["pending_review"]) == (None, None, True)
    assert second["error"]["code"] == "already_submitted"
    assert result["progress"]["max_score"] == 10 and result["progress"]["score"] == 0


def test_an_answer_earlier_in_the_queue_is_unlocked_by_a_scan_synced_later(play_team):
    team = play_team(stations=[{"unlock_mode": "qr", "tasks": ["single_choice"]}])
    task = tasks_of(team.rally)[0]
    queued = item(task.id, "a")
    assert codes(team.answer(queued)) == ["station_locked"]
    team.scan(team.rally.stations[0].qr_token)
    assert codes(team.answer(queued)) == ["accepted"]


def test_fixed_order_and_conditions_lock_stations(make_rally, make_run, join_http, editor, db):
    rally = make_rally(stations=[{"tasks": ["single_choice"]}, {"tasks": ["single_choice"]},
                                 {"tasks": ["info"]}, {"tasks": ["info"]}], publish=None,
                       settings={"station_order": "free"})
    s1, s2, s3, s4 = rally.stations
    s3.conditions = [{"after_station": s2.id}]
    s4.conditions = [{"min_score": 20}]
    publishing.publish(rally, actor=editor, visibility="public")
    db.session.commit()
    team = join_http(make_run(rally).join_code)
    states = lambda: [s["state"] for s in team.progress()["stations"]]  # noqa: E731
    assert states() == ["unlocked", "unlocked", "locked", "locked"]
    assert codes(team.answer(item(s3.tasks[0].id, None))) == ["station_locked"]
    team.answer(item(s2.tasks[0].id, "a"))
    assert states() == ["unlocked", "done", "unlocked", "locked"]
    # The first answer lifts the score to 20, which unlocks station 4 for the second.
    assert codes(team.answer(item(s4.tasks[0].id, None), item(s1.tasks[0].id, "a"), item(s4.tasks[0].id, None))) \
        == ["station_locked", "accepted", "accepted"]
    assert states() == ["done", "done", "unlocked", "done"]

    fixed = make_rally(stations=[{"tasks": ["single_choice"]}, {"tasks": ["single_choice"]}],
                       settings={"station_order": "fixed"})
    team = join_http(make_run(fixed).join_code)
    first, second = fixed.stations
    assert codes(team.answer(item(second.tasks[0].id, "a"), item(first.tasks[0].id, "a"),
                             item(second.tasks[0].id, "a"))) == ["station_locked", "accepted", "accepted"]
    assert [s["state"] for s in team.progress()["stations"]] == ["done", "done"]


def test_progress_and_finish(play_team, db):
    team = play_team(stations=[{"tasks": ["single_choice", "info"]}, {"unlock_mode": "qr", "tasks": []}],
                     settings={"time_limit_s": 3600})
    sc, info = tasks_of(team.rally)
    progress = team.progress()
    assert progress["score"] == 0 and progress["max_score"] == 10 and progress["finished_at"] is None
    assert 3590 <= progress["time_left_s"] <= 3600
    assert progress["stations"][0] == {"id": team.rally.stations[0].id, "state": "unlocked",
                                       "tasks_done": 0, "tasks_total": 2}
    assert progress["stations"][1]["state"] == "locked"
    team.scan(team.rally.stations[1].qr_token)
    team.answer(item(sc.id, "a"), item(info.id, None))
    assert [s["state"] for s in team.progress()["stations"]] == ["done", "done"]
    finished = team.post("/api/v1/team/finish", json={"id": new_id()})
    assert finished.status_code == 200
    body = finished.get_json()
    assert body["progress"]["score"] == 10 and body["progress"]["finished_at"] == body["finished_at"]
    again = team.post("/api/v1/team/finish")
    assert again.get_json()["finished_at"] == body["finished_at"]


def test_team_writes_are_limited_to_120_a_minute(play_team):
    team = play_team()
    statuses = [team.post("/api/v1/team/finish").status_code for _ in range(121)]
    assert statuses == [200] * 120 + [429]
    refused = team.post("/api/v1/team/finish")
    assert refused.get_json()["code"] == "rate_limited" and int(refused.headers["Retry-After"]) >= 1
    assert team.progress()["finished_at"] is not None  # reads are not writes


def test_teams_never_see_or_touch_each_other(play_team, make_rally, make_run, join_http, db):
    team = play_team(stations=[{"tasks": ["single_choice"]}])
    task = tasks_of(team.rally)[0]
    other_run = make_run(team.rally, class_label="8a")
    other = join_http(other_run.join_code, "Andere Klasse")
    shared_id = new_id()
    team.answer({"id": shared_id, "task_id": task.id, "value": "a", "answered_at": now_iso()})
    result = other.answer({"id": shared_id, "task_id": task.id, "value": "b", "answered_at": now_iso()})
    assert result["results"][0]["status"] == "accepted" and result["results"][0]["correct"] is False
    assert team.progress()["score"] == 10 and other.progress()["score"] == 0
    foreign = make_rally(stations=[{"tasks": ["single_choice"]}])
    assert codes(team.answer(item(tasks_of(foreign)[0].id, "a"))) == ["unknown_task"]
    assert team.get(f"/api/v1/rallies/{foreign.id}/bundle").status_code == 404


def test_a_rejected_answer_says_why_in_the_readers_language_beside_the_progress(play_team):
    team = play_team(stations=[{"tasks": ["single_choice"]}, {"unlock_mode": "qr", "tasks": ["single_choice"]}])
    _, locked = tasks_of(team.rally)
    german = team.answer(item(locked.id, "a"))
    english = team.client.post("/api/v1/team/answers", json={"answers": [item(locked.id, "a")]},
                               headers={**team.headers, "Accept-Language": "en"}).get_json()
    assert german["results"][0]["error"]["message"] == "Diese Station ist noch gesperrt."
    assert english["results"][0]["error"] == {"code": "station_locked", "message": "This station is still locked."}
    assert english["progress"] == german["progress"] and english["progress"]["stations"]
