"""A whole game through the play services: join, scan, answer, progress, finish."""

import datetime as dt
import uuid

from tests.rally_factories import RIGHT_VALUES


def now_iso():
    return dt.datetime.now(dt.timezone.utc).isoformat()


def test_a_team_plays_a_qr_station_and_scores(make_rally, make_run, join_team, db):
    from rallies import play

    rally = make_rally(stations=[{"unlock_mode": "qr", "tasks": ["single_choice", "number"]}])
    run = make_run(rally)
    team, _ = join_team(run.join_code.lower())
    station = rally.stations[0]
    tasks = station.tasks

    locked = play.submit_answers(team, [{"id": str(uuid.uuid4()), "task_id": tasks[0].id, "value": "a",
                                         "answered_at": now_iso()}], policy=play.PlayPolicy())
    assert locked["results"][0]["error"]["code"] == "station_locked"

    scanned = play.scan(team, client_id=str(uuid.uuid4()), payload=f"https://x/q/{station.qr_token}\n",
                        scanned_at=dt.datetime.now(dt.timezone.utc))
    assert scanned["unlocked"] is True

    answer_id = str(uuid.uuid4())
    items = [{"id": answer_id, "task_id": tasks[0].id, "value": RIGHT_VALUES["single_choice"], "answered_at": now_iso()},
             {"id": str(uuid.uuid4()), "task_id": tasks[1].id, "value": 1600, "answered_at": now_iso()}]
    result = play.submit_answers(team, items, policy=play.PlayPolicy())
    db.session.commit()
    assert [r["status"] for r in result["results"]] == ["accepted", "accepted"]
    assert result["results"][0]["points"] == 10 and result["results"][1]["points"] == 0
    assert result["progress"]["score"] == 10 and result["progress"]["max_score"] == 20

    replay = play.submit_answers(team, items[:1], policy=play.PlayPolicy())
    assert replay["results"][0]["status"] == "duplicate"
    assert replay["progress"]["score"] == 10

    finished = play.finish(team)
    again = play.finish(team)
    assert finished["finished_at"] == again["finished_at"]
