"""The site plan page: upload a plan, place stations by their percent fields (what a click fills in)."""

from __future__ import annotations

import io

import pytest

from tests.authoring.conftest import jpeg
from tests.pages.helpers import login, text


@pytest.fixture
def editor_client(client, editor):
    login(client, editor)
    return client


@pytest.fixture
def rally(make_rally):
    return make_rally(stations=[{"tasks": ["number"]}, {"tasks": ["text"]}, {"tasks": []}], publish=None)


def upload(editor_client, rally, alt="Erdgeschoss mit drei Sälen"):
    return editor_client.post(f"/editor/rallies/{rally.id}/site-plan",
                              data={"file": (io.BytesIO(jpeg((900, 600))), "plan.jpg"), "alt": alt},
                              content_type="multipart/form-data")


def test_a_plan_is_uploaded_with_its_alternative_text_and_shown(editor_client, rally, db):
    response = upload(editor_client, rally)
    assert response.status_code == 302
    db.session.refresh(rally)
    assert rally.site_plan is not None and rally.site_plan_alt == "Erdgeschoss mit drei Sälen"
    page = text(editor_client.get(f"/editor/rallies/{rally.id}/site-plan"))
    assert 'alt="Erdgeschoss mit drei Sälen"' in page
    assert "Stationen auf dem Plan" in page


def test_a_plan_without_alternative_text_is_refused_and_nothing_is_stored(editor_client, rally, db):
    response = upload(editor_client, rally, alt="")
    assert response.status_code == 422
    assert "Alternativtext" in text(response)
    db.session.refresh(rally)
    assert rally.site_plan is None


def test_placing_stations_one_after_another_chooses_the_next(editor_client, rally, db):
    upload(editor_client, rally)
    first, second, _ = rally.stations
    placed = editor_client.post(f"/editor/stations/{first.id}/plan-place", data={"x": "12,5", "y": "80"})
    assert placed.status_code == 302
    assert f"chosen={second.id}" in placed.headers["Location"]
    db.session.refresh(first)
    assert (first.plan_x, first.plan_y) == (0.125, 0.8)
    page = text(editor_client.get(placed.headers["Location"]))
    assert f'value="{second.id}" checked' in page
    assert 'value="12,5"' in page  # German decimals on a German page


@pytest.mark.parametrize("x, y", [("120", "5"), ("abc", "5"), ("50", "")])
def test_a_place_off_the_plan_or_half_given_is_refused(editor_client, rally, db, x, y):
    upload(editor_client, rally)
    station = rally.stations[0]
    response = editor_client.post(f"/editor/stations/{station.id}/plan-place", data={"x": x, "y": y},
                                  follow_redirects=True)
    assert response.status_code == 200
    db.session.refresh(station)
    assert (station.plan_x, station.plan_y) == (None, None)


def test_removing_the_plan_forgets_every_place(editor_client, rally, db):
    upload(editor_client, rally)
    station = rally.stations[0]
    editor_client.post(f"/editor/stations/{station.id}/plan-place", data={"x": "10", "y": "10"})
    editor_client.post(f"/editor/rallies/{rally.id}/site-plan/remove")
    db.session.refresh(rally)
    db.session.refresh(station)
    assert rally.site_plan is None and station.plan_x is None


def test_the_manage_api_sets_the_plan_and_places(api_as, editor, rally, storage, institution, db):
    from rallies.media_library import add_media
    from rallies.runtime import media_limits

    api = api_as(editor)
    asset = add_media(jpeg((800, 400)), storage=storage, limits=media_limits(), institution_id=institution.id)
    db.session.commit()
    response = api.post(f"/api/manage/v1/rallies/{rally.id}/site-plan", json={"media_id": asset.id, "alt": "Park"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["site_plan"]["alt"] == "Park"
    station_id = rally.stations[0].id
    moved = api.patch(f"/api/manage/v1/stations/{station_id}", json={"plan_x": 0.5, "plan_y": 0.25})
    assert moved.status_code == 200, moved.get_json()
    assert (moved.get_json()["plan_x"], moved.get_json()["plan_y"]) == (0.5, 0.25)
    half = api.patch(f"/api/manage/v1/stations/{station_id}", json={"plan_x": None})
    assert half.status_code == 422
