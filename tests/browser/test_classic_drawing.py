"""The classic forms' drawing tools (shared with the studio): a hotspot circle and a station's place on the site plan."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "correct horse battery"


@pytest.fixture
def drawn_rally(live_server):
    """A draft with a site plan, two stations and a hotspot task with one circle, by a signed-in editor's account."""
    from rallies import authoring
    from rallies.db import db
    from tests.browser.conftest import _picture, kunsthalle_editor

    institution, editor = kunsthalle_editor(PASSWORD)
    rally = authoring.create_rally(institution, actor=editor, title="Farben der Moderne", about="Kunsthalle, Klassen 7–9")
    hall = authoring.add_station(rally, actor=editor, title="Eingangshalle")
    authoring.add_station(rally, actor=editor, title="Garten")
    picture = _picture(institution)
    authoring.set_site_plan(rally, picture.id, "Erdgeschoss", actor=editor)
    task = authoring.add_task(hall, actor=editor, type="hotspot", prompt_md="Tippt auf das Fenster.", points=10,
                              config={"regions": [{"circle": {"x": 0.2, "y": 0.2, "r": 0.05}}], "aspect": 0.625})
    authoring.attach_task_media(task, picture.id, "Blaue Streifen", actor=editor)
    db.session.commit()
    return editor, rally, task


def _signed_in(browser, live_server, editor):
    from tests.browser.conftest import signed_in_editor

    return signed_in_editor(browser, live_server, editor, PASSWORD, {"width": 1280, "height": 900})


def test_a_click_in_the_classic_hotspot_editor_adds_a_circle_that_the_form_saves(browser, live_server, drawn_rally):
    from rallies.db import db
    from rallies.models import Task

    editor, _rally, task = drawn_rally
    context, page, errors = _signed_in(browser, live_server, editor)
    page.goto(live_server(f"/editor/tasks/{task.id}"))
    canvas = page.locator(".hotspot-canvas")
    expect(canvas.locator("circle.region")).to_have_count(1)
    box = canvas.locator("img").bounding_box()
    canvas.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.5})
    expect(canvas.locator("circle.region")).to_have_count(2)
    regions = json.loads(page.input_value("#hotspot-regions"))
    assert len(regions) == 2 and abs(regions[1]["circle"]["x"] - 0.75) < 0.02
    page.click("form button[type=submit].primary")
    page.wait_for_load_state("load")
    db.session.expire_all()
    stored = db.session.get(Task, task.id).config
    assert len(stored["regions"]) == 2 and abs(stored["regions"][1]["circle"]["y"] - 0.5) < 0.02
    assert errors == []
    context.close()


def test_a_click_in_the_classic_site_plan_places_the_chosen_station(browser, live_server, drawn_rally):
    from rallies.db import db
    from rallies.models import Rally

    editor, rally, _task = drawn_rally
    context, page, errors = _signed_in(browser, live_server, editor)
    page.goto(live_server(f"/editor/rallies/{rally.id}/site-plan"))
    page.check(f"input[name=chosen][value='{rally.stations[1].id}']")
    frame = page.locator(".site-plan-editor .plan-frame")
    box = frame.locator("img").bounding_box()
    frame.click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.6})
    expect(page.locator(".site-plan-editor .plan-pin")).to_have_count(1)
    expect(page.locator("body")).to_contain_text("Station „Garten“ auf dem Plan gesetzt.")
    db.session.expire_all()
    garden = db.session.get(Rally, rally.id).stations[1]
    assert abs(garden.plan_x - 0.3) < 0.02 and abs(garden.plan_y - 0.6) < 0.02
    assert errors == []
    context.close()
