"""Editor pages: rallies, stations, tasks of every type, media, publishing, isolation, crawl."""

from __future__ import annotations

import io

import pytest

from tests.pages.helpers import crawl, login, text


@pytest.fixture
def editor_client(client, editor):
    login(client, editor)
    return client


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def empty_rally(db, institution, editor):
    """A draft without stations (make_rally always adds one)."""
    from rallies import authoring

    rally = authoring.create_rally(institution, actor=editor, title="Leer", about="Stadtmuseum, Klasse 7")
    db.session.commit()
    return rally


def draft_rally(make_rally, **kwargs):
    kwargs.setdefault("stations", [{"tasks": ["single_choice"]}])
    return make_rally(publish=None, **kwargs)


RALLY_FORM = {
    "title": "Barock entdecken", "theme": "Malerei", "description_md": "Eine **Reise**.",
    "about": "Stadtmuseum, Klassen 5–7, Malerei", "language": "de", "age_min": "10", "age_max": "13",
    "subjects": "Kunst, Geschichte", "start_lat": "52,52", "start_lon": "13.40", "station_order": "fixed",
    "time_limit_min": "90", "attempts_per_task": "3", "wrong_attempt_penalty": "1", "show_points": "y",
    "offline_feedback": "y",
}


# --- Rallies ---------------------------------------------------------------------------

def test_editor_creates_a_rally_through_the_form_and_sees_it_listed(editor_client, db, institution):
    from rallies.models import Rally

    response = editor_client.post("/editor/rallies/new", data={
        "institution_id": institution.id, "title": "Spurensuche", "theme": "Stadtgeschichte",
        "about": "Stadtmuseum für Klasse 7", "language": "de", "age_min": "11", "age_max": "14"})

    assert response.status_code == 302
    rally = db.session.scalar(db.select(Rally).filter_by(title="Spurensuche"))
    assert rally is not None and rally.institution_id == institution.id
    assert (rally.theme, rally.age_min, rally.age_max, rally.visibility) == ("Stadtgeschichte", 11, 14, "draft")
    assert response.headers["Location"].endswith(f"/editor/rallies/{rally.id}/studio")  # on to building it
    listing = text(editor_client.get("/editor/rallies"))
    assert "Spurensuche" in listing and "Entwurf" in listing


def test_rally_details_and_settings_are_saved(editor_client, db, make_rally):
    rally = draft_rally(make_rally)

    response = editor_client.post(f"/editor/rallies/{rally.id}", data=RALLY_FORM)

    assert response.status_code == 302
    db.session.expire_all()
    assert rally.title == "Barock entdecken" and rally.subjects == ["Kunst", "Geschichte"]
    assert (rally.start_lat, rally.start_lon) == (52.52, 13.40)
    settings = rally.effective_settings
    assert settings["station_order"] == "fixed" and settings["time_limit_s"] == 90 * 60
    assert settings["attempts_per_task"] == 3 and settings["wrong_attempt_penalty"] == 1
    assert settings["show_points"] is True and settings["show_solutions"] is False
    assert settings["offline_feedback"] is True


def test_rally_form_errors_from_the_service_are_shown_and_nothing_is_stored(editor_client, db, make_rally):
    rally = draft_rally(make_rally, title="Vorher")

    response = editor_client.post(f"/editor/rallies/{rally.id}", data={
        **RALLY_FORM, "title": "Nachher", "age_min": "15", "age_max": "12"})

    assert response.status_code == 422
    page = text(response)
    assert "Ages from 6 to 99" in page
    assert 'value="Nachher"' in page  # the editor's input is kept
    half_start = editor_client.post(f"/editor/rallies/{rally.id}", data={**RALLY_FORM, "start_lon": ""})
    assert half_start.status_code == 422 and "Beide Startkoordinaten oder keine." in text(half_start)
    db.session.expire_all()
    assert rally.title == "Vorher" and rally.age_min == 10


def test_copy_to_own_institution_and_delete_unplayed_rally(editor_client, db, make_rally, make_run):
    from rallies.models import Rally

    rally = make_rally(title="Original", stations=[{"unlock_mode": "qr", "tasks": ["text"]}])
    response = editor_client.post(f"/editor/rallies/{rally.id}/copy", data={"institution_id": rally.institution_id})
    assert response.status_code == 302
    clone = db.session.scalar(db.select(Rally).filter_by(copied_from_id=rally.id))
    assert clone.title == "Original (Kopie)" and clone.visibility == "draft" and len(clone.stations) == 1

    assert editor_client.post(f"/editor/rallies/{clone.id}/delete").status_code == 302
    assert db.session.get(Rally, clone.id) is None

    make_run(rally)
    refused = editor_client.post(f"/editor/rallies/{rally.id}/delete", follow_redirects=True)
    assert "bitte zurückziehen statt löschen" in text(refused)
    assert db.session.get(Rally, rally.id) is not None


def test_import_button_is_disabled_until_the_exchange_service_exists(editor_client):
    page = text(editor_client.get("/editor/rallies"))
    try:
        import rallies.exchange  # noqa: F401
    except ImportError:
        assert "<button type=\"button\" disabled>ZIP importieren" in page
    else:
        assert "/editor/rallies/import" in page


# --- Stations --------------------------------------------------------------------------

def test_stations_of_each_unlock_mode_are_added(editor_client, db, institution, editor):
    rally = empty_rally(db, institution, editor)
    for data in ({"title": "Eingang", "unlock_mode": "open"},
                 {"title": "Gemälde", "unlock_mode": "qr"},
                 {"title": "Brunnen", "unlock_mode": "location", "lat": "52,5163", "lon": "13.3777", "radius_m": "40"}):
        response = editor_client.post(f"/editor/rallies/{rally.id}/stations", data=data)
        assert response.status_code == 302, text(response)

    db.session.expire_all()
    open_, qr, place = rally.stations
    assert [s.unlock_mode for s in rally.stations] == ["open", "qr", "location"]
    assert open_.qr_token is None and len(qr.qr_token) >= 24
    assert (place.lat, place.lon, place.radius_m) == (52.5163, 13.3777, 40)

    page = text(editor_client.get(f"/editor/stations/{qr.id}"))
    assert "https://rally.example/q/" + qr.qr_token in page
    image = editor_client.get(f"/editor/stations/{qr.id}/qr.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert editor_client.get(f"/editor/stations/{open_.id}/qr.png").status_code == 404

    old = qr.qr_token
    editor_client.post(f"/editor/stations/{qr.id}/qr/regenerate")
    db.session.expire_all()
    assert qr.qr_token != old

    pdf = editor_client.get(f"/editor/rallies/{rally.id}/qr-kit.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"


def test_location_station_without_coordinates_shows_error_and_stores_nothing(editor_client, db, institution, editor):
    rally = empty_rally(db, institution, editor)

    response = editor_client.post(f"/editor/rallies/{rally.id}/stations",
                                  data={"title": "Irgendwo", "unlock_mode": "location", "radius_m": "40"})

    assert response.status_code == 422
    assert text(response).count("Required for a location station.") == 2  # lat and lon
    db.session.expire_all()
    assert rally.stations == []


def test_station_edit_saves_body_conditions_and_location(editor_client, db, make_rally):
    rally = draft_rally(make_rally, stations=[{"tasks": []}, {"tasks": []}])
    first, second = rally.stations

    response = editor_client.post(f"/editor/stations/{second.id}", data={
        "title": "Am Fluss", "body_md": "Schaut auf das *Wasser*.", "unlock_mode": "location",
        "lat": "52.5", "lon": "13.4", "radius_m": "100", "after_stations": str(first.id), "min_score": "5"})

    assert response.status_code == 302, text(response)
    db.session.expire_all()
    assert (second.title, second.body_md, second.unlock_mode) == ("Am Fluss", "Schaut auf das *Wasser*.", "location")
    assert second.conditions == [{"after_station": first.id}, {"min_score": 5.0}]


def test_reorder_posts_the_new_order(editor_client, db, make_rally):
    rally = draft_rally(make_rally, stations=[{"title": "A"}, {"title": "B"}, {"title": "C"}])
    a, b, c = (s.id for s in rally.stations)
    page = text(editor_client.get(f"/editor/rallies/{rally.id}"))
    assert "nach oben" in page

    response = editor_client.post(f"/editor/rallies/{rally.id}/reorder", data={"station_ids": [a, c, b]})

    assert response.status_code == 302
    db.session.expire_all()
    assert [s.title for s in rally.stations] == ["A", "C", "B"]
    bad = editor_client.post(f"/editor/rallies/{rally.id}/reorder", data={"station_ids": [a, b]}, follow_redirects=True)
    assert "Jede Station der Rallye genau einmal nennen." in text(bad)


def test_station_media_image_needs_alt_text(editor_client, db, make_rally, storage):
    from rallies.models import MediaAsset

    rally = draft_rally(make_rally)
    station = rally.stations[0]
    url = f"/editor/stations/{station.id}/media"

    refused = editor_client.post(url, data={"file": (io.BytesIO(png_bytes()), "bild.png"), "alt": " "},
                                 content_type="multipart/form-data")
    assert refused.status_code == 422 and "Beschreiben Sie das Bild für Menschen, die es nicht sehen." in text(refused)
    assert db.session.scalar(db.select(db.func.count(MediaAsset.id))) == 0

    not_media = editor_client.post(url, data={"file": (io.BytesIO(b"<html>hi</html>"), "x.png"), "alt": "x"},
                                   content_type="multipart/form-data")
    assert not_media.status_code == 422 and "not accepted" in text(not_media)

    accepted = editor_client.post(url, data={"file": (io.BytesIO(png_bytes()), "bild.png"), "alt": "Ein Brunnen"},
                                  content_type="multipart/form-data")
    assert accepted.status_code == 302
    db.session.expire_all()
    assert [m.alt for m in station.media] == ["Ein Brunnen"]
    assert storage.exists(station.media[0].asset.name)


def test_cover_upload_with_alt_text(editor_client, db, make_rally):
    from rallies.models import MediaAsset
    from tests.media.samples import build_wav

    rally = draft_rally(make_rally)
    sound = editor_client.post(f"/editor/rallies/{rally.id}/cover",
                               data={"file": (io.BytesIO(build_wav(0.2)), "c.png"), "alt": "Ton"},
                               content_type="multipart/form-data")
    assert sound.status_code == 422 and "Bitte eine Bilddatei." in text(sound)
    assert db.session.scalar(db.select(db.func.count(MediaAsset.id))) == 0
    response = editor_client.post(f"/editor/rallies/{rally.id}/cover",
                                  data={"file": (io.BytesIO(png_bytes()), "c.png"), "alt": "Museumsfassade"},
                                  content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert rally.cover is not None and rally.cover_alt == "Museumsfassade"


# --- Tasks -----------------------------------------------------------------------------

COMMON = {"prompt_md": "Was siehst du?", "points": "5", "hint_text": "Schau genau", "hint_cost": "1",
          "time_limit_s": "120", "feedback_correct": "Super!", "feedback_wrong": "Schade."}

TASK_FORMS = {
    "info": ({}, {}),
    "single_choice": ({"options-0-text": "Rembrandt", "options-1-text": "Vermeer", "options-2-text": "",
                       "correct": "1"},
                      lambda c: [(o["text"], o["correct"]) for o in c["options"]] == [("Rembrandt", False), ("Vermeer", True)]),
    "multiple_choice": ({"options-0-text": "Öl", "options-0-correct": "on", "options-1-text": "Tempera",
                         "options-1-correct": "on", "options-2-text": "Acryl", "partial_credit": "on"},
                        lambda c: [o["correct"] for o in c["options"]] == [True, True, False] and c["partial_credit"]),
    "text": ({"accepted_answers": "Nachtwache\r\n\r\nDie Nachtwache\r\n", "max_typos": "1", "max_length": ""},
             lambda c: c["accepted_answers"] == ["Nachtwache", "Die Nachtwache"] and c["max_typos"] == 1
             and not c["teacher_graded"]),
    "number": ({"value": "1642", "tolerance": "0,1", "relative": "on", "partial_band": "0.3", "unit": "Jahr"},
               lambda c: (c["value"], c["tolerance"], c["relative"], c["partial_band"], c["unit"])
               == (1642, 0.1, True, 0.3, "Jahr")),
    "order": ({"options-0-text": "Skizze", "options-1-text": "Untermalung", "options-2-text": "Firnis"},
              lambda c: [o["text"] for o in c["options"]] == ["Skizze", "Untermalung", "Firnis"]
              and all(o["id"] for o in c["options"])),
    "match": ({"pairs-0-left": "Hund", "pairs-0-right": "bellt", "pairs-1-left": "Katze", "pairs-1-right": "miaut"},
              lambda c: [(p["left"]["text"], p["right"]["text"]) for p in c["pairs"]] == [("Hund", "bellt"), ("Katze", "miaut")]),
    "photo": ({"instructions": "Fotografiert die Statue."}, lambda c: c == {"instructions": "Fotografiert die Statue."}),
    "audio": ({"instructions": ""}, lambda c: c == {}),
    "video": ({}, lambda c: c == {}),
    "location": ({"lat": "52,5163", "lon": "13.3777", "radius_m": "50"},
                 lambda c: c == {"lat": 52.5163, "lon": 13.3777, "radius_m": 50.0}),
    "survey": ({"survey_mode": "scale", "scale_min": "1", "scale_max": "5", "scale_step": "1",
                "scale_min_label": "schlecht", "scale_max_label": "super", "options-0-text": "ignored"},
               lambda c: c == {"scale": {"min": 1, "max": 5, "step": 1, "min_label": "schlecht", "max_label": "super"}}),
    "cloze": ({"text": "Rembrandt malte [[Nachtwache]] im Jahr {{1642|1648}}.", "max_typos": "1"},
              {"text": "Rembrandt malte [[Nachtwache]] im Jahr {{1642|1648}}.", "max_typos": 1}),
    "hotspot": ({"regions": '[{"circle": {"x": 0.5, "y": 0.4, "r": 0.1}}]', "aspect": "0,75"},
                {"regions": [{"circle": {"x": 0.5, "y": 0.4, "r": 0.1}}], "aspect": 0.75}),
}


def test_a_task_of_every_type_is_added_through_the_forms(editor_client, db, make_rally):
    from rallies.tasks import REGISTRY

    assert set(TASK_FORMS) == set(REGISTRY), "a new task type needs a case here"
    rally = draft_rally(make_rally, stations=[{"tasks": []}])
    station = rally.stations[0]

    for task_type, (config_form, check) in TASK_FORMS.items():
        page = editor_client.get(f"/editor/stations/{station.id}/tasks/new?type={task_type}")
        assert page.status_code == 200, task_type
        response = editor_client.post(f"/editor/stations/{station.id}/tasks/new?type={task_type}",
                                      data={**COMMON, **config_form})
        assert response.status_code == 302, (task_type, text(response))

    db.session.expire_all()
    stored = {task.type: task for task in station.tasks}
    assert set(stored) == set(TASK_FORMS)
    for task_type, (_, check) in TASK_FORMS.items():
        task = stored[task_type]
        if callable(check):
            assert check(task.config), (task_type, task.config)
        else:
            assert task.config == check
        assert (task.prompt_md, task.hint_text, task.time_limit_s, task.feedback_correct) == \
            ("Was siehst du?", "Schau genau", 120, "Super!")
    assert stored["number"].points == 5 and stored["survey"].points == 0 and stored["info"].points == 0

    survey_options = editor_client.post(f"/editor/stations/{station.id}/tasks/new?type=survey", data={
        **COMMON, "survey_mode": "options", "options-0-text": "Ja", "options-1-text": "Nein"})
    assert survey_options.status_code == 302
    db.session.expire_all()
    assert [o["text"] for o in station.tasks[-1].config["options"]] == ["Ja", "Nein"]


def test_single_choice_without_correct_option_shows_error_and_stores_nothing(editor_client, db, make_rally):
    from rallies.models import Task

    rally = draft_rally(make_rally, stations=[{"tasks": []}])
    station = rally.stations[0]

    response = editor_client.post(f"/editor/stations/{station.id}/tasks/new?type=single_choice", data={
        **COMMON, "options-0-text": "Rembrandt", "options-1-text": "Vermeer"})

    assert response.status_code == 422
    page = text(response)
    assert "Genau eine Antwortmöglichkeit muss richtig sein." in page
    assert 'value="Rembrandt"' in page and 'value="Vermeer"' in page
    assert db.session.scalar(db.select(db.func.count(Task.id))) == 0


def test_config_errors_are_shown_by_field_path(editor_client, db, make_rally):
    rally = draft_rally(make_rally, stations=[{"tasks": ["number", "single_choice"]}])
    number_task, choice_task = rally.stations[0].tasks
    before = dict(number_task.config)

    band = editor_client.post(f"/editor/tasks/{number_task.id}", data={
        **COMMON, "value": "10", "tolerance": "5", "partial_band": "2"})
    assert band.status_code == 422
    assert "Der Bereich für Teilpunkte muss breiter sein als die Toleranz." in text(band)

    long_text = editor_client.post(f"/editor/tasks/{choice_task.id}", data={
        **COMMON, "options-0-text": "x" * 501, "options-1-text": "ok", "correct": "1"})
    page = text(long_text)
    assert long_text.status_code == 422 and "Option 1 Text: 1 bis 500 Zeichen." in page

    cost = editor_client.post(f"/editor/tasks/{number_task.id}", data={
        **COMMON, "points": "2", "hint_cost": "5", "value": "3"})
    assert cost.status_code == 422 and "Höchstens so viel wie die Punkte." in text(cost)

    db.session.expire_all()
    assert number_task.config == before


def test_task_page_previews_the_task_without_solutions(editor_client, make_rally):
    rally = draft_rally(make_rally, stations=[{"tasks": ["single_choice", "match"]}], settings={"offline_feedback": True})
    choice, match = rally.stations[0].tasks

    page = text(editor_client.get(f"/editor/tasks/{choice.id}"))
    preview = page.split("preview-heading", 1)[1]
    assert "Rembrandt" in preview and "Vermeer" in preview and "Aufgabe single_choice" in preview
    assert "correct" not in preview.split("</section>", 1)[0].lower().replace("correct /", "")

    match_page = text(editor_client.get(f"/editor/tasks/{match.id}"))
    assert "miaut" in match_page.split("preview-heading", 1)[1]


def test_rally_preview_shows_stations_and_tasks_as_pupils_see_them(editor_client, make_rally):
    rally = draft_rally(make_rally, stations=[{"title": "Am Tor", "unlock_mode": "qr", "tasks": ["number", "survey"]},
                                              {"title": "Im Park", "unlock_mode": "location", "tasks": ["location"]}])

    page = text(editor_client.get(f"/editor/rallies/{rally.id}/preview"))

    assert "Am Tor" in page and "Im Park" in page and "QR-Code an der Station scannen" in page
    assert "Aufgabe number" in page and "schlecht" in page and "Ziel" in page
    assert "1642" not in page  # the number task's solution stays hidden


# --- Publishing ------------------------------------------------------------------------

def test_publish_shows_problems_then_succeeds(editor_client, db, institution, editor):
    rally = empty_rally(db, institution, editor)

    refused = editor_client.post(f"/editor/rallies/{rally.id}/publish", data={"visibility": "public"})
    assert refused.status_code == 422
    assert "Die Rallye kann noch nicht veröffentlicht werden." in text(refused)
    assert "A rally needs at least one station." in text(refused)
    db.session.expire_all()
    assert rally.visibility == "draft" and rally.version == 0

    editor_client.post(f"/editor/rallies/{rally.id}/stations", data={"title": "Start", "unlock_mode": "open"})
    published = editor_client.post(f"/editor/rallies/{rally.id}/publish", data={"visibility": "partners"},
                                   follow_redirects=True)
    assert "Version 1" in text(published)
    db.session.expire_all()
    assert rally.visibility == "partners" and rally.version == 1 and not rally.has_unpublished_changes

    editor_client.post(f"/editor/rallies/{rally.id}/unpublish")
    db.session.expire_all()
    assert rally.visibility == "draft"


def test_withdrawn_rally_shows_the_office_note(editor_client, db, make_rally, office):
    from rallies import publishing

    rally = make_rally(title="Zurückgezogen")
    publishing.unpublish(rally, actor=office, reason="Bitte Bildrechte klären.")
    db.session.commit()

    assert "Bitte Bildrechte klären." in text(editor_client.get("/editor/rallies"))


# --- Isolation -------------------------------------------------------------------------

def test_editor_of_another_institution_gets_404(client, db, make_rally, make_institution, make_user):
    other = make_institution(name="Anderes Museum")
    rally = draft_rally(make_rally, owner=other, stations=[{"unlock_mode": "qr", "tasks": ["text"]}])
    station = rally.stations[0]
    task = station.tasks[0]
    login(client, make_user("editor", institutions=[make_institution()]))

    for url in (f"/editor/rallies/{rally.id}", f"/editor/rallies/{rally.id}/preview", f"/editor/rallies/{rally.id}/qr-kit.pdf",
                f"/editor/stations/{station.id}", f"/editor/stations/{station.id}/qr.png", f"/editor/tasks/{task.id}",
                f"/editor/stations/{station.id}/tasks/new?type=text"):
        assert client.get(url).status_code == 404, url
    for url in (f"/editor/rallies/{rally.id}", f"/editor/rallies/{rally.id}/delete", f"/editor/rallies/{rally.id}/publish",
                f"/editor/stations/{station.id}/delete", f"/editor/tasks/{task.id}/delete",
                f"/editor/rallies/{rally.id}/copy"):
        assert client.post(url, data={"title": "Gekapert", "visibility": "public"}).status_code == 404, url
    db.session.expire_all()
    assert rally.title != "Gekapert" and len(rally.stations) == 1 and rally.visibility == "draft"
    assert "Anderes Museum" not in text(client.get("/editor/rallies"))


def test_other_roles_cannot_open_editor_pages(client, office, teacher, make_rally):
    """The office never authors; teachers (authors of their schools' rallies since issue 15) see none of a museum's."""
    rally = make_rally(publish=None, title="Museumsentwurf")
    login(client, office)
    assert client.get("/editor/rallies").status_code == 403
    client.post("/logout")
    login(client, teacher)
    assert "Museumsentwurf" not in text(client.get("/editor/rallies"))
    assert client.get(f"/editor/rallies/{rally.id}").status_code == 404


# --- Crawl -----------------------------------------------------------------------------

def test_crawler_finds_no_server_error_on_editor_pages(editor_client, make_rally):
    every_type = ["info", "single_choice", "multiple_choice", "text", "number", "order", "match", "photo",
                  "audio", "video", "location", "survey"]
    make_rally(stations=[{"unlock_mode": "qr", "tasks": every_type[:6]},
                         {"unlock_mode": "location", "tasks": every_type[6:]}, {"tasks": []}])
    draft_rally(make_rally)

    visited = crawl(editor_client)

    errors = {url: status for url, status in visited.items() if status >= 500}
    assert not errors
    assert len(visited) > 20
    assert any(url.startswith("/editor/tasks/") for url in visited)


def test_export_and_import_a_rally_through_the_pages(editor_client, db, make_rally, institution):
    pytest.importorskip("rallies.exchange")
    from rallies.models import Rally

    rally = draft_rally(make_rally, title="Zum Mitnehmen", stations=[{"unlock_mode": "qr", "tasks": ["match", "number"]}])
    exported = editor_client.get(f"/editor/rallies/{rally.id}/export.zip")
    assert exported.status_code == 200 and exported.data.startswith(b"PK")

    imported = editor_client.post("/editor/rallies/import", data={
        "institution_id": institution.id, "file": (io.BytesIO(exported.data), "rallye.zip")},
        content_type="multipart/form-data")
    assert imported.status_code == 302, text(imported)
    copies = db.session.scalars(db.select(Rally).filter_by(title="Zum Mitnehmen")).all()
    assert len(copies) == 2
    assert [t.type for t in copies[1].stations[0].tasks] == ["match", "number"]

    broken = editor_client.post("/editor/rallies/import", data={
        "institution_id": institution.id, "file": (io.BytesIO(b"not a zip"), "x.zip")}, content_type="multipart/form-data")
    assert broken.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Rally.id))) == 2


def test_stations_and_tasks_are_deleted(editor_client, db, make_rally):
    rally = draft_rally(make_rally, stations=[{"tasks": ["text", "number"]}, {"tasks": []}])
    first, second = rally.stations
    text_task = first.tasks[0]

    assert editor_client.post(f"/editor/tasks/{text_task.id}/delete").status_code == 302
    assert editor_client.post(f"/editor/stations/{second.id}/delete").status_code == 302
    db.session.expire_all()
    assert [s.id for s in rally.stations] == [first.id] and [t.type for t in first.tasks] == ["number"]
