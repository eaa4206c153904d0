"""Factories for rallies, class runs and teams, built through the real services."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

_seq = itertools.count(1)

# One task of every type, with a config that makes the right answer obvious in tests.
SAMPLE_TASKS = {
    "info": {"config": {}},
    "single_choice": {"config": {"options": [
        {"id": "a", "text": "Rembrandt", "correct": True}, {"id": "b", "text": "Vermeer"}]}},
    "multiple_choice": {"config": {"options": [
        {"id": "a", "text": "Öl", "correct": True}, {"id": "b", "text": "Tempera", "correct": True},
        {"id": "c", "text": "Acryl"}], "partial_credit": True}},
    "text": {"config": {"accepted_answers": ["Nachtwache"], "max_typos": 1}},
    "number": {"config": {"value": 1642, "tolerance": 2}},
    "order": {"config": {"options": [{"id": "x", "text": "erst"}, {"id": "y", "text": "dann"},
                                     {"id": "z", "text": "zuletzt"}]}},
    "match": {"config": {"pairs": [{"left": {"id": "l1", "text": "Hund"}, "right": {"id": "r1", "text": "bellt"}},
                                   {"left": {"id": "l2", "text": "Katze"}, "right": {"id": "r2", "text": "miaut"}}]}},
    "photo": {"config": {}},
    "audio": {"config": {}},
    "video": {"config": {}},
    "location": {"config": {"lat": 52.5163, "lon": 13.3777, "radius_m": 50}},
    "survey": {"config": {"scale": {"min": 1, "max": 5, "step": 1, "min_label": "schlecht", "max_label": "super"}}},
    "cloze": {"config": {"text": "Rembrandt malte [[Nachtwache]] im Jahr {{1642|1648|1650}}."}},
    "hotspot": {"config": {"regions": [{"polygon": [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.1, 0.5]]}]}},
}

# The right value for each sample task (photo/audio/video need an upload first).
RIGHT_VALUES = {
    "info": None, "single_choice": "a", "multiple_choice": ["a", "b"], "text": "Nachtwache",
    "number": 1642, "order": ["x", "y", "z"], "match": {"l1": "r1", "l2": "r2"},
    "location": {"lat": 52.5163, "lon": 13.3777, "accuracy_m": 5}, "survey": 4,
    "cloze": ["Nachtwache", "1642"], "hotspot": {"x": 0.3, "y": 0.3},
}


@pytest.fixture
def make_rally(db, institution, editor):
    """`make_rally(stations=[{"unlock_mode": "qr", "tasks": ["text", ...]}], publish="public")`."""
    from rallies import authoring, publishing

    def make(*, stations=None, settings=None, publish: str | None = "public", owner=None, **fields):
        owner_institution = owner or institution
        n = next(_seq)
        values = {"title": f"Rallye {n}", "theme": "Malerei", "about": "Stadtmuseum, für Klassen 5–7, über Malerei",
                  "language": "de", "age_min": 10, "age_max": 14}
        values.update(fields)
        rally = authoring.create_rally(owner_institution, actor=editor, settings=settings, **values)
        for s_index, spec in enumerate(stations or [{"tasks": ["single_choice"]}]):
            spec = dict(spec)
            task_types = spec.pop("tasks", [])
            spec.setdefault("title", f"Station {s_index + 1}")
            if spec.get("unlock_mode") == "location":
                spec.setdefault("lat", 52.5200)
                spec.setdefault("lon", 13.4050)
                spec.setdefault("radius_m", 100)
            station = authoring.add_station(rally, actor=editor, **spec)
            for task_type in task_types:
                task_spec = {"type": task_type, "prompt_md": f"Aufgabe {task_type}", "points": 10,
                             "feedback_correct": "Richtig!", "feedback_wrong": "Leider falsch."}
                task_spec.update(SAMPLE_TASKS[task_type])
                authoring.add_task(station, actor=editor, **task_spec)
        if publish:
            publishing.publish(rally, actor=editor, visibility=publish)
        db.session.commit()
        return rally

    return make


@pytest.fixture
def make_run(db, school, teacher):
    """A class run of a published rally, open now unless told otherwise."""
    from rallies.models import ClassRun
    from rallies.publishing import unique_join_code

    def make(rally, *, starts_at=None, ends_at=None, retention_days=30, class_label="7b", run_school=None):
        now = dt.datetime.now(dt.timezone.utc)
        starts_at = starts_at or now - dt.timedelta(hours=1)
        ends_at = ends_at or now + dt.timedelta(hours=3)
        run = ClassRun(rally_id=rally.id, rally_version_id=rally.published_version_id,
                       school_id=(run_school or school).id, teacher_id=teacher.id, class_label=class_label,
                       join_code=unique_join_code(), starts_at=starts_at, ends_at=ends_at,
                       retention_days=retention_days, delete_after=ends_at + dt.timedelta(days=retention_days))
        db.session.add(run)
        db.session.commit()
        return run

    return make


@pytest.fixture
def join_team(db, app):
    """`join_team(code, name)` returns (team, token) through the play service."""
    from rallies import play

    def join(code: str, name: str = "Die Entdecker"):
        team, token = play.join(code, name, policy=play.PlayPolicy())
        db.session.commit()
        return team, token

    return join

@pytest.fixture
def make_partnership(db):
    """`make_partnership(school, institution, status="registered")`: a partnership as the office left it."""
    from rallies.models import Partnership, PartnershipMember

    def make(school, institution, *, status="registered", starts_on=None, ends_on=None):
        today = dt.date.today()
        partnership = Partnership(
            school=school, title="Kulturpartnerschaft", status=status,
            starts_on=starts_on or today - dt.timedelta(days=100), ends_on=ends_on or today + dt.timedelta(days=800),
            open_to_all_pupils=True, programme_named=True, signed_by_both=True,
            school_contact_name="Frau Lehmann", school_contact_email="a.lehmann@schule.example",
            registered_on=today - dt.timedelta(days=90) if status != "draft" else None,
            next_evaluation_on=today + dt.timedelta(days=600),
            members=[PartnershipMember(institution=institution, contact_name="Herr Berg",
                                       contact_email="k.berg@museum.example")],
        )
        db.session.add(partnership)
        db.session.commit()
        return partnership

    return make
