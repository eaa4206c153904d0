"""Fixtures for class runs: runs started through `rallies.runs.start_run`, partnerships, and played runs.

`played_run` is a class run of a rally with one task of most types, where three teams
have played through `rallies.play` with answers whose outcome the tests know.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass, field

import pytest

from tests.rally_factories import RIGHT_VALUES

MAX_RETENTION = 365
DEFAULT_RETENTION = 30


def utc(**delta) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(**delta)


def jpeg(colour: str = "red", size=(64, 48)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def start(db, school, teacher):
    """`start(rally, ...)` starts a class run through the service, open now unless told otherwise."""
    from rallies import runs

    def make(rally, *, run_school=None, run_teacher=None, starts_at=None, ends_at=None, retention_days=None,
             class_label="7b", share_uploads=False, now=None):
        run = runs.start_run(
            rally, school=run_school or school, teacher=run_teacher or teacher, class_label=class_label,
            starts_at=starts_at or utc(hours=-1), ends_at=ends_at or utc(hours=3), retention_days=retention_days,
            max_retention_days=MAX_RETENTION, default_retention_days=DEFAULT_RETENTION,
            share_uploads_with_institution=share_uploads, now=now,
        )
        db.session.commit()
        return run

    return make



def answer(team, task_id, value, *, when=None, hint_used=False):
    """Submit one answer through the play service; returns its result."""
    from rallies import play

    item = {"id": str(uuid.uuid4()), "task_id": task_id, "value": value,
            "answered_at": (when or utc()).isoformat(), "hint_used": hint_used}
    return play.submit_answers(team, [item], policy=play.PlayPolicy())["results"][0]


def upload_photo(team, task_id, storage, colour="red"):
    from media.limits import Limits
    from rallies import play

    result, _ = play.upload(team, client_id=str(uuid.uuid4()), task_id=task_id, data=jpeg(colour),
                            storage=storage, limits=Limits())
    return result["media_id"]


@dataclass
class Played:
    """A played class run and what the tests need to know about it."""

    run: object
    rally: object
    tasks: dict  # name -> task id
    teams: dict = field(default_factory=dict)  # team name -> Team
    uploads: dict = field(default_factory=dict)  # team name -> storage name


# The rally of `played_run`: one station, tasks keyed by a name the tests use.
PLAYED_TASKS = ["single_choice", "number", "text", "photo", "survey", "info"]


@pytest.fixture
def make_played_run(db, make_rally, editor, start, storage, join_team):
    """`make_played_run(**start_kwargs)`: three teams played a rally of six tasks plus an open question.

    - "Die Füchse": everything right (single choice 10, number 10, text 10), photo, survey 5, finished.
    - "Die Eulen": single choice wrong then right (10), number 1600 (0), text "Mona Lisa" (0), survey 3.
    - "=1+1 Team": single choice wrong "b" (0), number 1600 (0), survey 4, no photo.
    Every team answers the teacher-graded open question; its answers wait for review.
    """
    from rallies import authoring, play, publishing

    def make(**start_kwargs) -> Played:
        rally = make_rally(stations=[{"title": "Eingangshalle", "tasks": PLAYED_TASKS}], publish=None)
        station = rally.stations[0]
        authoring.add_task(station, actor=editor, type="text", prompt_md="Was denkst du?", points=10,
                           config={"teacher_graded": True})
        publishing.publish(rally, actor=editor, visibility="public")
        db.session.commit()
        tasks = {t.type: t.id for t in station.tasks if not (t.type == "text" and t.config.get("teacher_graded"))}
        tasks["open"] = next(t.id for t in station.tasks if t.type == "text" and t.config.get("teacher_graded"))
        run = start(rally, **start_kwargs)
        played = Played(run=run, rally=rally, tasks=tasks)

        foxes, _ = join_team(run.join_code, "Die Füchse")
        owls, _ = join_team(run.join_code, "Die Eulen")
        odd, _ = join_team(run.join_code, "=1+1 Team")
        played.teams = {"Die Füchse": foxes, "Die Eulen": owls, "=1+1 Team": odd}

        for name in ("single_choice", "number", "text"):
            answer(foxes, tasks[name], RIGHT_VALUES[name])
        media_id = upload_photo(foxes, tasks["photo"], storage)
        answer(foxes, tasks["photo"], media_id)
        answer(foxes, tasks["survey"], 5)
        answer(foxes, tasks["info"], None)

        answer(owls, tasks["single_choice"], "b")
        answer(owls, tasks["single_choice"], "a")
        answer(owls, tasks["number"], 1600)
        answer(owls, tasks["text"], "Mona Lisa")
        answer(owls, tasks["survey"], 3)

        answer(odd, tasks["single_choice"], "b")
        answer(odd, tasks["number"], 1600)
        answer(odd, tasks["survey"], 4)

        for team, text in ((foxes, "Schön"), (owls, "Dunkel"), (odd, "Laut")):
            answer(team, tasks["open"], text)
        play.finish(foxes)
        db.session.commit()
        from rallies.models import Upload

        played.uploads = {"Die Füchse": db.session.get(Upload, media_id).storage_name}
        return played

    return make
