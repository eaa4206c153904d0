"""The whole path through the real pages in Chromium against a live server (SQLite).

An editor builds a rally with a QR and a location station and publishes it, a teacher
starts a class run, a pupil plays it on a phone with emulated geolocation, answers two
tasks offline and comes back online; the server holds every answer exactly once and the
teacher's XLSX download shows the team's points. Only the accounts, the institution and
the school are made in the database; everything else goes through the pages.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "correct horse battery"
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "has_touch": False, "device_scale_factor": 1}
PLACE = {"lat": 52.5200, "lon": 13.4050}
NEAR_PLACE = {"latitude": 52.52003, "longitude": 13.40504, "accuracy": 8}
RALLY = "Rund um den Marktplatz"
TEAM = "Die Durchreisenden"


def _accounts():
    """Institution, school, editor and teacher, made through the services as the office would."""
    from rallies import accounts, directory
    from rallies.db import db

    institution = directory.create_institution(actor=None, name="Stadtmuseum Beispielstadt", kind="museum",
                                               municipal=True, region="Mitte", address="Museumsweg 1",
                                               lat=52.52, lon=13.40)
    school = directory.create_school(actor=None, name="Gesamtschule Am Park", region="Mitte",
                                     address="Parkstraße 1")
    accounts.create_user(email="editor@example.org", password=PASSWORD, role="editor", display_name="Editor",
                         institution_ids=[institution.id], school_ids=[])
    accounts.create_user(email="teacher@example.org", password=PASSWORD, role="teacher", display_name="Teacher",
                         institution_ids=[], school_ids=[school.id])
    db.session.commit()


def _desktop(phone):
    context = phone(**DESKTOP)
    # The editor's map asks OpenStreetMap for tiles; the test never waits on the network.
    context.route("**/*.tile.openstreetmap.org/**", lambda route: route.abort())
    return context.new_page()


def _log_in(page, live_server, email: str) -> None:
    from playwright.sync_api import expect

    page.goto(live_server("/login"))
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Anmelden")).to_have_count(0)


def _db_rows(model, **filters):
    from rallies.db import db

    db.session.expire_all()
    rows = db.session.scalars(db.select(model).filter_by(**filters)).all()
    db.session.rollback()
    return rows


def _add_single_choice(page, prompt: str, options: list[str], correct: int, points: int) -> None:
    """On a station page: a single-choice task through the task form, then back to the station."""
    from playwright.sync_api import expect

    page.get_by_label("Aufgabentyp").select_option("single_choice")
    page.get_by_role("button", name="Aufgabe hinzufügen").click()
    expect(page.get_by_role("heading", name="Neue Aufgabe: Einfachauswahl")).to_be_visible()
    page.get_by_label("Aufgabentext (Markdown)").fill(prompt)
    for index, text in enumerate(options):
        page.get_by_label(f"Option {index + 1}", exact=True).fill(text)
    page.locator(f'input[name="correct"][value="{correct}"]').check()
    page.get_by_label("Punkte", exact=True).fill(str(points))
    page.get_by_role("button", name="Aufgabe anlegen").click()
    expect(page.get_by_text("Aufgabe gespeichert.")).to_be_visible()
    expect(page.locator(".preview-card")).to_contain_text(options[0])  # how the pupils will see it
    page.get_by_role("link", name="Zurück").click()


def _add_station(page, title: str, unlock: str, place: dict | None = None) -> None:
    from playwright.sync_api import expect

    page.get_by_text("Station hinzufügen").click()
    page.get_by_label("Titel der Station", exact=True).fill(title)
    page.get_by_label("Freischalten").select_option(unlock)
    if place:
        page.get_by_label("Breite", exact=True).fill(str(place["lat"]))
        page.get_by_label("Länge", exact=True).fill(str(place["lon"]))
        page.get_by_label("Radius in Metern").fill(str(place["radius_m"]))
    page.get_by_role("button", name="Station anlegen").click()
    expect(page.get_by_role("heading", name=f": {title}")).to_be_visible()


def test_editor_builds_teacher_runs_pupil_plays_offline_and_the_xlsx_has_the_points(live_server, phone):
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    from rallies.models import Answer, ClassRun, Rally, Station, Task, Team

    _accounts()

    # 1. The editor builds the rally and publishes it for everyone.
    editor = _desktop(phone)
    _log_in(editor, live_server, "editor@example.org")
    editor.goto(live_server("/editor/rallies"))
    editor.get_by_label("Titel", exact=True).fill(RALLY)
    editor.get_by_label("Thema", exact=True).fill("Stadtgeschichte")
    editor.get_by_label("Von wem, für wen, worüber").fill("Stadtmuseum, für Klassen 5–7, über den Marktplatz")
    editor.get_by_role("button", name="Anlegen").click()
    expect(editor.get_by_text("Rallye angelegt.")).to_be_visible()
    assert editor.url.endswith("/studio")  # a new rally opens in the studio; this flow takes the classic forms
    rally_url = editor.url.removesuffix("/studio")
    editor.goto(rally_url)

    _add_station(editor, "Rathaus", "qr")
    _add_single_choice(editor, "Welche Farbe hat das Rathausdach?", ["Grün", "Rot"], correct=0, points=10)
    editor.goto(rally_url)
    _add_station(editor, "Brunnen", "location", {**PLACE, "radius_m": 100})
    _add_single_choice(editor, "Wie viele Figuren hat der Brunnen?", ["Zwölf", "Sieben"], correct=0, points=5)
    _add_single_choice(editor, "Woraus ist der Brunnen?", ["Sandstein", "Marmor"], correct=0, points=3)
    expect(editor.locator("ol.task-list > li")).to_have_count(2)

    editor.goto(rally_url)
    expect(editor.locator("ol.station-list > li")).to_have_count(2)
    editor.get_by_label("Veröffentlichen für").select_option("public")
    editor.get_by_role("button", name="Veröffentlichen").click()
    expect(editor.get_by_text("Veröffentlicht als Version 1")).to_be_visible()
    expect(editor.locator(".status-card")).to_contain_text("öffentlich")

    (rally,) = _db_rows(Rally, title=RALLY)
    stations = {s.title: s for s in _db_rows(Station, rally_id=rally.id)}
    qr_station, place_station = stations["Rathaus"], stations["Brunnen"]
    assert qr_station.unlock_mode == "qr" and qr_station.qr_token
    assert (place_station.unlock_mode, place_station.lat, place_station.lon, place_station.radius_m) == (
        "location", PLACE["lat"], PLACE["lon"], 100)
    tasks = {t.prompt_md: t for s in stations.values() for t in _db_rows(Task, station_id=s.id)}
    colour = tasks["Welche Farbe hat das Rathausdach?"]
    figures = tasks["Wie viele Figuren hat der Brunnen?"]
    stone = tasks["Woraus ist der Brunnen?"]

    # 2. The teacher starts a class run open now (Berlin wall-clock time) and reads the code.
    teacher = _desktop(phone)
    _log_in(teacher, live_server, "teacher@example.org")
    teacher.goto(live_server("/teacher/rallies"))
    card = teacher.locator("li.rally", has_text=RALLY)
    card.get_by_role("link", name="Mit Klasse starten").click()
    expect(teacher).to_have_url(live_server(f"/teacher/runs/new?rally={rally.id}"))
    now = dt.datetime.now(ZoneInfo("Europe/Berlin")).replace(second=0, microsecond=0)
    # The planning form (the page also offers "Jetzt starten" with its own class field).
    plan = teacher.locator("form", has=teacher.get_by_role("button", name="Lauf anlegen"))
    plan.locator("input[name=class_label]").fill("7b")  # both forms label theirs id="class_label"
    plan.get_by_label("Beginn (Ortszeit Berlin)").fill((now - dt.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"))
    plan.get_by_label("Ende (Ortszeit Berlin)").fill((now + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    plan.get_by_role("button", name="Lauf anlegen").click()
    expect(teacher.locator("h1")).to_contain_text("läuft")
    code = teacher.locator(".join-code").inner_text().strip()
    run_url = teacher.url
    (run,) = _db_rows(ClassRun, join_code=code)
    assert run.rally_id == rally.id

    # 3. A pupil joins on a phone near the fountain.
    context = phone(geolocation=NEAR_PLACE, permissions=["geolocation"])
    pupil = context.new_page()
    errors, sent = [], []
    pupil.on("pageerror", lambda error: errors.append(str(error)))
    pupil.on("request", lambda request: sent.extend(
        item["id"] for item in json.loads(request.post_data)["answers"])
        if request.method == "POST" and request.url.endswith("/api/v1/team/answers") else None)

    pupil.goto(live_server(f"/join/{code}"))
    expect(pupil.get_by_label("Code", exact=True)).to_have_value(code)
    pupil.get_by_label("Teamname").fill(TEAM)
    pupil.get_by_role("button", name="Beitreten").click()
    station_rows = pupil.locator("ol.stations > li")
    expect(pupil.get_by_role("heading", name=RALLY)).to_be_visible()
    expect(station_rows).to_have_count(2)
    expect(station_rows.nth(0)).to_contain_text("Gesperrt")
    expect(station_rows.nth(1)).to_contain_text("Gesperrt")

    # The QR station, opened by typing the code printed under its QR code.
    station_rows.nth(0).get_by_role("link").click()
    pupil.get_by_label("Code eintippen").fill(qr_station.qr_token)
    pupil.get_by_role("button", name="Code senden").click()
    expect(pupil.get_by_role("heading", name="Rathaus")).to_be_visible()
    pupil.get_by_label("Grün").check()
    pupil.get_by_role("button", name="Antwort senden").click()
    expect(pupil.locator(f"#task-{colour.id} .result")).to_contain_text("Richtig")

    # The location station: the emulated position is inside its radius.
    pupil.get_by_role("link", name="Alle Stationen").click()
    station_rows.nth(1).get_by_role("link").click()
    expect(pupil.locator(".distance")).to_contain_text("Ihr seid da")
    pupil.get_by_role("button", name="Ich bin da").click()
    expect(pupil.get_by_role("heading", name="Brunnen")).to_be_visible()
    expect(pupil.locator("article.task")).to_have_count(2)

    # Offline: two answers (one right, one wrong) wait in the outbox.
    pupil.get_by_role("link", name="Alle Stationen").click()
    context.set_offline(True)
    expect(pupil.locator("#sync-status")).to_contain_text("Offline")
    station_rows.nth(1).get_by_role("link").click()
    pupil.get_by_label("Zwölf").check()
    pupil.locator(f"#task-{figures.id}").get_by_role("button", name="Antwort senden").click()
    expect(pupil.locator(f"#task-{figures.id} .result")).to_contain_text("sobald Netz da ist")
    pupil.get_by_label("Marmor").check()
    pupil.locator(f"#task-{stone.id}").get_by_role("button", name="Antwort senden").click()
    expect(pupil.locator(f"#task-{stone.id} .result")).to_contain_text("sobald Netz da ist")
    pupil.get_by_role("link", name="Alle Stationen").click()
    expect(pupil.locator("#sync-status")).to_contain_text("2 Einträge warten")
    (team,) = _db_rows(Team, class_run_id=run.id)
    assert len(_db_rows(Answer, team_id=team.id)) == 1

    # Back online: the outbox drains.
    context.set_offline(False)
    expect(pupil.locator("#sync-status")).to_contain_text("Alles übertragen", timeout=20_000)

    # 4. The server has each answer exactly once, under the client ids the phone sent.
    rows = _db_rows(Answer, team_id=team.id)
    assert sorted(row.task_id for row in rows) == sorted([colour.id, figures.id, stone.id])
    assert sorted(row.client_id for row in rows) == sorted(set(sent))
    verdict = {row.task_id: row.correct for row in rows}
    assert verdict == {colour.id: True, figures.id: True, stone.id: False}
    score = sum(row.points or 0 for row in rows if row.correct)
    assert score == 15
    assert errors == []

    # 5. The teacher downloads the results as XLSX; the Teams sheet has the team and its points.
    teacher.goto(run_url)
    teacher.get_by_role("link", name="Ergebnisse").first.click()
    expect(teacher.locator("table.ranking")).to_contain_text(TEAM)
    with teacher.expect_download() as info:
        teacher.get_by_role("link", name="Excel (XLSX)").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as file:  # the saved download has no .xlsx suffix
        workbook = load_workbook(file, read_only=True)
        header, *lines = [list(line) for line in workbook["Teams"].iter_rows(values_only=True)]
    assert len(lines) == 1
    line = dict(zip(header, lines[0]))
    assert line["Team"] == TEAM
    assert line["Punkte"] == score  # the teacher reads German: headings in her language
    assert line["Höchstpunktzahl"] == 18
