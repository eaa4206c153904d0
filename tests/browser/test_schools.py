"""Schools author too: a teacher's own rally, co-authoring with the partner museum, the pupils'
creative workshop on phones, and a library copy with its attribution. Screenshots: docs/schools-*.png."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from playwright.sync_api import expect

from tests.support.screenshots import docs_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "correct horse battery"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def people(live_server):
    """A museum and its partner school with a registered partnership, an editor and a teacher."""
    from rallies import accounts
    from rallies.db import db
    from rallies.models import Institution, Partnership, PartnershipMember, School

    museum = Institution(name="Stadtmuseum Beispielstadt", kind="museum", municipal=True, region="Mitte",
                         address="Museumsplatz 1", lat=52.52, lon=13.40)
    school = School(name="Gesamtschule Am Park", region="Mitte", address="Parkweg 3", lat=52.51, lon=13.41)
    db.session.add_all([museum, school])
    db.session.flush()
    today = dt.date.today()
    partnership = Partnership(
        school=school, title="Kulturpartnerschaft", status="registered", starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=900), open_to_all_pupils=True, programme_named=True, signed_by_both=True,
        school_contact_name="Frau Lehmann", school_contact_email="a.lehmann@schule.example",
        members=[PartnershipMember(institution=museum, contact_name="Herr Berg", contact_email="k.berg@museum.example")])
    db.session.add(partnership)
    editor = accounts.create_user(email="kuratorin@example.org", password=PASSWORD, role="editor",
                                  display_name="Kuratorin Berg", institution_ids=[museum.id], school_ids=[])
    teacher = accounts.create_user(email="lehrerin@example.org", password=PASSWORD, role="teacher",
                                   display_name="Frau Yılmaz", institution_ids=[], school_ids=[school.id])
    db.session.commit()
    return {"museum": museum, "school": school, "partnership": partnership, "editor": editor, "teacher": teacher}


def login(browser, live_server, user, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="de-DE")
    context.set_default_timeout(15_000)
    context.route("**/*.tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(live_server("/login"))
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    return context, page


def new_rally(page, live_server, title, about, partnership=None):
    page.goto(live_server("/editor/rallies"))
    page.fill("#title", title)
    page.fill("#about", about)
    if partnership is not None:
        page.select_option("#partnership_id", str(partnership.id))
    page.click("form[action$='/editor/rallies/new'] button[type=submit]")
    expect(page.locator("h1")).to_have_text(title)
    return page.url.split("/studio")[0]  # a new rally opens in the studio; the helpers use the rally page


def add_station(page, rally_url, title):
    page.goto(rally_url)
    page.click("summary:has-text('Station hinzufügen')")
    page.fill("form[action$='/stations'] input[name=title]", title)
    page.click("form[action$='/stations'] button[type=submit]")


def test_a_teacher_builds_and_runs_her_own_rally(browser, live_server, people):
    context, page = login(browser, live_server, people["teacher"])
    rally_url = new_rally(page, live_server, "Unser Schulhof", "Klasse 7b über die Bäume auf dem Schulhof")
    add_station(page, rally_url, "Die alte Eiche")
    page.goto(rally_url)
    page.select_option("#visibility", "school")
    page.click("form[action$='/publish'] button[type=submit]")
    expect(page.locator(".status-card")).to_contain_text("Version 1")
    expect(page.locator("#changes")).to_contain_text("Frau Yılmaz")
    docs_screenshot(page, "schools-teacher-rally.png", full_page=True)
    rally_id = int(rally_url.rstrip("/").split("/")[-1])
    page.click("a:has-text('Klassenlauf starten')")
    page.locator("input[name=class_label]").first.fill("7b")
    page.locator("button:has-text('Jetzt starten')").first.click()
    expect(page.locator("body")).to_contain_text("7b")
    from rallies.models import ClassRun
    from rallies.db import db

    run = db.session.scalar(db.select(ClassRun).filter_by(rally_id=rally_id))
    assert run is not None and run.school_id == people["school"].id
    context.close()


def test_a_museum_editor_and_a_partner_teacher_edit_one_rally_and_the_change_list_names_both(
        browser, live_server, people):
    museum, page = login(browser, live_server, people["editor"])
    rally_url = new_rally(page, live_server, "Stadtgeschichte gemeinsam", "Museum und Gesamtschule, Klassen 7–9",
                          partnership=people["partnership"])
    add_station(page, rally_url, "Im Museum: Das Stadtmodell")
    school, teacher_page = login(browser, live_server, people["teacher"])
    teacher_page.goto(live_server("/editor/rallies"))
    expect(teacher_page.locator("table")).to_contain_text("Stadtgeschichte gemeinsam")
    add_station(teacher_page, rally_url, "In der Schule: Unser Viertel früher")
    page.goto(rally_url)
    page.select_option("#visibility", "partners")
    page.click("form[action$='/publish'] button[type=submit]")
    changes = page.locator("#changes")
    expect(changes).to_contain_text("Version 1")
    expect(changes).to_contain_text("Kuratorin Berg")
    expect(changes).to_contain_text("Frau Yılmaz")
    expect(changes).to_contain_text("In der Schule: Unser Viertel früher")
    docs_screenshot(changes, "schools-change-list.png")
    museum.close()
    school.close()


def _jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_workshop_with_two_teams_on_phones_the_teacher_comments_copies_and_publishes(browser, live_server, people):
    context, page = login(browser, live_server, people["teacher"])
    page.goto(live_server("/teacher/workshops"))
    page.fill("#class_label", "7b")
    page.fill("#topic", "Unser Viertel")
    page.click("button:has-text('Öffnen')")
    code = page.locator("[data-testid=workshop-code]").inner_text().strip()
    phones = []
    for team, station in (("Füchse", "Der Brunnen"), ("Eulen", "Die Kirche")):
        phone = browser.new_context(viewport=PHONE, locale="de-DE", has_touch=True, device_scale_factor=2)
        phone.set_default_timeout(15_000)
        tab = phone.new_page()
        tab.goto(live_server(f"/workshop/{code}"))
        tab.fill("#team", team)
        tab.click("button:has-text('Los geht’s')")
        tab.fill("#new-title", station)
        tab.click("button:has-text('Station anlegen')")
        expect(tab.locator(".station-draft")).to_have_count(1)
        tab.set_input_files(".photo-form input[type=file]",
                            files=[{"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])
        tab.fill(".photo-form input[name=alt]", f"Foto: {station}")
        tab.click("button:has-text('Foto hochladen')")
        expect(tab.locator(".station-draft img")).to_have_count(1)
        phones.append((phone, tab))
    docs_screenshot(phones[0][1], "schools-workshop-phone.png")
    page.reload()
    expect(page.locator(".team-draft")).to_have_count(2)
    page.locator(".team-draft").first.locator("textarea").fill("Schönes Foto! Wer hat den Brunnen gebaut?")
    page.locator(".team-draft").first.locator("button:has-text('Kommentar speichern')").click()
    expect(page.locator(".flash, .notice, [role=status]").first).to_be_visible()
    page.wait_for_load_state("load")
    page.wait_for_function("[...document.querySelectorAll('.team-draft img')].every(i => i.complete && i.naturalWidth > 0)")
    docs_screenshot(page, "schools-workshop-teacher.png", full_page=True)
    tab = phones[0][1]
    tab.reload()
    expect(tab.locator(".teacher-comment")).to_contain_text("Wer hat den Brunnen gebaut?")
    expect(tab.locator("body")).not_to_contain_text("Die Kirche")  # a team sees only its own draft
    page.locator(".team-draft").first.locator("button:has-text('Stationen übernehmen')").click()
    expect(page.locator("h1")).to_have_text("Unser Viertel")
    page.select_option("#visibility", "school")
    page.click("form[action$='/publish'] button[type=submit]")
    expect(page.locator(".status-card")).to_contain_text("Version 1")
    expect(page.locator("body")).not_to_contain_text("Füchse")  # team names stay out unless credited
    for phone, _ in phones:
        phone.close()
    context.close()


def test_a_public_rally_copied_from_another_institution_shows_its_attribution_and_licence(
        browser, live_server, people):
    from rallies import authoring, publishing
    from rallies.db import db

    original = authoring.create_rally(people["museum"], actor=people["editor"], title="Die Nachtwache",
                                      about="Stadtmuseum, Klassen 5–7, über ein Gemälde", licence="CC-BY-SA-4.0",
                                      subjects=["Kunst"])
    station = authoring.add_station(original, actor=people["editor"], title="Das Bild")
    authoring.add_task(station, actor=people["editor"], type="text", prompt_md="Wer malte es?",
                       config={"accepted_answers": ["Rembrandt"]})
    publishing.publish(original, actor=people["editor"], visibility="public")
    db.session.commit()
    context, page = login(browser, live_server, people["teacher"])
    page.goto(live_server("/library?subject=Kunst"))
    expect(page.locator(".library-list")).to_contain_text("CC BY-SA 4.0")
    docs_screenshot(page, "schools-library.png", full_page=True)
    page.click("button:has-text('kopieren')")
    expect(page.locator(".attribution")).to_contain_text(
        "Nach „Die Nachtwache“ (Version 1) von Stadtmuseum Beispielstadt, CC BY-SA 4.0")
    page.select_option("#visibility", "public")
    page.click("form[action$='/publish'] button[type=submit]")
    expect(page.locator(".status-card")).to_contain_text("Version 1")
    from rallies.models import Rally

    copy = db.session.scalar(db.select(Rally).filter_by(school_id=people["school"].id))
    db.session.refresh(copy)
    player = browser.new_context(viewport=PHONE, locale="de-DE")
    response = player.request.post(live_server("/api/v1/join"), data={"code": copy.free_play_code, "team_name": "Test"})
    token = response.json()["token"]
    bundle = player.request.get(live_server(f"/api/v1/rallies/{copy.id}/bundle"),
                                headers={"Authorization": f"Bearer {token}"}).json()
    assert bundle["rally"]["attribution"]["owner"] == "Stadtmuseum Beispielstadt"
    assert bundle["rally"]["licence"] == "CC-BY-SA-4.0"
    player.close()
    context.close()


def _photo_with_a_target() -> bytes:
    """A sky-blue photo with a red ball at 30 % from the left and 40 % from the top."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (120, 180, 230))
    ImageDraw.Draw(image).ellipse((192 - 40, 192 - 40, 192 + 40, 192 + 40), fill=(220, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_team_builds_a_hotspot_task_on_a_phone_in_english_and_the_page_turns_arabic(browser, live_server, people):
    from rallies import workshops
    from rallies.db import db
    from rallies.models import WorkshopTask

    now = dt.datetime.now(dt.timezone.utc)
    workshop = workshops.open_workshop(school=people["school"], teacher=people["teacher"], class_label="5a",
                                       topic="Our park", starts_at=now - dt.timedelta(minutes=1),
                                       ends_at=now + dt.timedelta(hours=2), max_retention_days=30,
                                       default_retention_days=14)
    db.session.commit()
    phone = browser.new_context(viewport=PHONE, locale="de-DE", has_touch=True, is_mobile=True, device_scale_factor=2)
    phone.set_default_timeout(15_000)
    tab = phone.new_page()
    tab.goto(live_server(f"/workshop/{workshop.join_code}?lang=en"))
    expect(tab.locator("html")).to_have_attribute("lang", "en")
    expect(tab.locator("h1")).to_have_text("Join in")
    tab.fill("#team", "Foxes")
    tab.click("button:has-text('Let’s go')")
    expect(tab.locator("#team-name")).to_have_text("Team Foxes")
    tab.fill("#new-title", "The fountain")
    tab.click("button:has-text('Add station')")
    tab.set_input_files(".photo-form input[type=file]",
                        files=[{"name": "ball.jpg", "mimeType": "image/jpeg", "buffer": _photo_with_a_target()}])
    tab.fill(".photo-form input[name=alt]", "A red ball in front of the sky")
    tab.click("button:has-text('Upload photo')")
    expect(tab.locator(".station-draft .media img")).to_have_count(1)
    tab.select_option(".task-form select[name=type]", "hotspot")
    tab.fill(".task-form input[name=prompt]", "Where is the ball?")
    picture = tab.locator(".hotspot-canvas img")
    expect(picture).to_be_visible()
    tab.wait_for_function("document.querySelector('.hotspot-canvas img').naturalWidth > 0")
    box = picture.bounding_box()
    picture.tap(position={"x": box["width"] * 0.3, "y": box["height"] * 0.4})
    tab.locator(".hotspot-editor input[type=range]").fill("12")
    expect(tab.locator(".hotspot-canvas circle")).to_have_count(1)
    expect(tab.locator("[data-count]")).to_have_text("1 × ✓")
    tab.evaluate("document.querySelector('.task-form').scrollIntoView({block: 'start'})")
    docs_screenshot(tab, "workshop-hotspot-phone.png")
    tab.click("button:has-text('Add task')")
    expect(tab.locator(".task-list li[data-type=hotspot]")).to_contain_text("Tap the spot in the photo: Where is the ball?")
    task = db.session.scalar(db.select(WorkshopTask).filter_by(type="hotspot"))
    circle = workshops.task_config(task)["regions"][0]["circle"]
    assert abs(circle["x"] - 0.3) < 0.02 and abs(circle["y"] - 0.4) < 0.02 and circle["r"] == 0.12
    assert abs(workshops.task_config(task)["aspect"] - 0.75) < 0.01
    assert workshops.task_image_id(task) == task_station_photo_id(task)
    tab.evaluate("window.scrollTo(0, 0)")
    body = tab.locator("body").inner_text()
    for german in ("Station anlegen", "Foto hochladen", "Aufgabe hinzufügen", "Kreativwerkstatt"):
        assert german not in body
    docs_screenshot(tab, "workshop-phone-en.png")
    tab.select_option("#workshop-lang", "ar")
    expect(tab.locator("html")).to_have_attribute("dir", "rtl")
    expect(tab.locator("html")).to_have_attribute("lang", "ar")
    expect(tab.locator("button:has-text('أضف محطة')")).to_be_visible()
    expect(tab.locator(".task-list li[data-type=hotspot]")).to_contain_text("المس المكان في الصورة")
    tab.reload()  # the choice is remembered, as in the player
    expect(tab.locator("html")).to_have_attribute("dir", "rtl")
    expect(tab.locator("#workshop-lang")).to_have_value("ar")
    expect(tab.locator(".topbar .brand")).to_have_text("الورشة الإبداعية")
    docs_screenshot(tab, "workshop-phone-ar.png")
    phone.close()


def task_station_photo_id(task) -> str:
    from rallies.db import db
    from rallies.models import WorkshopStation

    return db.session.get(WorkshopStation, task.station_id).media[0].id


def test_the_studio_hotspot_editor_still_draws_with_the_shared_script(browser, live_server, people):
    """js/hotspot-editor.js now also serves the workshop: the studio's task editor still sets a circle."""
    from media.intake import ingest
    from rallies import authoring
    from rallies.db import db
    from rallies.media_library import store_media
    from rallies.runtime import media_limits, media_storage

    data = _photo_with_a_target()
    asset = store_media(ingest(data, allowed_kinds={"image"}, limits=media_limits()), data, storage=media_storage(),
                        institution_id=people["museum"].id)
    rally = authoring.create_rally(people["museum"], actor=people["editor"], title="Ballspiel", about="Museum, Klasse 5")
    station = authoring.add_station(rally, actor=people["editor"], title="Der Ball")
    task = authoring.add_task(station, actor=people["editor"], type="hotspot", prompt_md="Wo ist der Ball?",
                              config={"regions": [{"circle": {"x": 0.9, "y": 0.9, "r": 0.05}}]})
    authoring.attach_task_media(task, asset.id, "Ein roter Ball", actor=people["editor"])
    db.session.commit()
    context, page = login(browser, live_server, people["editor"])
    page.goto(live_server(f"/editor/tasks/{task.id}"))
    picture = page.locator(".hotspot-canvas img")
    page.wait_for_function("document.querySelector('.hotspot-canvas img').naturalWidth > 0")
    expect(page.locator(".hotspot-canvas")).to_have_css("position", "relative")  # the shared stylesheet arrived
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.4})
    expect(page.locator(".hotspot-canvas circle")).to_have_count(2)
    regions = json.loads(page.locator("#hotspot-regions").input_value())
    assert len(regions) == 2 and abs(regions[1]["circle"]["x"] - 0.3) < 0.02
    context.close()
