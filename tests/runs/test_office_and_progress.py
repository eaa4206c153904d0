"""The office's anonymous figures, and live progress that stays cheap for a large class."""

import csv
import io

from sqlalchemy import event

API = "/api/manage/v1"


def test_the_office_gets_figures_per_region_and_kind_without_answers(make_played_run, api_as, office, teacher,
                                                                     make_rally, make_institution, editor, storage, db):
    from rallies import retention

    played = make_played_run(retention_days=1)
    make_rally(publish=None)  # drafts do not count
    client = api_as(office)

    figures = client.get(f"{API}/office/figures")
    assert figures.status_code == 200
    [row] = figures.json["rows"]
    assert (row["region"], row["institution_kind"], row["rallies_published"], row["runs_held"], row["teams"],
            row["teams_finished"], row["completion_rate"]) == ("Mitte", "museum", 1, 1, 3, 1, 0.3333)
    assert "Die Füchse" not in figures.get_data(as_text=True)

    retention.purge_expired(storage=storage, now=played.run.delete_after)
    db.session.commit()
    after = client.get(f"{API}/office/figures").json["totals"]
    assert (after["runs_held"], after["teams"], after["teams_finished"]) == (1, 3, 1)

    exported = client.get(f"{API}/office/figures.csv?sep=;")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["region", "institution_kind", "rallies_published", "runs_held", "teams", "teams_finished",
                     "completion_rate"], ["Mitte", "museum", "1", "1", "3", "1", "0,3333"]]

    assert client.get(f"{API}/office/due").status_code == 200
    for user in (teacher, editor):
        assert api_as(user).get(f"{API}/office/figures").status_code == 403


def test_the_office_sees_partnerships_due(api_as, office, make_partnership, school, institution):
    import datetime as dt

    partnership = make_partnership(school, institution, ends_on=dt.date.today() + dt.timedelta(days=30))
    items = api_as(office).get(f"{API}/office/due").json["items"]
    assert [(i["partnership_id"], i["due"], i["school"]) for i in items] == [
        (partnership.id, "renewal", school.name)]


def test_live_progress_costs_the_same_queries_for_two_or_eight_teams(make_rally, start, join_team, db):
    from rallies import results
    from tests.runs.conftest import answer

    rally = make_rally(stations=[{"tasks": ["single_choice", "number"]}, {"tasks": ["text"]}], publish="public")
    run = start(rally)
    tasks = [t.id for s in rally.stations for t in s.tasks]

    def queries_for_progress():
        statements = []
        db.session.refresh(run)  # the run as a request has it after the access check
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            progress = results.live_progress(run)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements), progress

    def add_teams(names):
        for name in names:
            team, _ = join_team(run.join_code, name)
            answer(team, tasks[0], "a")
            answer(team, tasks[2], "Nachtwache")
        db.session.commit()

    add_teams(["A", "B"])
    few, progress = queries_for_progress()
    add_teams(["C", "D", "E", "F", "G", "H"])
    many, progress = queries_for_progress()

    assert few == many == 4  # the rally version, teams, answers, unlocks
    assert progress["teams_total"] == 8
    first = progress["teams"][0]
    assert (first["score"], first["stations_done"], first["tasks_done"]) == (20.0, 1, 2)
    assert first["last_activity_at"] is not None
