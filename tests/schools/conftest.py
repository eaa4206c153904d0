"""Fixtures for schools as authors: a school's teachers, a registered partnership, co-owned rallies."""

from __future__ import annotations

import pytest

API = "/api/manage/v1"


@pytest.fixture
def partnership(make_partnership, school, institution):
    return make_partnership(school, institution)

@pytest.fixture
def school_rally(db, school, teacher):
    """A school's own draft rally, with two stations (the second waits for the first) and a task each."""
    from rallies import authoring

    def make(*, title="Unser Schulhof", partnership=None, publish=None, licence="all-rights-reserved", actor=None):
        actor = actor or teacher
        rally = authoring.create_rally(school, actor=actor, title=title, about="Klasse 7b über den Schulhof",
                                       licence=licence, partnership=partnership, subjects=["Biologie"])
        first = authoring.add_station(rally, actor=actor, title="Der alte Baum")
        second = authoring.add_station(rally, actor=actor, title="Der Teich", conditions=[{"after_station": first.id}])
        for station in (first, second):
            authoring.add_task(station, actor=actor, type="single_choice", prompt_md="Wie alt?", points=10,
                               config={"options": [{"id": "a", "text": "alt", "correct": True},
                                                   {"id": "b", "text": "jung"}]})
        if publish:
            from rallies import publishing

            publishing.publish(rally, actor=actor, visibility=publish)
        db.session.commit()
        return rally

    return make
