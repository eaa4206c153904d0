"""A run that ends on another day says which day: a bare "05:54" reads as today."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from zoneinfo import ZoneInfo

import pytest

from tests.pages.helpers import login, text
from tests.runs.conftest import utc

BERLIN = ZoneInfo("Europe/Berlin")
PLAYER_I18N = pathlib.Path(__file__).resolve().parents[2] / "server" / "static" / "player" / "i18n"


@pytest.fixture
def as_teacher(client, teacher):
    login(client, teacher)
    return client


def test_a_run_ending_next_week_shows_the_date_of_its_end(as_teacher, make_rally, start):
    ends_at = utc(days=7)
    run = start(make_rally(publish="public"), starts_at=utc(hours=-1), ends_at=ends_at)

    page = text(as_teacher.get(f"/teacher/runs/{run.id}"))

    local_end = ends_at.astimezone(BERLIN)
    end_box = page[page.index("Endet am"):page.index("</strong>", page.index("Endet am"))]
    assert "Endet um" not in page
    assert local_end.strftime("%d.%m.%Y") in end_box and local_end.strftime("%H:%M") in end_box


def test_a_run_ending_within_the_hour_shows_the_time_only(as_teacher, make_rally, start):
    ends_at = utc(minutes=30)
    run = start(make_rally(publish="public"), starts_at=utc(hours=-1), ends_at=ends_at)
    same_day = ends_at.astimezone(BERLIN).date() == dt.datetime.now(BERLIN).date()

    page = text(as_teacher.get(f"/teacher/runs/{run.id}"))

    assert ("Endet um" in page) == same_day
    assert ends_at.astimezone(BERLIN).strftime("%H:%M") in page


def test_moving_the_end_to_another_day_says_the_date_in_the_flash(as_teacher, make_rally, start):
    run = start(make_rally(publish="public"), starts_at=utc(hours=-1), ends_at=utc(days=2))

    response = as_teacher.post(f"/teacher/runs/{run.id}/end", data={"shift": 15}, follow_redirects=True)

    new_end = (run.ends_at.replace(tzinfo=dt.timezone.utc) if run.ends_at.tzinfo is None else run.ends_at)
    local_end = new_end.astimezone(BERLIN)
    assert f"Neues Ende: {local_end.strftime('%d.%m.%Y')}, {local_end.strftime('%H:%M')}" in text(response)


@pytest.mark.parametrize("language, unit_label", [("de", "Zahl (Türme)"), ("en", "Number (Türme)")])
def test_the_players_number_label_names_the_unit_in_brackets(language, unit_label):
    catalogue = json.loads((PLAYER_I18N / f"{language}.json").read_text(encoding="utf-8"))
    assert catalogue["task.number_in"].replace("{unit}", "Türme") == unit_label
