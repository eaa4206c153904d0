"""A rally is owned by an institution or a school; a registered partnership may co-own it.

One function (rallies.access.rally_permissions) says who views, edits, publishes and runs it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from rallies import access, authoring, publishing, runs
from rallies.errors import Forbidden, Invalid, NotFound
from rallies.models import Rally

NOW = dt.datetime.now(dt.timezone.utc)


def start(rally, school, teacher):
    return runs.start_run(rally, school=school, teacher=teacher, class_label="7b", starts_at=NOW,
                          ends_at=NOW + dt.timedelta(hours=2), max_retention_days=365, default_retention_days=30)


def test_a_rally_has_exactly_one_owner_in_the_database(db, institution, school):
    db.session.add(Rally(institution=institution, school=school, title="Beide", about="x", settings={}, subjects=[]))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Rally(title="Keiner", about="x", settings={}, subjects=[]))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_schools_teachers_author_its_rally_and_nobody_else(db, school_rally, teacher, editor, make_user,
                                                              make_school, office):
    rally = school_rally()
    colleague = make_user("teacher", schools=[rally.school])
    stranger = make_user("teacher", schools=[make_school(name="Andere Schule")])
    assert access.rally_permissions(teacher, rally) >= {"view", "edit", "publish"}
    assert "edit" in access.rally_permissions(colleague, rally)
    for outsider in (stranger, editor, office):
        assert access.rally_permissions(outsider, rally) == frozenset()
        with pytest.raises(NotFound):
            access.editable_rally(outsider, rally)
    assert rally.owner_name == "Gesamtschule Am Park" and rally.owner_kind == "school"


def test_school_visibility_lets_only_that_schools_classes_run_it(db, school_rally, teacher, school, make_user,
                                                               make_school):
    rally = school_rally(publish="school")
    other_school = make_school(name="Andere Schule")
    stranger = make_user("teacher", schools=[other_school])
    assert "run" in access.rally_permissions(teacher, rally)
    assert access.rally_permissions(stranger, rally) == frozenset()
    run = start(rally, school, teacher)
    assert run.rally_version_id == rally.published_version_id
    with pytest.raises(Forbidden):
        start(rally, other_school, stranger)
    allowed, reason = runs.may_run(rally, stranger)
    assert not allowed and "Gesamtschule Am Park" in reason


def test_a_school_publishes_for_itself_or_everyone_not_for_partners(db, school_rally, teacher):
    rally = school_rally()
    with pytest.raises(Invalid) as refused:
        publishing.publish(rally, actor=teacher, visibility="partners")
    assert refused.value.errors["visibility"] == ["school or public"]
    publishing.publish(rally, actor=teacher, visibility="public")
    assert rally.free_play_code and rally.visibility == "public"


def test_a_co_owning_partnership_lets_both_sides_edit_and_ending_it_leaves_read_access(
        db, make_rally, partnership, editor, teacher, make_user, institution, make_institution):
    rally = make_rally(publish=None)
    authoring.set_partnership(rally, partnership, actor=editor)
    db.session.commit()
    outsider = make_user("editor", institutions=[make_institution(name="Fremdes Museum")])
    assert {"edit", "publish"} <= access.rally_permissions(teacher, rally)
    assert access.rally_permissions(outsider, rally) == frozenset()
    partnership.status = "ended"
    db.session.commit()
    assert access.rally_permissions(teacher, rally) == {"view"}
    assert {"edit", "publish"} <= access.rally_permissions(editor, rally)  # the creating side keeps it


def test_partner_only_visibility_of_a_co_owned_rally_means_the_partnerships_school(
        db, make_rally, partnership, editor, teacher, school, make_school, make_user, make_partnership, institution):
    rally = make_rally(publish=None)
    authoring.set_partnership(rally, partnership, actor=editor)
    publishing.publish(rally, actor=editor, visibility="partners")
    db.session.commit()
    other_school = make_school(name="Zweite Partnerschule")
    make_partnership(other_school, institution)  # a partner of the museum, but not of this rally
    other_teacher = make_user("teacher", schools=[other_school])
    assert "run" in access.rally_permissions(teacher, rally)
    assert "run" not in access.rally_permissions(other_teacher, rally)
    assert start(rally, school, teacher).partnership_id == partnership.id
    with pytest.raises(Forbidden):
        start(rally, other_school, other_teacher)


def test_only_a_registered_partnership_of_the_owner_can_co_own(db, make_rally, make_partnership, editor, school,
                                                              make_institution, institution):
    rally = make_rally(publish=None)
    draft = make_partnership(school, institution, status="draft")
    foreign = make_partnership(school, make_institution(name="Fremdes Museum"))
    for candidate in (draft, foreign):
        with pytest.raises(Invalid) as refused:
            authoring.set_partnership(rally, candidate, actor=editor)
        assert refused.value.code == "not_a_partnership"


def test_a_school_rally_uses_media_its_school_uploaded_and_not_an_institutions(db, school_rally, teacher, storage,
                                                                             institution):
    from rallies.media_library import add_media
    from rallies.runtime import media_limits
    from tests.authoring.conftest import png

    rally = school_rally()
    theirs = add_media(png(colour=(1, 2, 3)), storage=storage, limits=media_limits(), institution_id=institution.id)
    ours = add_media(png(colour=(4, 5, 6)), storage=storage, limits=media_limits(), school_id=rally.school_id)
    link = authoring.attach_station_media(rally.stations[0], ours.id, "Der Baum im Herbst", actor=teacher)
    assert link.asset.id == ours.id
    with pytest.raises(Invalid):
        authoring.attach_station_media(rally.stations[0], theirs.id, "Fremdes Bild", actor=teacher)
