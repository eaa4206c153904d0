"""The pupil's phone in five languages, with a way to every place: Chromium at 390×844 with an
emulated position, checked by axe-core, by element positions (Arabic right to left) and by
computed contrast where axe cannot see (text over the progress bar)."""

from __future__ import annotations

import json
import pathlib

import pytest

from tests.browser.conftest import PlayData, _open_run, _people, _task
from tests.support.screenshots import docs_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LANGUAGES = ("de", "en", "tr", "uk", "ar")
PLAYER_I18N = pathlib.Path(__file__).resolve().parents[2] / "server" / "static" / "player" / "i18n"
MARKET = {"lat": 52.5200, "lon": 13.4050}
FOUNTAIN = {"lat": 52.5218, "lon": 13.4083}
TOWN_HALL = {"lat": 52.5181, "lon": 13.4079}


def texts(code: str) -> dict:
    return json.loads((PLAYER_I18N / f"{code}.json").read_text(encoding="utf-8"))


def watch(page) -> list:
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def town_run(live_server):
    """A town rally: an open station, a QR station and three location stations, in a class run."""
    from rallies import authoring, publishing

    institution, school, editor, teacher = _people()
    rally = authoring.create_rally(
        institution, actor=editor, title="Rund um den Markt", theme="Stadtgeschichte",
        about="Stadtmuseum, für Klassen 5–7, über den Markt", language="de", age_min=10, age_max=14,
        description_md="Vom Museum über den Markt zum Rathaus.",
        settings={"station_order": "free", "show_points": True, "show_solutions": True, "offline_feedback": True})
    stations, tasks = {}, {}
    stations["entrance"] = authoring.add_station(rally, actor=editor, title="Eingang", body_md="Willkommen!")
    tasks["painter"] = _task(authoring, stations["entrance"], editor, "single_choice", "Wer malte die *Nachtwache*?",
                             {"options": [{"id": "a", "text": "Rembrandt", "correct": True},
                                          {"id": "b", "text": "Vermeer"}]})
    tasks["order"] = _task(authoring, stations["entrance"], editor, "order", "Bringt die Zeiten in die Reihenfolge.",
                           {"options": [{"id": "x", "text": "Mittelalter"}, {"id": "y", "text": "Barock"},
                                        {"id": "z", "text": "Moderne"}]})
    stations["gallery"] = authoring.add_station(rally, actor=editor, title="Gemäldesaal", unlock_mode="qr",
                                                body_md="Sucht das größte Bild.")
    tasks["colour"] = _task(authoring, stations["gallery"], editor, "text", "Welche Farbe hat der Mantel?",
                            {"accepted_answers": ["Rot"], "max_typos": 0})
    stations["market"] = authoring.add_station(rally, actor=editor, title="Marktplatz", unlock_mode="location",
                                               radius_m=60, **MARKET, body_md="Schaut euch den Brunnen an.")
    tasks["figures"] = _task(authoring, stations["market"], editor, "number", "Wie viele Figuren?",
                             {"value": 12, "tolerance": 0})
    stations["fountain"] = authoring.add_station(rally, actor=editor, title="Neptunbrunnen", unlock_mode="location",
                                                 radius_m=40, **FOUNTAIN)
    stations["hall"] = authoring.add_station(rally, actor=editor, title="Rathaus", unlock_mode="location",
                                             radius_m=50, **TOWN_HALL)
    stations["stairs"] = authoring.add_station(rally, actor=editor, title="Treppenhaus")  # no text, no pictures
    tasks["read"] = _task(authoring, stations["stairs"], editor, "info", "Lest das Schild an der Treppe.", {})
    publishing.publish(rally, actor=editor, visibility="partners")
    return PlayData(rally=rally, run=_open_run(rally, school, teacher), stations=stations, tasks=tasks)


def join(page, live_server, run, team: str, lang: str = "de") -> None:
    page.goto(live_server(f"/join/{run.join_code}"))
    page.locator(f'.lang-button[lang="{lang}"]').click()
    page.locator(f'.lang-button[lang="{lang}"][aria-pressed="true"]').wait_for()
    page.locator('input[name="team_name"]').fill(team)
    page.locator('form button[type="submit"]').click()
    page.locator("ol.stations").wait_for()


AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" ")) }));
}"""


def axe_violations(page) -> list:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url="/static/vendor/axe/axe.min.js")
    return page.evaluate(AXE)


CONTRAST = """() => {
  const rgb = (c) => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const text = rgb(getComputedStyle(document.querySelector(".progress-text")).color);
  const fill = rgb(getComputedStyle(document.querySelector(".progress-fill")).backgroundColor);
  const track = rgb(getComputedStyle(document.querySelector(".progress")).backgroundColor);
  return { onFill: ratio(text, fill), onTrack: ratio(text, track) };
}"""


def test_a_walk_turns_the_arrow_and_shrinks_the_distance_until_the_check_in_unlocks(live_server, town_run, phone):
    from playwright.sync_api import expect

    start = {"latitude": 52.5150, "longitude": 13.3990, "accuracy": 12}
    context = phone(geolocation=start, permissions=["geolocation"])
    page = context.new_page()
    errors = watch(page)
    join(page, live_server, town_run.run, "Die Wanderer")
    page.get_by_role("link", name="Marktplatz").click()
    way = page.locator(".wayfinder")
    checkin = page.get_by_role("button", name="Ich bin da")

    def reading():
        page.wait_for_function("(el) => el.dataset.distance !== undefined", arg=way.element_handle())
        return float(way.get_attribute("data-distance")), float(way.get_attribute("data-rotation"))

    # Far south-west: the arrow points north-east, "Ich bin da" waits, and the fix's accuracy shows.
    distance1, rotation1 = reading()
    assert 600 < distance1 < 800 and 30 < rotation1 < 60
    expect(page.locator(".way-detail")).to_contain_text("Genauigkeit ±12 m")
    expect(page.locator(".way-detail")).to_contain_text("Nordosten")
    expect(checkin).to_be_disabled()
    docs_screenshot(page, "player-arrow-de.png")

    # Straight south of the market: the arrow turns to north, the distance shrinks.
    context.set_geolocation({"latitude": 52.5170, "longitude": 13.4050, "accuracy": 10})
    page.wait_for_function(f"(el) => Number(el.dataset.distance) < {distance1 - 200}", arg=way.element_handle())
    distance2, rotation2 = reading()
    assert 300 < distance2 < 360 and (rotation2 < 3 or rotation2 > 357)
    expect(checkin).to_be_disabled()

    # A phone with a compass turned to face east: the arrow points to its left (north).
    page.evaluate("""() => window.dispatchEvent(Object.assign(new Event("deviceorientationabsolute"),
                     { alpha: 270, beta: 0, gamma: 0, absolute: true }))""")
    page.wait_for_function("(el) => el.dataset.heading === '90.0'", arg=way.element_handle())
    assert abs(float(way.get_attribute("data-rotation")) - 270) < 3
    expect(page.locator(".compass-note")).to_contain_text("Kompass an")

    # At the market: inside the radius, "Ich bin da" sends the check-in and the station opens.
    context.set_geolocation({"latitude": 52.51985, "longitude": 13.40502, "accuracy": 6})
    page.wait_for_function("(el) => el.dataset.state === 'inside'", arg=way.element_handle())
    assert float(way.get_attribute("data-distance")) < 30
    expect(page.locator(".distance")).to_have_text("Ihr seid da!")
    expect(checkin).to_be_enabled()
    checkin.click()
    expect(page.get_by_label("Zahl")).to_be_visible()

    from rallies.db import db
    from rallies.models import Checkin

    db.session.expire_all()
    rows = db.session.scalars(db.select(Checkin).filter_by(station_id=town_run.stations["market"].id)).all()
    db.session.rollback()
    assert len(rows) == 1
    assert errors == []


def test_the_map_shows_every_place_to_scale_offline_and_with_tiles_when_they_load(live_server, town_run, phone):
    from playwright.sync_api import expect

    context = phone(geolocation={"latitude": 52.5190, "longitude": 13.4040, "accuracy": 15}, permissions=["geolocation"])
    page = context.new_page()
    errors = watch(page)
    tiles = []
    context.route("https://*.tile.openstreetmap.org/**", lambda route: route.abort())
    join(page, live_server, town_run.run, "Die Kartenleser")
    page.get_by_role("link", name="Karte", exact=True).click()
    holder = page.locator(".map-holder")
    expect(holder).to_have_attribute("data-mode", "plan", timeout=8000)
    expect(page.locator(".svg-map .map-station")).to_have_count(3)
    expect(page.locator(".svg-map .map-me")).to_have_count(1)
    assert int(page.locator(".map-scale").get_attribute("data-metres")) in (100, 200, 500)
    expect(page.locator(".map-north")).to_have_count(1)

    # Drawn to scale: the pixel distances between pins keep the ground distances' proportions.
    pins = {int(a.get_attribute("data-station")): a.locator(".map-pin").bounding_box() for a in
            page.locator(".svg-map .map-station").all()}
    ids = town_run.stations

    def px(a, b):
        pa, pb = pins[ids[a].id], pins[ids[b].id]
        return ((pa["x"] - pb["x"]) ** 2 + (pa["y"] - pb["y"]) ** 2) ** 0.5

    ground = page.evaluate("""async ([a, b, c]) => {
      const geo = await import("/static/player/geo.js");
      return [geo.distanceM(a.lat, a.lon, b.lat, b.lon), geo.distanceM(a.lat, a.lon, c.lat, c.lon)];
    }""", [MARKET, FOUNTAIN, TOWN_HALL])
    assert abs(px("market", "fountain") / px("market", "hall") - ground[0] / ground[1]) < 0.03
    # North is up: the fountain (north of the market) is drawn above it.
    assert pins[ids["fountain"].id]["y"] < pins[ids["market"].id]["y"]
    assert axe_violations(page) == []
    docs_screenshot(page, "player-map-plan-de.png")

    # Offline, the plan still works.
    context.set_offline(True)
    page.reload()
    expect(holder).to_have_attribute("data-mode", "plan")
    expect(page.locator(".map-status")).to_contain_text("Ohne Netz")

    # With tiles reachable (served here by the test), the player shows Leaflet's OpenStreetMap map.
    context.set_offline(False)
    context.unroute("https://*.tile.openstreetmap.org/**")

    def tile(route):
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=_tile_png())

    context.route("https://*.tile.openstreetmap.org/**", tile)
    page2 = context.new_page()
    page2.goto(live_server("/play#/map"))
    expect(page2.locator(".map-holder")).to_have_attribute("data-mode", "tiles", timeout=10_000)
    expect(page2.locator(".leaflet-marker-icon")).to_have_count(3)
    assert tiles
    page2.locator(".leaflet-marker-icon").first.click()
    expect(page2.get_by_role("heading", name="Marktplatz")).to_be_visible()
    assert errors == []


def _tile_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (232, 236, 226)).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_short_code_typed_by_hand_unlocks_its_station(live_server, town_run, phone):
    from playwright.sync_api import expect

    page = phone().new_page()
    errors = watch(page)
    join(page, live_server, town_run.run, "Ohne Kamera")
    page.get_by_role("link", name="Gemäldesaal").click()
    code = town_run.stations["gallery"].short_code
    page.get_by_label("Code eintippen").fill(f" {code[:3].lower()} - {code[3:]} ")
    page.get_by_role("button", name="Code senden").click()
    expect(page.get_by_role("heading", name="Gemäldesaal")).to_be_visible()
    expect(page.get_by_label("Deine Antwort")).to_be_visible()
    assert errors == []


def test_the_language_is_chosen_once_and_survives_an_offline_reload(live_server, town_run, phone):
    from playwright.sync_api import expect

    context = phone(locale="tr-TR")
    page = context.new_page()
    errors = watch(page)
    page.goto(live_server(f"/join/{town_run.run.join_code}"))
    # The browser's language decides until the pupil chooses.
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    expect(page.get_by_role("heading", name=texts("tr")["join.title"])).to_be_visible()
    page.locator('input[name="team_name"]').fill("Sprachwechsler")
    page.locator('form button[type="submit"]').click()
    expect(page.get_by_role("heading", name=texts("tr")["home.stations"])).to_be_visible()

    page.get_by_label(texts("tr")["lang.label"]).select_option("uk")
    expect(page.get_by_role("heading", name=texts("uk")["home.stations"])).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    requests = []
    page.on("request", lambda r: "/api/v1/" in r.url and requests.append(r.headers.get("accept-language")))
    page.get_by_role("link", name="Eingang").click()
    page.get_by_text("Rembrandt").click()
    page.get_by_role("button", name=texts("uk")["task.submit"]).first.click()
    expect(page.locator(".result").first).to_contain_text(texts("uk")["result.right"])
    # The API speaks only German and English: Ukrainian asks for the rally's language next.
    assert requests and all(h == "uk, de;q=0.8" for h in requests)

    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="Eingang")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.get_by_role("link", name=texts("uk")["nav.all_stations"])).to_be_visible()
    page.goto(live_server("/play#/"))
    expect(page.locator("#sync-status")).to_contain_text(texts("uk")["sync.offline"])
    assert page.locator("#player").inner_text().count("Stationen") == 0
    assert errors == []


def test_arabic_is_laid_out_right_to_left(live_server, town_run, phone):
    from playwright.sync_api import expect

    context = phone(geolocation={"latitude": 52.5150, "longitude": 13.3990, "accuracy": 12}, permissions=["geolocation"])
    page = context.new_page()
    errors = watch(page)
    join(page, live_server, town_run.run, "فريق النجوم", lang="ar")
    ar = texts("ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name=ar["home.stations"])).to_be_visible()
    width = page.viewport_size["width"]

    def box(locator):
        return locator.bounding_box()

    # Headings and list items start at the right edge.
    heading = page.evaluate("""() => { const r = document.createRange();
      r.selectNodeContents(document.querySelector('h2')); const b = r.getBoundingClientRect();
      return { left: b.left, right: b.right }; }""")
    assert heading["right"] > width - 40 and heading["left"] > width / 2
    # A station's badge comes first in the text, so it sits to the right of its count.
    # (read in one go: the list is drawn again when the first sync answers)
    expect(page.locator("ol.stations > li").first.locator(".station-meta .muted")).to_be_visible()
    badge_x, count_x = page.evaluate("""() => { const li = document.querySelector('ol.stations > li');
      return [li.querySelector('.badge.state'), li.querySelector('.station-meta .muted')]
        .map((node) => node.getBoundingClientRect().x); }""")
    assert badge_x > count_x
    # The progress bar fills from the right.
    page.get_by_role("link", name="Eingang").click()
    page.get_by_text("Rembrandt").click()
    page.get_by_role("button", name=ar["task.submit"]).first.click()
    expect(page.locator(".result").first).to_contain_text(ar["result.right"])
    back = page.get_by_role("link", name=ar["nav.all_stations"])
    assert box(back)["x"] + box(back)["width"] > width - 40
    arrow = back.locator(".dir-arrow")
    assert page.evaluate("(el) => getComputedStyle(el).transform", arrow.element_handle()) != "none"  # mirrored
    docs_screenshot(page, "player-station-ar.png")
    back.click()
    page.get_by_role("link", name="Marktplatz").click()
    page.locator(".wayfinder[data-distance]").wait_for()
    dial, text = box(page.locator(".dial-wrap")), box(page.locator(".way-text"))
    assert dial["x"] > text["x"]  # the dial leads, on the right
    docs_screenshot(page, "player-arrow-ar.png")
    page.get_by_role("link", name=ar["nav.all_stations"]).click()
    page.get_by_role("link", name="Eingang").click()
    page.get_by_role("link", name=ar["nav.all_stations"]).click()
    fill, bar = box(page.locator(".progress-fill")), box(page.locator(".progress"))
    assert fill["width"] == 0 or abs((fill["x"] + fill["width"]) - (bar["x"] + bar["width"])) < 1
    docs_screenshot(page, "player-home-ar.png")
    assert errors == []


def test_every_player_screen_passes_axe_in_all_five_languages(live_server, town_run, phone):
    from playwright.sync_api import expect

    context = phone(geolocation={"latitude": 52.5150, "longitude": 13.3990, "accuracy": 12}, permissions=["geolocation"])
    page = context.new_page()
    errors = watch(page)
    found = {}

    def check(screen):
        found[f"{lang}:{screen}"] = axe_violations(page)

    page.goto(live_server(f"/join/{town_run.run.join_code}"))
    for lang in LANGUAGES:
        page.locator(f'.lang-button[lang="{lang}"]').click()
        page.locator(f'.lang-button[lang="{lang}"][aria-pressed="true"]').wait_for()
        if lang in ("en", "uk"):
            docs_screenshot(page, f"player-join-{lang}.png")
        check("join")
    page.locator('.lang-button[lang="de"]').click()
    page.locator('.lang-button[lang="de"][aria-pressed="true"]').wait_for()
    page.locator('input[name="team_name"]').fill("Prüfer")
    page.locator('form button[type="submit"]').click()
    page.locator("ol.stations").wait_for()
    page.get_by_role("link", name="Eingang").click()
    page.get_by_text("Vermeer").click()
    page.get_by_role("button", name="Antwort senden").first.click()
    expect(page.locator(".result").first).to_contain_text("Leider falsch")
    docs_screenshot(page, "player-station-de.png")
    for lang in LANGUAGES:
        page.goto(live_server("/play#/"))
        page.get_by_label(texts(page.evaluate("document.documentElement.lang"))["lang.label"]).select_option(lang)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        page.locator("ol.stations").wait_for()
        if lang == "de":
            docs_screenshot(page, "player-home-de.png")
        check("home")
        contrast = page.evaluate(CONTRAST)
        assert contrast["onFill"] >= 4.5 and contrast["onTrack"] >= 4.5, contrast
        for hash_, screen, ready in ((f"#/station/{town_run.stations['entrance'].id}", "station", "article.task"),
                                     (f"#/station/{town_run.stations['gallery'].id}", "qr-locked", ".manual-code"),
                                     (f"#/station/{town_run.stations['market'].id}", "location", ".wayfinder[data-distance]"),
                                     ("#/map", "map", ".map-holder[data-mode=plan]"),
                                     ("#/scan", "scan", ".manual-code")):
            page.goto(live_server(f"/play{hash_}"))
            page.locator(ready).first.wait_for()
            check(screen)
        # The order task asks before sending an order nobody touched.
        page.goto(live_server(f"/play#/station/{town_run.stations['entrance'].id}"))
        order = page.locator(f"#task-{town_run.tasks['order'].id}")
        if lang == "de":
            order.get_by_role("button", name="Antwort senden").click()
            expect(order.get_by_role("alert")).to_contain_text("noch nicht verändert")
            check("order-question")
    assert {screen: v for screen, v in found.items() if v} == {}
    assert len(found) == 5 + 5 * 6 + 1
    # axe really looks: a picture without alternative text is reported.
    page.evaluate("document.getElementById('player').append(Object.assign(document.createElement('img'), {src: '/static/player/icon-192.png'}))")
    assert "image-alt" in [v["id"] for v in axe_violations(page)]
    assert errors == []


def test_when_the_server_judges_otherwise_than_the_phone_showed_offline_a_notice_names_the_task(
        live_server, town_run, phone):
    from playwright.sync_api import expect

    context = phone()
    page = context.new_page()
    errors = watch(page)
    join(page, live_server, town_run.run, "Die Eiligen")

    def overruled(route):
        # The server's verdict differs from the bundle's (as after a late correction of the solution).
        response = route.fetch()
        body = response.json()
        for result in body["results"]:
            result.update(correct=False, points=0)
        route.fulfill(response=response, json=body)

    page.route("**/api/v1/team/answers", overruled)
    page.get_by_role("link", name="Eingang").click()
    context.set_offline(True)
    page.get_by_text("Rembrandt").click()
    page.get_by_role("button", name="Antwort senden").first.click()
    painter = page.locator(f"#task-{town_run.tasks['painter'].id}")
    expect(painter.locator(".result")).to_contain_text("Richtig!")  # offline feedback, judged on the phone
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(painter.locator(".result")).to_contain_text("Leider falsch", timeout=20_000)
    page.get_by_role("link", name="Alle Stationen").click()
    notice = page.locator(".changed-notice")
    expect(notice).to_contain_text("Nach dem Prüfen anders bewertet: 1 Aufgabe")
    expect(notice).to_contain_text("Eingang, Aufgabe 1 – doch nicht richtig")
    assert axe_violations(page) == []
    notice.get_by_role("button", name="Verstanden").click()
    expect(notice).to_have_count(0)
    page.reload()
    expect(page.locator("ol.stations")).to_be_visible()
    expect(page.locator(".changed-notice")).to_have_count(0)
    assert errors == []


def test_the_order_task_reorders_by_drag_and_asks_before_sending_it_untouched(live_server, town_run, phone):
    from playwright.sync_api import expect

    page = phone().new_page()
    errors = watch(page)
    join(page, live_server, town_run.run, "Die Ordner")
    page.get_by_role("link", name="Eingang").click()
    card = page.locator(f"#task-{town_run.tasks['order'].id}")
    page.wait_for_function("typeof window.Sortable === 'function'")

    def ids():
        return card.locator("ol.order-list > li").evaluate_all("(items) => items.map((li) => li.dataset.id)")

    before = ids()
    assert before != ["x", "y", "z"]
    # Untouched, the phone asks first; "Zurück" keeps it unsent.
    card.get_by_role("button", name="Antwort senden").click()
    expect(card.get_by_role("alert")).to_contain_text("noch nicht verändert")
    card.get_by_role("button", name="Zurück").click()
    expect(card.get_by_role("alert")).to_have_count(0)
    # Disabled controls look disabled: the first item's ▲ is greyed out.
    up = card.locator("li").first.locator('button[data-dir="up"]')
    expect(up).to_be_disabled()
    assert page.evaluate("(el) => getComputedStyle(el).cursor", up.element_handle()) == "not-allowed"
    # Drag the item that belongs first to the top.
    target = card.locator('li[data-id="x"]')
    first = card.locator("li").first
    source_box, first_box = target.locator(".order-text").bounding_box(), first.bounding_box()
    if ids()[0] != "x":
        page.mouse.move(source_box["x"] + 5, source_box["y"] + 5)
        page.mouse.down()
        for step in range(1, 11):
            page.mouse.move(source_box["x"] + 5, source_box["y"] + 5 - step * (source_box["y"] - first_box["y"] + 4) / 10)
        page.mouse.up()
        expect(card.locator("li").first).to_have_attribute("data-id", "x")
    # Then ▲/▼ for the rest, and the order is sent without a question.
    while ids() != ["x", "y", "z"]:
        order = ids()
        wrong = next(i for i, v in enumerate(order) if v != ["x", "y", "z"][i])
        card.locator(f'li[data-id="{["x", "y", "z"][wrong]}"] button[data-dir="up"]').click()
    card.get_by_role("button", name="Antwort senden").click()
    expect(card.locator(".result")).to_contain_text("Richtig")
    assert errors == []


def test_a_whole_choice_card_is_a_tap_target_of_at_least_44_pixels(live_server, town_run, phone):
    from playwright.sync_api import expect

    page = phone().new_page()
    join(page, live_server, town_run.run, "Die Tipper")
    page.get_by_role("link", name="Eingang").click()
    card = page.locator("label.choice").filter(has_text="Rembrandt")
    box = card.bounding_box()
    assert box["height"] >= 44 and box["width"] > 300
    page.mouse.click(box["x"] + box["width"] - 10, box["y"] + box["height"] / 2)  # far from the radio and the word
    expect(page.get_by_label("Rembrandt")).to_be_checked()
    expect(page.locator(".station-body")).to_have_count(1)
    # A station without text gets no empty card.
    page.goto(live_server(f"/play#/station/{town_run.stations['stairs'].id}"))
    expect(page.get_by_role("heading", name="Treppenhaus")).to_be_visible()
    expect(page.locator("article.task")).to_have_count(1)
    expect(page.locator(".station-body")).to_have_count(0)
    headings = page.evaluate("() => [...document.querySelectorAll('#player h1, #player h2, #player h3')].map((h) => h.tagName)")
    assert headings[0] == "H1" and "H3" not in headings
