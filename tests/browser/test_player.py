"""The web player in real Chromium on a phone-sized screen: join, scan, check in, answer,
lose the network, come back, and every answer is stored exactly once."""

from __future__ import annotations

import json

import pytest

from tests.support.screenshots import docs_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NEAR_SQUARE = {"latitude": 52.52003, "longitude": 13.40504, "accuracy": 8}


def watch(page) -> dict:
    """Collect uncaught script errors and the client ids of every answer the page sends."""
    seen = {"errors": [], "answer_ids": []}
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))

    def on_request(request):
        if request.method == "POST" and request.url.endswith("/api/v1/team/answers"):
            seen["answer_ids"].extend(item["id"] for item in json.loads(request.post_data)["answers"])

    page.on("request", on_request)
    return seen


UNLABELLED_CONTROLS = """() => [...document.querySelectorAll('#player input, #player select, #player textarea, #player button')]
  .filter((el) => el.offsetParent !== null)
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                  && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map((el) => el.outerHTML)"""

MEDIA_CACHED = """async (count) => {
  const cache = await caches.open("rallye-media");
  return (await cache.keys()).length >= count;
}"""


def stored_answers(team_name: str):
    from rallies.db import db
    from rallies.models import Answer, Team

    db.session.expire_all()
    team = db.session.scalar(db.select(Team).filter_by(name=team_name))
    rows = db.session.scalars(db.select(Answer).filter_by(team_id=team.id)).all() if team else []
    db.session.rollback()
    return rows


def join(page, code: str, team_name: str) -> None:
    page.get_by_label("Teamname").fill(team_name)
    if not page.get_by_label("Code", exact=True).input_value():
        page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Beitreten").click()


def test_pupil_plays_on_a_phone_goes_offline_and_every_answer_is_stored_once(live_server, class_run, phone):
    from playwright.sync_api import expect

    context = phone(geolocation=NEAR_SQUARE, permissions=["geolocation"])
    page = context.new_page()
    seen = watch(page)
    code = class_run.run.join_code
    tasks = class_run.tasks

    page.goto(live_server(f"/join/{code}"))
    expect(page.get_by_label("Code", exact=True)).to_have_value(code)
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    join(page, code, "Die Entdecker")

    stations = page.locator("ol.stations > li")
    expect(stations).to_have_count(4)
    expect(page.get_by_role("heading", name="Bilder der Stadt")).to_be_visible()
    expect(stations.nth(0)).to_contain_text("Offen")
    expect(stations.nth(1)).to_contain_text("Gesperrt")
    expect(stations.nth(2)).to_contain_text("Gesperrt")
    expect(page.locator("#sync-status")).to_contain_text("Online")
    expect(page.locator(".score-line")).to_contain_text("Punkte: 0 von 50")
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    docs_screenshot(page, "player-stations.png")

    # An open station: a single-choice answer, judged by the server.
    stations.nth(0).get_by_role("link").click()
    expect(page.get_by_role("heading", name="Eingang")).to_be_visible()
    page.get_by_label("Rembrandt").check()
    page.get_by_role("button", name="Antwort senden").click()
    painter = page.locator(f"#task-{tasks['painter'].id}")
    expect(painter.locator(".result")).to_contain_text("Richtig")
    expect(painter.locator(".result")).to_contain_text("Punkte: 10")
    docs_screenshot(page, "player-task.png")

    # A QR station, opened by typing its code.
    page.get_by_role("link", name="Alle Stationen").click()
    stations.nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", name="Gesperrt")).to_be_visible()
    page.get_by_label("Code eintippen").fill(class_run.stations["gallery"].qr_token)
    page.get_by_role("button", name="Code senden").click()
    expect(page.get_by_role("heading", name="Gemäldesaal")).to_be_visible()
    page.get_by_label("Rot").check()
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.locator(f"#task-{tasks['colour'].id} .result")).to_contain_text("Richtig")

    # A location station: the emulated position is inside its radius.
    page.get_by_role("link", name="Alle Stationen").click()
    stations.nth(2).get_by_role("link").click()
    expect(page.locator(".distance")).to_contain_text("Ihr seid da")
    page.get_by_role("button", name="Ich bin da").click()
    page.get_by_label("Zahl").fill("12")
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.locator(f"#task-{tasks['fountain'].id} .result")).to_contain_text("Richtig")
    assert len(stored_answers("Die Entdecker")) == 3

    # Offline: two answers wait in the outbox.
    page.get_by_role("link", name="Alle Stationen").click()
    context.set_offline(True)
    expect(page.locator("#sync-status")).to_contain_text("Offline")
    stations.nth(3).get_by_role("link").click()
    page.get_by_label("Deine Antwort").fill("pinsel")
    page.get_by_role("button", name="Antwort senden").first.click()
    expect(page.locator(f"#task-{tasks['tool'].id} .result")).to_contain_text("sobald Netz da ist")
    # Without offline feedback the phone cannot know: saved and being checked, never "done".
    expect(page.locator(f"#task-{tasks['tool'].id} .result")).to_contain_text("Gespeichert – wird geprüft")
    expect(page.locator(f"#task-{tasks['tool'].id}")).not_to_contain_text("erledigt")
    page.get_by_label("Zahl").fill("1882")
    page.locator(f"#task-{tasks['year'].id}").get_by_role("button", name="Antwort senden").click()
    expect(page.locator(f"#task-{tasks['year'].id} .result")).to_contain_text("sobald Netz da ist")
    page.get_by_role("link", name="Alle Stationen").click()
    expect(page.locator("#sync-status")).to_contain_text("2 Einträge warten")
    expect(stations.nth(3)).to_contain_text("0/2 Aufgaben")
    expect(stations.nth(3)).to_contain_text("Wird geprüft")
    expect(stations.nth(3)).not_to_contain_text("Erledigt")
    assert len(stored_answers("Die Entdecker")) == 3

    # Back online: the outbox drains, and the server holds every answer exactly once.
    context.set_offline(False)
    expect(page.locator("#sync-status")).to_contain_text("Alles übertragen", timeout=20_000)
    expect(stations.nth(3)).to_contain_text("Erledigt")
    rows = stored_answers("Die Entdecker")
    by_task = sorted(row.task_id for row in rows)
    assert by_task == sorted(task.id for task in tasks.values())
    assert sorted(row.client_id for row in rows) == sorted(set(seen["answer_ids"]))
    assert len({row.client_id for row in rows}) == len(rows) == 5
    assert {row.task_id: row.correct for row in rows}[tasks["tool"].id] is True
    assert seen["errors"] == []


def test_scan_link_before_joining_then_the_rally_survives_an_offline_reload(live_server, class_run, phone):
    from playwright.sync_api import expect

    from rallies.db import db
    from rallies.models import Scan

    context = phone()
    page = context.new_page()
    seen = watch(page)
    gallery = class_run.stations["gallery"]

    page.goto(live_server(f"/q/{gallery.qr_token}"))
    expect(page.get_by_text("Ihr habt einen Stations-Code gescannt")).to_be_visible()
    join(page, class_run.run.join_code.lower(), "Team Quelle")
    expect(page.get_by_role("heading", name="Gemäldesaal")).to_be_visible()
    expect(page.get_by_label("Rot")).to_be_visible()
    db.session.expire_all()
    scans = db.session.scalars(db.select(Scan).filter_by(station_id=gallery.id)).all()
    db.session.rollback()
    assert len(scans) == 1

    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.wait_for_function(MEDIA_CACHED, arg=1)

    # Online, a reload revalidates the bundle: the server answers 304 to its ETag.
    bundle_statuses = []
    page.on("response", lambda r: "/bundle" in r.url and bundle_statuses.append(r.status))
    page.reload()
    expect(page.get_by_role("heading", name="Gemäldesaal")).to_be_visible()
    assert bundle_statuses == [304]

    # Offline, the service worker serves the app, the bundle and the media from the phone.
    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="Gemäldesaal")).to_be_visible()
    expect(page.get_by_label("Rot")).to_be_visible()
    page.get_by_role("link", name="Alle Stationen").click()
    expect(page.locator("ol.stations > li")).to_have_count(4)
    expect(page.locator("#sync-status")).to_contain_text("Offline")
    page.get_by_role("link", name="Eingang").click()
    picture = page.get_by_role("img", name="Die Eingangshalle mit der großen Treppe")
    expect(picture).to_be_visible()
    expect(page.get_by_text("Die Eingangshalle mit der großen Treppe", exact=True)).to_be_visible()  # the caption
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    assert seen["errors"] == []


def tiny_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "#3a7").save(buffer, "PNG")
    return buffer.getvalue()


def test_every_task_type_is_labelled_keyboard_usable_and_answered_once(live_server, every_type_run, phone):
    from playwright.sync_api import expect

    from rallies.db import db
    from rallies.models import Upload

    target = {"latitude": 52.5163, "longitude": 13.3777, "accuracy": 5}
    context = phone(geolocation=target, permissions=["geolocation"])
    page = context.new_page()
    seen = watch(page)
    tasks = every_type_run.tasks

    page.goto(live_server("/play"))
    join(page, every_type_run.run.join_code, "Alle Typen")
    page.get_by_role("link", name="Alles auf einmal").click()
    expect(page.locator("article.task")).to_have_count(len(tasks))
    assert page.evaluate(UNLABELLED_CONTROLS) == []

    def card(kind):
        return page.locator(f"#task-{tasks[kind].id}")

    def submit(kind):
        card(kind).get_by_role("button", name="Antwort senden").click()

    card("info").get_by_role("button", name="Gelesen").click()
    card("single_choice").get_by_label("Vermeer").check()
    submit("single_choice")
    # Offline feedback: the phone judges at once, the server agrees; a wrong answer may be retried.
    expect(card("single_choice").locator(".result")).to_contain_text("Leider falsch")
    card("single_choice").get_by_label("Rembrandt").check()
    submit("single_choice")
    expect(card("single_choice").locator(".result")).to_contain_text("Richtig")
    card("multiple_choice").get_by_label("Öl").check()
    card("multiple_choice").get_by_label("Tempera").check()
    submit("multiple_choice")
    card("text").get_by_label("Deine Antwort").fill("Nachtwache")
    submit("text")
    card("number").get_by_label("Zahl").fill("1642")
    submit("number")

    # Ordering with the keyboard only: the up buttons keep focus on the moved item.
    for position, option_id in enumerate(["x", "y", "z"]):
        while True:
            ids = card("order").locator("ol.order-list > li").evaluate_all("(items) => items.map((li) => li.dataset.id)")
            if ids.index(option_id) <= position:
                break
            up = card("order").locator(f'li[data-id="{option_id}"] button[data-dir="up"]')
            up.focus()
            page.keyboard.press("Enter")
            if ids.index(option_id) - 1 > 0:
                expect(card("order").locator(f'li[data-id="{option_id}"] button[data-dir="up"]')).to_be_focused()
    submit("order")

    card("match").get_by_label("Hund").select_option(label="bellt")
    card("match").get_by_label("Katze").select_option(label="miaut")
    submit("match")
    card("photo").get_by_label("Foto aufnehmen").set_input_files(
        {"name": "foto.png", "mimeType": "image/png", "buffer": tiny_png()})
    expect(card("photo").locator(".preview img")).to_have_attribute("alt", "Vorschau eures Fotos")
    submit("photo")
    card("location").get_by_role("button", name="Ich bin da").click()
    card("survey").get_by_label("Deine Bewertung").fill("4")
    submit("survey")

    answered = ["info", "single_choice", "multiple_choice", "text", "number", "order", "match", "photo",
                "location", "survey"]
    for kind in answered:
        expect(card(kind).locator(".result")).not_to_contain_text("Wird gesendet", timeout=15_000)
    expect(card("photo").locator(".result")).to_contain_text("Lehrkraft")
    expect(card("survey").locator(".result")).to_contain_text("Danke")
    for kind in ("multiple_choice", "text", "number", "order", "match", "location"):
        expect(card(kind).locator(".result")).to_contain_text("Richtig")
    page.get_by_role("link", name="Alle Stationen").click()
    expect(page.locator("#sync-status")).to_contain_text("Alles übertragen")

    rows = stored_answers("Alle Typen")
    assert sorted(row.client_id for row in rows) == sorted(set(seen["answer_ids"]))
    per_task = {}
    for row in rows:
        per_task[row.task_id] = per_task.get(row.task_id, 0) + 1
    assert per_task == {tasks[kind].id: (2 if kind == "single_choice" else 1) for kind in answered}
    db.session.expire_all()
    uploads = db.session.scalars(db.select(Upload).filter_by(task_id=tasks["photo"].id)).all()
    db.session.rollback()
    assert len(uploads) == 1
    photo_answer = next(row for row in rows if row.task_id == tasks["photo"].id)
    assert photo_answer.value == uploads[0].id

    # Finishing is queued like everything else and confirmed on screen.
    page.get_by_role("button", name="Rallye beenden").click()
    page.get_by_role("button", name="Ja, beenden").click()
    expect(page.get_by_text("Ihr habt die Rallye beendet")).to_be_visible()

    # Leaving forgets the team on this phone.
    page.get_by_role("button", name="Team verlassen").click()
    page.get_by_role("button", name="Ja, verlassen").click()
    expect(page.get_by_role("heading", name="Mitmachen")).to_be_visible()
    assert page.evaluate("localStorage.getItem('rallye.session')") is None
    assert seen["errors"] == []


def test_the_camera_reads_a_station_code_and_opens_the_station(live_server, class_run, phone, camera_qr_token):
    from playwright.sync_api import expect

    from rallies.db import db

    gallery = class_run.stations["gallery"]
    gallery.qr_token = camera_qr_token  # what the fake camera shows
    db.session.commit()
    context = phone(permissions=["camera"])
    page = context.new_page()
    seen = watch(page)
    page.goto(live_server(f"/join/{class_run.run.join_code}"))
    join(page, class_run.run.join_code, "Die Kamera")
    page.get_by_role("link", name="QR-Code scannen").click()
    # Linux Chromium has no BarcodeDetector, so this reads the video frames with the vendored jsQR.
    decoder = page.evaluate("'BarcodeDetector' in window ? 'native' : 'jsqr'")
    page.get_by_role("button", name="Kamera starten").click()
    expect(page.get_by_role("heading", name="Gemäldesaal")).to_be_visible(timeout=20_000)
    expect(page.get_by_label("Rot")).to_be_visible()
    assert page.evaluate("document.querySelectorAll('video.scanner-video').length") == 0
    if decoder == "jsqr":
        assert page.evaluate("typeof window.jsQR") == "function"
    assert seen["errors"] == []


def test_a_lost_response_and_a_server_error_are_retried_and_counted_once(live_server, class_run, phone):
    from playwright.sync_api import expect

    context = phone()
    page = context.new_page()
    seen = watch(page)
    calls = []

    def flaky(route):
        calls.append(route.request.post_data)
        if len(calls) == 1:
            route.fetch()  # the server stores the answer …
            route.abort("connectionreset")  # … but the phone never hears back
        elif len(calls) == 2:
            route.fulfill(status=503, content_type="application/problem+json",
                          body=json.dumps({"type": "/api/v1/problems/internal_error", "title": "Unavailable",
                                           "status": 503, "code": "internal_error"}))
        else:
            route.continue_()

    page.route("**/api/v1/team/answers", flaky)
    page.goto(live_server(f"/join/{class_run.run.join_code}"))
    join(page, class_run.run.join_code, "Die Geduldigen")
    page.get_by_role("link", name="Eingang").click()
    page.get_by_label("Rembrandt").check()
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.locator(".result")).to_contain_text("Wird gesendet")
    expect(page.locator(".result")).to_contain_text("Richtig", timeout=20_000)
    assert len(calls) == 3 and len(set(calls)) == 1  # the same item, client id and all, each time
    rows = stored_answers("Die Geduldigen")
    assert len(rows) == 1 and rows[0].client_id == seen["answer_ids"][0]
    assert seen["errors"] == []
