"""The class visit, live: start now, moving the end, messages, grades back to the team, the ranking."""

from __future__ import annotations

import datetime as dt

from tests.runs.conftest import answer, utc

API = "/api/manage/v1"


def team_progress(client, token) -> dict:
    response = client.get("/api/v1/team/progress", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.json
    return response.json


# --- Start now -------------------------------------------------------------------------

def test_start_now_opens_the_window_for_the_rallys_default_length(make_rally, teacher, school, db):
    from rallies import runs

    rally = make_rally(publish="public", settings={"run_minutes": 45})
    now = utc()
    run = runs.start_run_now(rally, school=school, teacher=teacher, class_label="7b", max_retention_days=365,
                             default_retention_days=30, now=now)
    assert run.starts_at == now and run.ends_at == now + dt.timedelta(minutes=45)
    assert runs.run_state(run, now) == "open"


def test_start_now_lasts_90_minutes_without_a_rally_setting(make_rally, api_as, teacher, db):
    from rallies.models import ClassRun

    rally = make_rally(publish="public")
    response = api_as(teacher).post(f"{API}/runs", json={"rally_id": rally.id, "class_label": "7b", "start_now": True})

    assert response.status_code == 201, response.json
    run = db.session.get(ClassRun, response.json["id"])
    assert response.json["state"] == "open"
    assert run.ends_at - run.starts_at == dt.timedelta(minutes=90)


def test_start_now_and_a_window_together_are_refused(make_rally, api_as, teacher, db):
    rally = make_rally(publish="public")
    response = api_as(teacher).post(f"{API}/runs", json={
        "rally_id": rally.id, "class_label": "7b", "start_now": True, "starts_at": utc().isoformat()})
    assert response.status_code == 422 and "starts_at" in response.json["errors"]
    missing = api_as(teacher).post(f"{API}/runs", json={"rally_id": rally.id, "class_label": "7b"})
    assert missing.status_code == 422 and set(missing.json["errors"]) == {"starts_at", "ends_at"}


def test_a_planned_run_starts_now_keeping_its_length(make_rally, start, api_as, teacher, join_team, db):
    rally = make_rally(publish="public")
    begin = utc(days=1)
    planned = start(rally, starts_at=begin, ends_at=begin + dt.timedelta(hours=2))

    response = api_as(teacher).post(f"{API}/runs/{planned.id}/start-now")

    assert response.status_code == 200 and response.json["state"] == "open"
    db.session.expire_all()
    assert planned.ends_at - planned.starts_at == dt.timedelta(hours=2)
    team, _ = join_team(planned.join_code, "Die Frühen")
    assert team.expires_at > planned.ends_at
    again = api_as(teacher).post(f"{API}/runs/{planned.id}/start-now")
    assert again.status_code == 409 and again.json["code"] == "run_started"


def test_joining_a_planned_run_says_when_it_opens(make_rally, start, client):
    planned = start(make_rally(publish="public"), starts_at=utc(hours=2), ends_at=utc(hours=4))

    response = client.post("/api/v1/join", json={"code": planned.join_code, "team_name": "Zu früh"})

    assert response.status_code == 409 and response.json["code"] == "run_not_open"
    assert dt.datetime.fromisoformat(response.json["starts_at"]) == planned.starts_at


# --- Moving the end --------------------------------------------------------------------

def test_extending_a_run_under_way_reaches_the_phone_and_moves_token_expiry(make_rally, start, api_as, teacher,
                                                                             join_team, client, db):
    rally = make_rally(publish="public")
    run = start(rally, starts_at=utc(hours=-1), ends_at=utc(minutes=30))
    team, token = join_team(run.join_code, "Die Späten")
    old_expiry = team.expires_at
    new_end = run.ends_at + dt.timedelta(minutes=30)

    response = api_as(teacher).patch(f"{API}/runs/{run.id}", json={"ends_at": new_end.isoformat()})

    assert response.status_code == 200, response.json
    db.session.expire_all()
    assert team.expires_at == old_expiry + dt.timedelta(minutes=30)
    progress = team_progress(client, token)
    assert dt.datetime.fromisoformat(progress["run"]["ends_at"]) == new_end
    assert dt.datetime.fromisoformat(progress["run"]["starts_at"]) == run.starts_at


def test_shortening_keeps_stored_answers_and_closes_later_ones(make_rally, start, teacher, join_team, db):
    from rallies import runs
    from rallies.models import Answer

    rally = make_rally(publish="public", stations=[{"tasks": ["single_choice", "number"]}])
    run = start(rally, starts_at=utc(hours=-1), ends_at=utc(hours=2))
    team, _ = join_team(run.join_code, "Die Schnellen")
    tasks = [t.id for t in rally.stations[0].tasks]
    assert answer(team, tasks[0], "a", when=utc(minutes=-5))["status"] == "accepted"

    runs.update_run(run, actor=teacher, max_retention_days=365, ends_at=utc(minutes=10))
    db.session.commit()

    late = answer(team, tasks[1], 1642, when=utc(minutes=20))
    assert late["status"] == "rejected" and late["error"]["code"] == "window_closed"
    assert db.session.scalar(db.select(db.func.count(Answer.id)).where(Answer.team_id == team.id)) == 1


def test_the_label_and_start_stay_fixed_once_under_way_and_an_ended_run_keeps_its_end(make_rally, start, api_as,
                                                                                    teacher):
    running = start(make_rally(publish="public"))
    client = api_as(teacher)
    refused = client.patch(f"{API}/runs/{running.id}", json={"starts_at": utc(minutes=-5).isoformat()})
    assert refused.status_code == 409 and refused.json["code"] == "run_started"
    ended = start(make_rally(publish="public"), starts_at=utc(hours=-3), ends_at=utc(hours=-1), now=utc(hours=-4))
    late = client.patch(f"{API}/runs/{ended.id}", json={"ends_at": utc(hours=1).isoformat()})
    assert late.status_code == 409 and late.json["code"] == "run_ended"


# --- Messages --------------------------------------------------------------------------

def test_a_message_reaches_every_team_oldest_first_at_most_twenty(make_rally, start, api_as, teacher, join_team,
                                                                 client, db):
    run = start(make_rally(publish="public"))
    _, token = join_team(run.join_code, "Die Boten")
    api = api_as(teacher)
    assert team_progress(client, token)["messages"] == []

    for n in range(22):
        sent = api.post(f"{API}/runs/{run.id}/messages", json={"text": f"Nachricht {n}"})
        assert sent.status_code == 201, sent.json

    messages = team_progress(client, token)["messages"]
    assert [m["text"] for m in messages] == [f"Nachricht {n}" for n in range(2, 22)]
    assert set(messages[0]) == {"id", "text", "sent_at"}
    history = api.get(f"{API}/runs/{run.id}/messages").json["items"]
    assert len(history) == 22 and history[0]["text"] == "Nachricht 21"


def test_a_message_has_1_to_500_characters(make_rally, start, api_as, teacher, db):
    from rallies.models import RunMessage

    run = start(make_rally(publish="public"))
    api = api_as(teacher)
    too_long = api.post(f"{API}/runs/{run.id}/messages", json={"text": "x" * 501})
    empty = api.post(f"{API}/runs/{run.id}/messages", json={"text": "   "})
    assert too_long.status_code == 422 and "text" in too_long.json["errors"]
    assert empty.status_code == 422
    assert db.session.scalar(db.select(db.func.count(RunMessage.id))) == 0
    assert api.post(f"{API}/runs/{run.id}/messages", json={"text": "x" * 500}).status_code == 201


def test_free_play_has_no_run_and_no_messages(make_rally, client, db):
    rally = make_rally(publish="public")
    joined = client.post("/api/v1/join", json={"code": rally.free_play_code, "team_name": "Frei"})
    progress = team_progress(client, joined.json["token"])
    assert progress["run"] is None and progress["messages"] == []


def test_messages_are_deleted_with_the_runs_pupil_data(make_rally, start, teacher, storage, db):
    from rallies import retention, run_messages
    from rallies.models import RunMessage

    run = start(make_rally(publish="public"), starts_at=utc(days=-40), ends_at=utc(days=-39), retention_days=1,
                now=utc(days=-41))
    keep = start(make_rally(publish="public"))
    run_messages.send_message(run, "Sammeln!", actor=teacher)
    run_messages.send_message(keep, "Bleibt", actor=teacher)
    db.session.commit()

    retention.purge_expired(storage=storage)
    db.session.commit()

    assert [m.text for m in db.session.scalars(db.select(RunMessage))] == ["Bleibt"]
    assert run_messages.team_messages(run.id, run.last_message_at) == []


# --- Grades back to the team -----------------------------------------------------------

def test_progress_tasks_carry_state_points_and_the_teachers_comment(make_played_run, client, db):
    from rallies import play, results
    from rallies.models import Answer

    played = make_played_run()
    owls = played.teams["Die Eulen"]
    open_answer = next(a for a in results.load_run(played.run).answers[owls.id] if a.task_id == played.tasks["open"])

    before = {t["id"]: t for t in play.progress(owls)["tasks"]}
    assert before[played.tasks["open"]] == {"id": played.tasks["open"], "station_id": before[played.tasks["open"]]["station_id"],
                                            "state": "submitted", "attempts": 1, "points": None, "feedback": None,
                                            "graded_at": None}
    results.grade_answer(db.session.get(Answer, open_answer.id), 8, "Rückmeldung an das Team", played.run.teacher)
    db.session.commit()

    tasks = {t["id"]: t for t in play.progress(owls)["tasks"]}
    graded = tasks[played.tasks["open"]]
    assert graded["state"] == "graded" and graded["points"] == 8
    assert graded["feedback"] == "Rückmeldung an das Team" and graded["graded_at"] is not None
    assert tasks[played.tasks["single_choice"]]["state"] == "correct" and tasks[played.tasks["single_choice"]]["attempts"] == 2
    assert tasks[played.tasks["number"]]["state"] == "wrong" and tasks[played.tasks["number"]]["points"] == 0
    assert tasks[played.tasks["survey"]]["state"] == "submitted" and tasks[played.tasks["survey"]]["points"] is None
    assert tasks[played.tasks["info"]]["state"] == "open"
    assert tasks[played.tasks["photo"]]["state"] == "open" and tasks[played.tasks["photo"]]["points"] == 0
    foxes = {t["id"]: t for t in play.progress(played.teams["Die Füchse"])["tasks"]}
    assert foxes[played.tasks["info"]]["state"] == "read" and foxes[played.tasks["info"]]["points"] is None


def test_task_states_follow_the_contract(make_rally, start, join_team, db):
    from rallies import play

    rally = make_rally(publish="public", settings={"attempts_per_task": 2},
                       stations=[{"tasks": ["single_choice", "multiple_choice", "number"]}])
    run = start(rally)
    team, _ = join_team(run.join_code, "Die Zustände")
    single, multi, number = [t.id for t in rally.stations[0].tasks]
    assert answer(team, single, "b")["status"] == "accepted"
    assert answer(team, single, "b")["status"] == "accepted"
    assert answer(team, number, 1)["status"] == "accepted"
    states = {t["id"]: t["state"] for t in play.progress(team)["tasks"]}
    assert states == {single: "exhausted", multi: "open", number: "wrong"}
    assert [t["id"] for t in play.progress(team)["tasks"]] == [single, multi, number]


def test_progress_needs_no_extra_query_per_task(make_played_run, client, db):
    """The token query, the unlocks and one query of answers, whatever the number of tasks and messages."""
    from sqlalchemy import event

    from rallies import play, run_messages

    played = make_played_run()
    run_messages.send_message(played.run, "Sammeln!", actor=played.run.teacher)
    _, token = play.join(played.run.join_code, "Die Zähler", policy=play.PlayPolicy())
    db.session.commit()
    header = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/team/progress", headers=header)  # warm the caches
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/api/v1/team/progress", headers=header)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.json["messages"][0]["text"] == "Sammeln!"
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 3, selects


# --- Closing ranking and the per-station view ------------------------------------------

def test_the_closing_ranking_lists_last_place_first(make_played_run, api_as, teacher):
    played = make_played_run()
    response = api_as(teacher).get(f"{API}/runs/{played.run.id}/ranking")

    assert response.status_code == 200, response.json
    teams = response.json["teams"]
    assert [t["name"] for t in teams][-1] == "Die Füchse"
    assert [t["rank"] for t in teams] == sorted((t["rank"] for t in teams), reverse=True)


def test_the_ranking_is_hidden_when_switched_off_or_points_are_hidden(make_rally, make_played_run, start, api_as,
                                                                      teacher):
    played = make_played_run()
    api = api_as(teacher)
    assert api.patch(f"{API}/runs/{played.run.id}", json={"show_ranking": False}).json["show_ranking"] is False
    off = api.get(f"{API}/runs/{played.run.id}/ranking")
    assert off.status_code == 409 and off.json["code"] == "ranking_hidden"
    secret = start(make_rally(publish="public", settings={"show_points": False}))
    hidden = api.get(f"{API}/runs/{secret.id}/ranking")
    assert hidden.status_code == 409 and "Punkte" in hidden.json["detail"]


def test_stations_show_how_many_teams_unlocked_and_finished_them(make_played_run, api_as, teacher):
    """The station opens for everyone; only "Die Füchse" answered every task of it."""
    played = make_played_run()
    items = api_as(teacher).get(f"{API}/runs/{played.run.id}/stations").json["items"]
    assert items == [{"id": items[0]["id"], "position": 1, "title": "Eingangshalle", "unlocked": 3, "done": 1,
                      "teams": 3}]


def test_another_schools_teacher_sees_none_of_it(make_played_run, api_as, make_user, make_school):
    played = make_played_run()
    stranger = api_as(make_user("teacher", schools=[make_school(name="Andere Schule")]))
    run_id = played.run.id
    for method, path, body in (("post", f"/runs/{run_id}/start-now", None),
                               ("get", f"/runs/{run_id}/messages", None),
                               ("post", f"/runs/{run_id}/messages", {"text": "Hallo"}),
                               ("get", f"/runs/{run_id}/ranking", None),
                               ("get", f"/runs/{run_id}/stations", None),
                               ("patch", f"/runs/{run_id}", {"ends_at": utc(hours=5).isoformat()})):
        response = getattr(stranger, method)(f"{API}{path}", json=body)
        assert response.status_code == 404, (method, path, response.json)
