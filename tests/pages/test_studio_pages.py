"""The studio page and what its script asks the server for: editor partials, parsing, the
checklist with links, address search (a fake geocoder, never the network) and the phone preview."""

from __future__ import annotations

import json

import pytest

from rallies import authoring
from server import geocoding
from tests.pages.helpers import login, text


@pytest.fixture
def editor_client(client, editor):
    login(client, editor)
    return client


def draft(make_rally, **kwargs):
    kwargs.setdefault("stations", [{"title": "Foyer", "tasks": ["single_choice"]},
                                   {"title": "Turm", "unlock_mode": "qr", "tasks": ["number"]}])
    return make_rally(publish=None, **kwargs)


def test_the_studio_lists_stations_tasks_and_checklist_with_links_that_work_without_javascript(
        editor_client, make_rally, editor, db):
    rally = draft(make_rally)
    task = rally.stations[0].tasks[0]
    authoring.update_task(task, actor=editor, prompt_md="")
    db.session.commit()

    page = text(editor_client.get(f"/editor/rallies/{rally.id}/studio"))

    assert "1. Foyer" in page and "2. Turm" in page
    assert f'href="/editor/tasks/{task.id}"' in page                         # the classic task form
    assert f'action="/editor/stations/{rally.stations[0].id}/tasks/new"' in page  # adding a task without JS
    assert "Station „Foyer“, Aufgabe 1: Der Aufgabentext fehlt." in page
    assert f'data-studio-href="/editor/rallies/{rally.id}/studio#task-{task.id}"' in page
    assert 'id="phone"' in page and "width=\"390\"" in page and "height=\"844\"" in page


def test_the_checklist_as_json_links_each_item_to_its_place(editor_client, make_rally, editor, db):
    rally = draft(make_rally)
    tower = rally.stations[1]
    authoring.update_station(tower, actor=editor, conditions=[{"min_score": 50}])
    db.session.commit()

    items = editor_client.get(f"/editor/rallies/{rally.id}/checklist").get_json()["items"]

    score = next(item for item in items if item["code"] == "unreachable_score")
    assert score["blocking"] is True and score["station_id"] == tower.id
    assert score["url"].endswith(f"/studio#station-{tower.id}") and score["page_url"] == f"/editor/stations/{tower.id}"
    assert "verlangt 50 Punkte" in score["text"]
    printed = next(item for item in items if item["code"] == "qr_not_printed")
    assert printed["blocking"] is False


def test_the_checklist_speaks_english_to_an_english_reader(editor_client, make_rally, editor, db):
    rally = draft(make_rally)
    authoring.update_task(rally.stations[0].tasks[0], actor=editor, prompt_md="")
    db.session.commit()
    items = editor_client.get(f"/editor/rallies/{rally.id}/checklist?lang=en").get_json()
    assert any("task 1" in item["text"].lower() and "task text is missing" in item["text"] for item in items["items"])


def test_every_task_types_editor_partial_renders_for_the_studio(editor_client, make_rally):
    from rallies.tasks import REGISTRY

    rally = draft(make_rally)
    for name in REGISTRY:
        response = editor_client.get(f"/editor/task-editor/{name}?rally={rally.id}")
        assert response.status_code == 200, name


def test_a_task_types_editor_partial_and_parser_come_from_its_module(editor_client, make_rally):
    rally = draft(make_rally)
    partial = text(editor_client.get(f"/editor/task-editor/single_choice?rally={rally.id}&config=" + json.dumps(
        {"options": [{"id": "a", "text": "Blau", "correct": True}]})))
    assert 'name="options-0-text"' in partial and 'value="Blau"' in partial and 'type="radio"' in partial

    parsed = editor_client.post("/editor/task-editor/number", data={"value": "12,5", "tolerance": ""}).get_json()
    assert parsed["config"]["value"] == 12.5

    assert editor_client.get(f"/editor/task-editor/no_such_type?rally={rally.id}").status_code == 404


def test_a_saved_hotspot_tasks_partial_draws_on_its_picture_and_only_for_its_own_rally(
        editor_client, make_rally, editor, institution, storage, db):
    from rallies.media_library import add_media
    from rallies.runtime import media_limits
    from tests.authoring.conftest import jpeg

    rally, other = draft(make_rally), draft(make_rally)
    picture = add_media(jpeg((400, 300)), storage=storage, limits=media_limits(), institution_id=institution.id)
    task = authoring.add_task(rally.stations[0], actor=editor, type="hotspot", prompt_md="Tippt auf das Fenster.",
                              points=10, config={"regions": [{"circle": {"x": 0.5, "y": 0.5, "r": 0.1}}]})
    authoring.attach_task_media(task, picture.id, "Ein Fenster", actor=editor)
    db.session.commit()

    fresh = text(editor_client.get(f"/editor/task-editor/hotspot?rally={rally.id}"))
    assert 'data-image=""' in fresh and "data-no-picture" in fresh  # a new task: the studio supplies the picture
    saved = text(editor_client.get(f"/editor/task-editor/hotspot?rally={rally.id}&task={task.id}"))
    assert f'data-image="/media/{picture.display_name or picture.name}"' in saved and "data-no-picture" not in saved
    assert editor_client.get(f"/editor/task-editor/hotspot?rally={other.id}&task={task.id}").status_code == 404


def test_a_new_free_text_is_teacher_graded_while_it_has_no_accepted_answers(editor_client, make_rally):
    rally = draft(make_rally)
    partial = text(editor_client.get(f"/editor/task-editor/text?rally={rally.id}"))
    assert 'name="teacher_graded" data-while-empty="accepted_answers"' in partial  # the studio ticks it for new tasks
    parsed = editor_client.post("/editor/task-editor/text", data={"teacher_graded": "on", "accepted_answers": ""}).get_json()
    assert parsed["config"]["teacher_graded"] is True


def test_a_new_rally_opens_in_the_studio_with_a_site_plan_panel(editor_client, institution, db):
    from rallies.models import Rally

    response = editor_client.post("/editor/rallies/new", data={
        "institution_id": institution.id, "title": "Farben der Moderne", "about": "Kunsthalle, Klassen 7–9",
        "language": "de", "age_min": "12", "age_max": "15"}, follow_redirects=True)
    rally = db.session.scalar(db.select(Rally).filter_by(title="Farben der Moderne"))
    page = text(response)
    assert response.request.path == f"/editor/rallies/{rally.id}/studio" and "Rallye angelegt." in page
    assert f'href="/editor/rallies/{rally.id}/site-plan"' in page and 'id="site-plan-panel"' in page


def test_a_task_saved_without_a_question_is_saved_but_not_called_valid(editor_client, make_rally):
    rally = draft(make_rally)
    task = rally.stations[1].tasks[0]
    response = editor_client.post(f"/editor/tasks/{task.id}", data={
        "prompt_md": "  ", "points": "10", "value": "3", "tolerance": "0"}, follow_redirects=True)
    page = text(response)
    assert "der Aufgabentext fehlt noch" in page and "Aufgabe gespeichert." not in page


class FakeGeocoder:
    """Answers like geopy's geocoders; counts the calls."""

    def __init__(self):
        self.calls = []

    def geocode(self, query, exactly_one=False, limit=5):
        self.calls.append(query)
        place = type("Place", (), {"address": "Museumsinsel, Berlin", "latitude": 52.5169, "longitude": 13.4019})
        return [place] if "museum" in query.lower() else []


def test_address_search_asks_the_configured_geocoder_once_per_query(editor_client, app):
    fake = FakeGeocoder()
    app.config["GEOCODER"] = fake
    geocoding.clear_cache()

    first = editor_client.get("/editor/geocode?q=Museumsinsel").get_json()
    again = editor_client.get("/editor/geocode?q=museumsinsel").get_json()
    nothing = editor_client.get("/editor/geocode?q=Nirgendwo").get_json()

    assert first == again == {"results": [{"label": "Museumsinsel, Berlin", "lat": 52.5169, "lon": 13.4019}]}
    assert nothing == {"results": []}
    assert fake.calls == ["Museumsinsel", "Nirgendwo"]  # the second query came from the cache


def test_address_search_switched_off_says_so_and_the_studio_offers_no_search_field(editor_client, app, make_rally):
    app.config["GEOCODER"] = "none"
    response = editor_client.get("/editor/geocode?q=Museumsinsel")
    assert response.status_code == 503
    assert "Adresssuche ist gerade nicht verfügbar" in response.get_json()["error"]
    rally = draft(make_rally)
    config = text(editor_client.get(f"/editor/rallies/{rally.id}/studio"))
    assert "&#34;geocodeUrl&#34;: null" in config or '"geocodeUrl": null' in config


def test_the_phone_preview_is_the_real_player_framed_only_by_this_site(editor_client, make_rally):
    rally = draft(make_rally)
    phone = editor_client.get(f"/editor/rallies/{rally.id}/phone")
    page = text(phone)
    assert "player/app.js" in page and "player/preview.js" in page
    assert phone.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in phone.headers["Content-Security-Policy"]
    assert editor_client.get(f"/editor/rallies/{rally.id}/studio").headers["X-Frame-Options"] == "DENY"

    bundle = editor_client.get(f"/editor/rallies/{rally.id}/phone/bundle.json").get_json()
    assert [s["title"] for s in bundle["stations"]] == ["Foyer", "Turm"]


def test_another_institutions_editor_finds_no_studio(client, make_rally, make_user, make_institution):
    rally = draft(make_rally)
    stranger = make_user("editor", institutions=[make_institution(name="Anderes Museum")])
    login(client, stranger)
    for path in ("studio", "phone", "phone/bundle.json", "checklist"):
        assert client.get(f"/editor/rallies/{rally.id}/{path}").status_code == 404
