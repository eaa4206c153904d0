"""Who may start a class run of which rally: the partnership rules, and the run's basic rules."""

import datetime as dt

import pytest

from rallies.errors import Conflict, Forbidden, Invalid
from tests.runs.conftest import utc
from tests.support.english import in_english


def test_a_public_rally_can_be_run_by_any_teacher_without_partnership(make_rally, start, db):
    from rallies.models import ClassRun

    rally = make_rally(publish="public")
    run = start(rally, retention_days=10)

    stored = db.session.get(ClassRun, run.id)
    assert stored.rally_version_id == rally.published_version_id
    assert stored.partnership_id is None
    assert len(stored.join_code) == 6
    assert stored.delete_after == stored.ends_at + dt.timedelta(days=10)


def test_a_partner_rally_needs_a_registered_current_partnership(make_rally, start, school, institution,
                                                                 teacher, make_partnership, db):
    from rallies import runs
    from rallies.models import ClassRun

    rally = make_rally(publish="partners")
    with pytest.raises(Forbidden) as refused:
        start(rally)
    assert refused.value.code == "no_partnership"
    assert runs.may_run(rally, teacher)[0] is False
    assert "partner schools" in in_english(runs.may_run(rally, teacher)[1])

    make_partnership(school, institution, status="draft")
    with pytest.raises(Forbidden):
        start(rally)

    registered = make_partnership(school, institution, status="registered")
    assert in_english(runs.may_run(rally, teacher)) == (True, f"{school.name} has a registered partnership with {institution.name}.")
    run = start(rally)
    assert db.session.get(ClassRun, run.id).partnership_id == registered.id


def test_a_partnership_past_its_end_date_allows_no_run(make_rally, start, school, institution, make_partnership):
    rally = make_rally(publish="partners")
    today = dt.date.today()
    make_partnership(school, institution, starts_on=today - dt.timedelta(days=900),
                     ends_on=today - dt.timedelta(days=1))
    with pytest.raises(Forbidden):
        start(rally)


def test_ending_a_partnership_blocks_new_runs_but_keeps_results_of_held_ones(
        make_rally, start, school, institution, office, teacher, make_partnership, join_team, db):
    from rallies import partnerships, results, runs
    from tests.runs.conftest import answer

    rally = make_rally(publish="partners")
    partnership = make_partnership(school, institution)
    run = start(rally)
    team, _ = join_team(run.join_code, "Die Füchse")
    answer(team, rally.stations[0].tasks[0].id, "a")
    db.session.commit()

    partnerships.transition(partnership, "end", actor=office, reason="Kooperation beendet")
    db.session.commit()

    ok, reason = runs.may_run(rally, teacher)
    assert not ok and "no registered, current partnership" in in_english(reason)
    with pytest.raises(Forbidden):
        start(rally)
    held = results.results(run)
    assert [(t["team"]["name"], t["score"]) for t in held["teams"]] == [("Die Füchse", 10.0)]


def test_a_teacher_of_another_school_cannot_start_a_run_for_this_school(make_rally, start, make_school, make_user):
    other_teacher = make_user("teacher", schools=[make_school()])
    with pytest.raises(Forbidden) as refused:
        start(make_rally(publish="public"), run_teacher=other_teacher)
    assert refused.value.code == "not_your_school"


def test_an_unpublished_rally_cannot_be_run(make_rally, start, teacher):
    from rallies import runs

    rally = make_rally(publish=None)
    assert in_english(runs.may_run(rally, teacher)) == (False, "The rally is not published.")
    with pytest.raises(Conflict) as refused:
        start(rally)
    assert refused.value.code == "not_published"


@pytest.mark.parametrize("window, field", [
    ({"starts_at": utc(hours=2), "ends_at": utc(hours=1)}, "ends_at"),
    ({"starts_at": utc(hours=1), "ends_at": utc(days=20)}, "ends_at"),
    ({"starts_at": dt.datetime(2030, 5, 1, 9), "ends_at": dt.datetime(2030, 5, 1, 12)}, "starts_at"),
])
def test_a_bad_window_is_refused_and_nothing_is_stored(make_rally, start, db, window, field):
    from rallies.models import ClassRun

    rally = make_rally(publish="public")
    with pytest.raises(Invalid) as refused:
        start(rally, **window)
    assert field in refused.value.errors
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(ClassRun.id))) == 0


def test_retention_beyond_the_operators_bound_is_refused(make_rally, start):
    rally = make_rally(publish="public")
    for days in (0, 366):
        with pytest.raises(Invalid) as refused:
            start(rally, retention_days=days)
        assert refused.value.code == "retention_out_of_bounds"
