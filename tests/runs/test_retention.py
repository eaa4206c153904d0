"""Retention: pupil data of runs past `delete_after` is deleted for good, files included, and nothing else."""

import datetime as dt

from tests.runs.conftest import upload_photo, utc


def counts(db, run_id=None):
    from rallies.models import Answer, Team, Upload

    def count(model):
        query = db.select(db.func.count()).select_from(model)
        if run_id is not None:
            query = query.join(Team, Team.id == model.team_id) if model is not Team else query
            query = query.where(Team.class_run_id == run_id)
        return db.session.scalar(query)

    return {"teams": count(Team), "answers": count(Answer), "uploads": count(Upload)}


def test_expired_runs_lose_rows_and_files_and_other_runs_keep_everything(make_played_run, storage, db):
    from rallies import retention
    from rallies.models import ClassRun

    expired = make_played_run(retention_days=1)
    kept = make_played_run(retention_days=60)
    before_kept = counts(db, kept.run.id)
    after_end = expired.run.ends_at + dt.timedelta(days=2)

    assert retention.upcoming_deletions(days=7, now=expired.run.ends_at) == [expired.run]
    dry = retention.purge_expired(storage=storage, now=after_end, dry_run=True)
    assert dry.run_ids == [expired.run.id] and dry.teams == 3 and dry.files == 1
    assert counts(db, expired.run.id)["teams"] == 3 and storage.exists(expired.uploads["Die Füchse"])

    report = retention.purge_expired(storage=storage, now=after_end)
    db.session.commit()

    assert (report.run_ids, report.teams, report.answers, report.uploads, report.files) == ([expired.run.id], 3, 17, 1, 1)
    assert "1 class run(s)" in report.summary()
    assert counts(db, expired.run.id) == {"teams": 0, "answers": 0, "uploads": 0}
    assert not storage.exists(expired.uploads["Die Füchse"])
    assert counts(db, kept.run.id) == before_kept == {"teams": 3, "answers": 17, "uploads": 1}
    assert storage.exists(kept.uploads["Die Füchse"])
    shell = db.session.get(ClassRun, expired.run.id)
    assert (shell.class_label, shell.team_count, shell.finished_team_count) == ("7b", 3, 1)
    assert shell.purged_at is not None and not shell.join_code.isalnum()

    again = retention.purge_expired(storage=storage, now=after_end)
    assert again.run_ids == [] and counts(db, kept.run.id)["teams"] == 3


def test_the_cli_deletes_expired_free_play_teams_and_keeps_recent_ones(app, make_rally, storage, db, join_team):
    from rallies.models import Team, Upload

    rally = make_rally(stations=[{"tasks": ["photo"]}], publish="public")
    old, _ = join_team(rally.free_play_code, "Alte Hasen")
    upload_photo(old, rally.stations[0].tasks[0].id, storage)
    old.expires_at = utc(days=-31)
    recent, _ = join_team(rally.free_play_code, "Neue Hasen")
    db.session.commit()
    old_file = db.session.scalar(db.select(Upload.storage_name).filter_by(team_id=old.id))

    result = app.test_cli_runner().invoke(args=["retention", "run"])

    assert result.exit_code == 0, result.output
    assert "1 expired free-play team(s)" in result.output
    db.session.expire_all()
    assert db.session.scalars(db.select(Team.name)).all() == ["Neue Hasen"]
    assert not storage.exists(old_file)
