"""Site plans: a floor plan with the stations placed on it, for indoor rallies where GPS fails."""

from __future__ import annotations

import pytest

from rallies import authoring, exchange, publishing
from rallies.bundle import build_bundle
from rallies.errors import Invalid
from rallies.media_library import add_media
from rallies.runtime import media_limits
from tests.authoring.conftest import jpeg


@pytest.fixture
def planned(db, storage, editor, institution, make_rally):
    """A draft with two stations, a plan image, and the first station placed on it."""
    rally = make_rally(stations=[{"tasks": ["number"]}, {"tasks": ["text"]}], publish=None)
    plan = add_media(jpeg((1000, 500)), storage=storage, limits=media_limits(), institution_id=institution.id)
    authoring.set_site_plan(rally, plan.id, "Erdgeschoss mit Sälen 1 bis 9", actor=editor)
    authoring.update_station(rally.stations[0], actor=editor, plan_x=0.25, plan_y=0.75)
    db.session.commit()
    return rally


def test_the_bundle_carries_the_plan_and_each_stations_place(planned, editor):
    publishing.publish(planned, actor=editor, visibility="public")
    bundle = build_bundle(planned.published_version.snapshot, planned.version)
    plan = bundle["rally"]["site_plan"]
    assert plan["alt"] == "Erdgeschoss mit Sälen 1 bis 9"
    assert plan["url"].startswith("/media/") and plan["content_type"] == "image/jpeg"
    assert (plan["width"], plan["height"]) == (1000, 500)
    assert [s["plan"] for s in bundle["stations"]] == [{"x": 0.25, "y": 0.75}, None]


def test_a_rally_without_a_plan_says_null(make_rally):
    rally = make_rally(stations=[{"tasks": ["number"]}])
    bundle = build_bundle(rally.published_version.snapshot, rally.version)
    assert bundle["rally"]["site_plan"] is None
    assert bundle["stations"][0]["plan"] is None


def test_a_plan_needs_alternative_text(planned, editor, db):
    with pytest.raises(Invalid) as refused:
        authoring.set_site_plan(planned, planned.site_plan_id, "  ", actor=editor)
    assert "alt" in refused.value.errors


def test_a_place_needs_both_coordinates_within_the_plan(planned, editor, db):
    station = planned.stations[1]
    with pytest.raises(Invalid) as half:
        authoring.update_station(station, actor=editor, plan_x=0.5)
    assert "plan_y" in half.value.errors
    db.session.rollback()
    with pytest.raises(Invalid) as outside:
        authoring.update_station(station, actor=editor, plan_x=1.5, plan_y=0.5)
    assert "plan_x" in outside.value.errors


def test_removing_the_plan_forgets_the_places(planned, editor):
    authoring.set_site_plan(planned, None, actor=editor)
    assert planned.site_plan is None
    assert [(s.plan_x, s.plan_y) for s in planned.stations] == [(None, None), (None, None)]


def test_copies_and_exports_keep_the_plan_and_the_places(planned, editor, institution, storage, db):
    clone = publishing.copy_rally(planned, institution, actor=editor)
    assert clone.site_plan_id == planned.site_plan_id and clone.site_plan_alt == planned.site_plan_alt
    assert [(s.plan_x, s.plan_y) for s in clone.stations] == [(0.25, 0.75), (None, None)]
    archive = exchange.export_rally(planned, storage=storage)
    imported = exchange.import_rally(archive, institution, actor=editor, storage=storage, limits=media_limits())
    assert imported.site_plan is not None and imported.site_plan.sha256 == planned.site_plan.sha256
    assert imported.site_plan_alt == "Erdgeschoss mit Sälen 1 bis 9"
    assert [(s.plan_x, s.plan_y) for s in imported.stations] == [(0.25, 0.75), (None, None)]


def test_the_studio_ways_through_the_manage_api_plan_with_its_id_a_station_created_on_it_and_a_new_alt(
        editor_api, api_rally, upload):
    """What the studio's site-plan panel sends: the plan, a station created at a click, the alt changed by the plan's id."""
    from tests.authoring.conftest import API, png

    rally = api_rally()
    image = upload(png((200, 100)), "grundriss.png").get_json()
    stored = editor_api.post(f"{API}/rallies/{rally['id']}/site-plan",
                             json={"media_id": image["id"], "alt": "Lageplan der Rallye „Spurensuche im Museum“"})
    assert stored.status_code == 200 and stored.get_json()["site_plan_id"] == image["id"]
    hall = editor_api.post(f"{API}/rallies/{rally['id']}/stations",
                           json={"title": "Eingangshalle", "unlock_mode": "open", "plan_x": 0.2, "plan_y": 0.55})
    assert hall.status_code == 201 and (hall.get_json()["plan_x"], hall.get_json()["plan_y"]) == (0.2, 0.55)
    renamed = editor_api.post(f"{API}/rallies/{rally['id']}/site-plan",
                              json={"media_id": stored.get_json()["site_plan_id"], "alt": "Erdgeschoss"})
    assert renamed.get_json()["site_plan"]["alt"] == "Erdgeschoss"
    again = editor_api.get(f"{API}/rallies/{rally['id']}").get_json()
    assert [(s["title"], s["plan_x"]) for s in again["stations"]] == [("Eingangshalle", 0.2)]
