"""The authoring API: rallies, stations and tasks as an integrator uses them."""

from __future__ import annotations

from html.parser import HTMLParser

from rallies.models import Rally, Station, Task
from tests.authoring.conftest import API, CHOICE, NUMBER


def test_anonymous_calls_are_refused_as_problem_json(client):
    response = client.get(f"{API}/rallies")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "unauthorized"


def test_editor_builds_a_rally_with_stations_and_tasks(api_rally, db):
    rally = api_rally(stations=[
        {"title": "Eingangshalle", "body_md": "Willkommen **im** Museum", "tasks": [CHOICE, NUMBER]},
        {"title": "Turm", "unlock_mode": "qr"},
        {"title": "Marktplatz", "unlock_mode": "location", "lat": 52.52, "lon": 13.40, "radius_m": 40},
    ], settings={"station_order": "fixed", "attempts_per_task": 3})

    assert rally["visibility"] == "draft" and rally["version"] == 0
    assert rally["settings"]["station_order"] == "fixed" and rally["settings"]["attempts_per_task"] == 3
    assert [s["title"] for s in rally["stations"]] == ["Eingangshalle", "Turm", "Marktplatz"]
    hall, tower, _ = rally["stations"]
    assert hall["body_html"] == "<p>Willkommen <strong>im</strong> Museum</p>"
    assert [t["type"] for t in hall["tasks"]] == ["single_choice", "number"]
    assert hall["tasks"][0]["config"]["options"][0]["correct"] is True  # editors see solutions
    assert tower["qr_url"].startswith("https://rally.example/q/") and hall["qr_url"] is None
    stored = db.session.get(Station, tower["id"])
    assert len(stored.qr_token) >= 22 and tower["qr_url"].endswith(stored.qr_token)  # ≥ 128 bits


def test_patch_changes_fields_and_keeps_other_settings(editor_api, api_rally, db):
    rally = api_rally(settings={"show_points": False})
    response = editor_api.patch(f"{API}/rallies/{rally['id']}", json={
        "title": "Neuer Titel", "settings": {"offline_feedback": True}, "age_min": 8, "age_max": 12})
    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == "Neuer Titel" and body["age_min"] == 8
    assert body["settings"]["show_points"] is False and body["settings"]["offline_feedback"] is True
    db.session.expire_all()
    assert db.session.get(Rally, rally["id"]).settings["offline_feedback"] is True


def test_invalid_rally_fields_answer_field_errors(editor_api, api_rally, db):
    rally = api_rally()
    response = editor_api.patch(f"{API}/rallies/{rally['id']}", json={
        "settings": {"station_order": "zigzag", "colour": "red"}})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "settings.station_order" in errors and "settings.colour" in errors
    ages = editor_api.patch(f"{API}/rallies/{rally['id']}", json={"age_min": 14, "age_max": 10})
    assert ages.status_code == 422 and "age_max" in ages.get_json()["errors"]
    db.session.expire_all()
    assert db.session.get(Rally, rally["id"]).age_min == 10  # nothing stored


def test_about_is_required_when_creating(editor_api, institution, db):
    response = editor_api.post(f"{API}/rallies", json={"institution_id": institution.id, "title": "Ohne"})
    assert response.status_code == 422
    assert "about" in response.get_json()["errors"]
    assert db.session.scalar(db.select(Rally.id)) is None


def test_editor_cannot_create_in_another_institution(editor_api, other_institution, db):
    response = editor_api.post(f"{API}/rallies", json={"institution_id": other_institution.id,
                                                      "title": "X", "about": "Y"})
    assert response.status_code == 403
    assert response.get_json()["code"] == "forbidden"
    assert db.session.scalar(db.select(Rally.id)) is None


def test_config_errors_name_the_field_path_per_task_type(editor_api, api_rally):
    rally = api_rally(stations=[{"title": "S"}])
    station_id = rally["stations"][0]["id"]
    cases = [
        ({"type": "single_choice", "config": {"options": [{"text": "A", "correct": True}, {"text": " "}]}},
         "config.options.1.text"),
        ({"type": "single_choice", "config": {"options": [{"text": "A"}, {"text": "B"}]}}, "config.options"),
        ({"type": "number", "config": {"value": "viel"}}, "config.value"),
        ({"type": "number", "config": {"value": 3, "tolerance": 1, "partial_band": 0.5}}, "config.partial_band"),
        ({"type": "match", "config": {"pairs": [{"left": {"text": "a"}, "right": {"text": "b"}}]}}, "config.pairs"),
        ({"type": "location", "config": {"lat": 95, "lon": 13, "radius_m": 50}}, "config.lat"),
        ({"type": "text", "config": {"accepted_answers": ["x"], "max_typos": 9}}, "config.max_typos"),
        ({"type": "single_choice", "config": {"options": [{"text": "A", "correct": True}, {"text": "B"}],
                                              "colour": "red"}}, "config.colour"),
    ]
    for body, path in cases:
        response = editor_api.post(f"{API}/stations/{station_id}/tasks", json=body)
        assert response.status_code == 422, body
        problem = response.get_json()
        assert response.mimetype == "application/problem+json"
        assert problem["code"] == "invalid_request"
        assert path in problem["errors"], (path, problem["errors"])
    stored = editor_api.get(f"{API}/stations/{station_id}").get_json()
    assert stored["tasks"] == []


def test_task_update_validates_and_keeps_the_old_config_on_error(editor_api, api_rally, db):
    rally = api_rally(stations=[{"title": "S", "tasks": [CHOICE]}])
    task_id = rally["stations"][0]["tasks"][0]["id"]
    bad = editor_api.patch(f"{API}/tasks/{task_id}", json={"config": {"options": [{"text": "nur eine"}]}})
    assert bad.status_code == 422 and "config.options" in bad.get_json()["errors"]
    good = editor_api.patch(f"{API}/tasks/{task_id}", json={"points": 7, "hint_text": "Niederlande", "hint_cost": 2})
    assert good.status_code == 200 and good.get_json()["points"] == 7
    db.session.expire_all()
    task = db.session.get(Task, task_id)
    assert task.points == 7 and task.config["options"][0]["text"] == "Rembrandt"
    unknown = editor_api.patch(f"{API}/tasks/{task_id}", json={"pionts": 3})
    assert unknown.status_code == 422 and "pionts" in unknown.get_json()["errors"]


def test_location_station_needs_its_place(editor_api, api_rally):
    rally = api_rally()
    response = editor_api.post(f"{API}/rallies/{rally['id']}/stations",
                               json={"title": "Platz", "unlock_mode": "location", "radius_m": 5})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "radius_m" in errors  # 10..5000 m


def test_station_order_and_delete_remove_dangling_conditions(editor_api, api_rally, db):
    rally = api_rally(stations=[{"title": "A"}, {"title": "B"}, {"title": "C"}])
    a, b, c = (s["id"] for s in rally["stations"])
    conditioned = editor_api.patch(f"{API}/stations/{c}", json={"conditions": [{"after_station": a}, {"min_score": 5}]})
    assert conditioned.status_code == 200
    wrong = editor_api.put(f"{API}/rallies/{rally['id']}/station-order", json={"station_ids": [a, b]})
    assert wrong.status_code == 422 and "station_ids" in wrong.get_json()["errors"]
    reordered = editor_api.put(f"{API}/rallies/{rally['id']}/station-order", json={"station_ids": [c, a, b]})
    assert [s["title"] for s in reordered.get_json()["stations"]] == ["C", "A", "B"]
    assert editor_api.delete(f"{API}/stations/{a}").status_code == 204
    body = editor_api.get(f"{API}/rallies/{rally['id']}").get_json()
    assert [(s["title"], s["position"]) for s in body["stations"]] == [("C", 0), ("B", 1)]
    assert body["stations"][0]["conditions"] == [{"min_score": 5}]
    assert db.session.get(Station, a) is None


def test_condition_must_name_another_station_of_the_rally(editor_api, api_rally):
    rally = api_rally(stations=[{"title": "A"}, {"title": "B"}])
    a = rally["stations"][0]["id"]
    response = editor_api.patch(f"{API}/stations/{a}", json={"conditions": [{"after_station": a}]})
    assert response.status_code == 422 and "conditions.0.after_station" in response.get_json()["errors"]


def test_delete_task_and_rally(editor_api, api_rally, db):
    rally = api_rally(stations=[{"title": "S", "tasks": [CHOICE, NUMBER]}])
    first = rally["stations"][0]["tasks"][0]["id"]
    assert editor_api.delete(f"{API}/tasks/{first}").status_code == 204
    station = editor_api.get(f"{API}/stations/{rally['stations'][0]['id']}").get_json()
    assert [(t["type"], t["position"]) for t in station["tasks"]] == [("number", 0)]
    assert editor_api.delete(f"{API}/rallies/{rally['id']}").status_code == 204
    assert db.session.get(Rally, rally["id"]) is None


def test_played_rally_cannot_be_deleted(editor_api, make_rally, make_run, db):
    rally = make_rally()
    make_run(rally)
    response = editor_api.delete(f"{API}/rallies/{rally.id}")
    assert response.status_code == 409 and response.get_json()["code"] == "rally_in_use"
    assert db.session.get(Rally, rally.id) is not None


class Elements(HTMLParser):
    """Every element and its attributes, as a browser would parse them."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def test_markdown_is_sanitised_everywhere_pupils_see_it(editor_api, api_rally):
    hostile = ("<script>alert(1)</script>\n\n[klick](javascript:alert(1)) "
               "<a href=\"javascript:alert(2)\">x</a> <img src=x onerror=alert(3)> [ok](https://museum.example)")
    rally = api_rally(description_md=hostile, stations=[{"title": "S", "body_md": hostile, "tasks": [
        {**CHOICE, "prompt_md": hostile}]}])
    preview = editor_api.get(f"{API}/rallies/{rally['id']}/preview").get_json()
    for html in (preview["rally"]["description_html"], preview["stations"][0]["body_html"],
                 preview["stations"][0]["tasks"][0]["prompt_html"], rally["stations"][0]["body_html"]):
        elements = Elements(html).found
        assert {tag for tag, _ in elements} <= {"p", "a"}
        assert [attrs["href"] for tag, attrs in elements if tag == "a"] == ["https://museum.example"]
        assert not any(name.startswith("on") for _, attrs in elements for name in attrs)
        assert '<a href="https://museum.example" rel="noopener noreferrer nofollow">ok</a>' in html


def test_preview_is_the_bundle_without_solutions(editor_api, api_rally):
    rally = api_rally(stations=[{"title": "S", "tasks": [CHOICE, NUMBER]}])
    preview = editor_api.get(f"{API}/rallies/{rally['id']}/preview")
    assert preview.status_code == 200
    body = preview.get_json()
    text = preview.get_data(as_text=True)
    assert body["rally"]["title"] == "Spurensuche im Museum"
    assert body["stations"][0]["tasks"][0]["options"] == [{"id": "a", "text": "Rembrandt"}, {"id": "b", "text": "Vermeer"}]
    for secret in ('"solution"', '"correct"', '"accepted_answers"', '"is_correct"'):
        assert secret not in text
    editor_api.patch(f"{API}/rallies/{rally['id']}", json={"settings": {"offline_feedback": True}})
    with_solutions = editor_api.get(f"{API}/rallies/{rally['id']}/preview").get_json()
    assert with_solutions["stations"][0]["tasks"][0]["solution"] == "a"


def test_listing_shows_editors_their_rallies_and_the_office_published_ones(
        editor_api, other_api, api_as, office, api_rally, other_institution):
    mine = api_rally(title="Meine", stations=[{"title": "S", "tasks": [CHOICE]}])
    theirs = api_rally(api=other_api, institution_id=other_institution.id, title="Fremde",
                       stations=[{"title": "S"}])
    editor_api.post(f"{API}/rallies/{mine['id']}/publish", json={"visibility": "public"})
    assert [r["title"] for r in editor_api.get(f"{API}/rallies").get_json()] == ["Meine"]
    assert [r["title"] for r in other_api.get(f"{API}/rallies").get_json()] == ["Fremde"]
    office_list = api_as(office).get(f"{API}/rallies").get_json()
    assert [r["id"] for r in office_list] == [mine["id"]]
    assert theirs["id"] not in [r["id"] for r in office_list]


def test_one_start_coordinate_alone_is_a_field_error_not_a_crash(editor_api, api_rally, db):
    rally = api_rally()
    response = editor_api.patch(f"{API}/rallies/{rally['id']}", json={"start_lat": 52.5})
    assert response.status_code == 422
    assert "start_lat" in response.get_json()["errors"]
    assert db.session.get(Rally, rally["id"]).start_lat is None


def test_teachers_see_a_published_rally_without_its_working_copy_or_solutions(api_as, teacher, make_rally):
    rally = make_rally(publish="public", stations=[{"tasks": ["single_choice"]}])
    body = api_as(teacher).get(f"{API}/rallies/{rally.id}").get_json()
    assert body["title"] == rally.title
    assert "stations" not in body
    assert '"correct"' not in str(body).replace("'", '"')
