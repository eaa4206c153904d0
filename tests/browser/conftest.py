"""Browser tests: the app on a live server (SQLite) driven by Debian's Chromium via Playwright.

Only SQLite is needed here, so the live server copies the session's migrated SQLite
template instead of using the parametrised `app` fixture (which would run every browser
test twice). A missing Chromium or Playwright fails the run (in CI and elsewhere): `make test`
installs both, and a silently skipped browser suite would hide the player's breakage.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
from dataclasses import dataclass

import pytest

from tests.conftest import IN_CI, base_config

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}


def _unavailable(reason: str):
    where = "in CI" if IN_CI else "(run `make test`, which installs Debian's chromium)"
    pytest.fail(f"Browser tests need Chromium and Playwright {where}: {reason}")


# The fake camera shows this station code, so scanning can be tested with real video frames.
CAMERA_QR_TOKEN = "kamera-test-0123456789abcdefghijk"


def _fake_camera_video(folder) -> str:
    """A short Y4M clip of a QR code holding /q/<CAMERA_QR_TOKEN>, for Chromium's fake camera."""
    import qrcode
    from PIL import Image

    width, height = 640, 480
    code = qrcode.make(f"https://rally.example/q/{CAMERA_QR_TOKEN}", box_size=8, border=4).convert("L")
    frame = Image.new("L", (width, height), 255)
    frame.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (width * height // 4)
    path = folder / "qr-camera.y4m"
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return str(path)


@pytest.fixture(scope="session")
def camera_qr_token():
    """The station token the fake camera shows."""
    return CAMERA_QR_TOKEN


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless Chromium for the whole session (per xdist worker), with a fake camera."""
    try:
        from playwright.sync_api import Error as PlaywrightError, sync_playwright
    except ImportError as error:
        _unavailable(f"playwright is not installed ({error})")
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} not found (apt-get install chromium)")
    with sync_playwright() as playwright:
        try:
            video = _fake_camera_video(tmp_path_factory.mktemp("camera"))
            args = CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                                    f"--use-file-for-fake-video-capture={video}"]
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        except PlaywrightError as error:
            _unavailable(f"Chromium did not start: {error}")
        yield browser
        browser.close()


def _quiet_handler():
    from werkzeug.serving import WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        """No access log lines in the test output; failures show what matters."""

        def log_request(self, *args, **kwargs):
            pass

    return QuietHandler


@dataclass
class LiveServer:
    url: str
    app: object

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture
def live_server(sqlite_template, tmp_path):
    """The app on http://127.0.0.1:<free port>, served by werkzeug in a background thread."""
    from werkzeug.serving import make_server

    from rallies.db import db
    from server import create_app

    path = tmp_path / "live.sqlite3"
    shutil.copyfile(sqlite_template, path)
    config = base_config(tmp_path, f"sqlite:///{path}")
    config.update({"TESTING": False, "RATELIMIT_ENABLED": True})
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_quiet_handler())
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        with app.app_context():
            yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
            db.session.remove()
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def phone(browser):
    """`phone(**context_options)` opens a 390×844 browser context; all are closed afterwards."""
    contexts = []

    def open_context(**options):
        options.setdefault("viewport", PHONE)
        options.setdefault("locale", "de-DE")
        options.setdefault("device_scale_factor", 2)
        options.setdefault("has_touch", True)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


# --- a class run to play, built through the services ------------------------------------

STATION_PLACE = {"lat": 52.5200, "lon": 13.4050}


@dataclass
class PlayData:
    rally: object
    run: object
    stations: dict  # title -> Station
    tasks: dict  # name -> Task


def _task(authoring, station, actor, kind, prompt, config, points=10):
    return authoring.add_task(station, actor=actor, type=kind, prompt_md=prompt, points=points, config=config,
                              feedback_correct="Richtig so!", feedback_wrong="Schau noch einmal genau hin.")


def kunsthalle_editor(password: str):
    """The Kunsthalle and its editor (`kuratorin@example.org`), as the studio and drawing tests author them."""
    from rallies import accounts
    from rallies.db import db
    from rallies.models import Institution

    institution = Institution(name="Kunsthalle Beispielstadt", kind="museum", municipal=True, region="Mitte",
                              address="Museumsplatz 2", lat=52.52, lon=13.40)
    db.session.add(institution)
    db.session.flush()
    editor = accounts.create_user(email="kuratorin@example.org", password=password, role="editor",
                                  display_name="Kuratorin", institution_ids=[institution.id], school_ids=[])
    return institution, editor


def signed_in_editor(browser, live_server, editor, password: str, viewport: dict):
    """A German desktop context with the editor signed in on the rally list: (context, page, page errors)."""
    context = browser.new_context(viewport=viewport, locale="de-DE")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server("/login"))
    page.fill("input[name=email]", editor.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/editor/rallies")
    return context, page, errors


def _picture(institution):
    """A small generated photo, stored through the media library as an editor's upload would be."""
    import io

    from PIL import Image, ImageDraw

    from rallies.media_library import add_media
    from rallies.runtime import media_limits, media_storage

    image = Image.new("RGB", (640, 400), (40, 80, 140))
    draw = ImageDraw.Draw(image)
    for x in range(0, 640, 32):
        draw.line([(x, 0), (x - 200, 400)], fill=(90, 130, 190), width=10)
    draw.rectangle([40, 300, 600, 370], fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return add_media(buffer.getvalue(), storage=media_storage(), limits=media_limits(), institution_id=institution.id)


def _people():
    from rallies import accounts
    from rallies.db import db
    from rallies.models import Institution, School

    institution = Institution(name="Stadtmuseum Beispielstadt", kind="museum", municipal=True, region="Mitte",
                              address="Museumsweg 1", lat=52.52, lon=13.40)
    school = School(name="Gesamtschule Am Park", region="Mitte", address="Parkstraße 1")
    db.session.add_all([institution, school])
    db.session.flush()
    editor = accounts.create_user(email="editor@example.org", password="correct horse battery", role="editor",
                                  display_name="Editor", institution_ids=[institution.id], school_ids=[])
    teacher = accounts.create_user(email="teacher@example.org", password="correct horse battery", role="teacher",
                                   display_name="Teacher", institution_ids=[], school_ids=[school.id])
    return institution, school, editor, teacher


def _open_run(rally, school, teacher):
    """A class run open now, as a teacher would start it."""
    from rallies import publishing
    from rallies.db import db
    from rallies.models import ClassRun

    now = dt.datetime.now(dt.timezone.utc)
    ends_at = now + dt.timedelta(hours=3)
    run = ClassRun(rally_id=rally.id, rally_version_id=rally.published_version_id, school_id=school.id,
                   teacher_id=teacher.id, class_label="7b", join_code=publishing.unique_join_code(),
                   starts_at=now - dt.timedelta(hours=1), ends_at=ends_at, retention_days=30,
                   delete_after=ends_at + dt.timedelta(days=30))
    db.session.add(run)
    db.session.commit()
    return run


@pytest.fixture
def class_run(live_server):
    """A published rally with an open, a QR, a location and a second open station, and a class run of it."""
    from rallies import authoring, publishing

    institution, school, editor, teacher = _people()
    rally = authoring.create_rally(
        institution, actor=editor, title="Bilder der Stadt", theme="Malerei",
        about="Stadtmuseum, für Klassen 5–7, über Malerei", language="de", age_min=10, age_max=14,
        description_md="Eine Rallye durch Museum und Altstadt.",
        settings={"station_order": "free", "show_points": True, "show_solutions": True, "offline_feedback": False})
    stations, tasks = {}, {}
    entrance = authoring.add_station(rally, actor=editor, title="Eingang", body_md="Willkommen im **Stadtmuseum**!")
    stations["entrance"] = entrance
    authoring.attach_station_media(entrance, _picture(institution).id, "Die Eingangshalle mit der großen Treppe",
                                   actor=editor)
    tasks["painter"] = _task(authoring, entrance, editor, "single_choice", "Wer malte die *Nachtwache*?",
                             {"options": [{"id": "a", "text": "Rembrandt", "correct": True},
                                          {"id": "b", "text": "Vermeer"}]})
    gallery = authoring.add_station(rally, actor=editor, title="Gemäldesaal", unlock_mode="qr",
                                    body_md="Sucht das größte Bild im Saal.")
    stations["gallery"] = gallery
    tasks["colour"] = _task(authoring, gallery, editor, "single_choice", "Welche Farbe hat der Mantel?",
                            {"options": [{"id": "r", "text": "Rot", "correct": True}, {"id": "g", "text": "Grün"}]})
    square = authoring.add_station(rally, actor=editor, title="Marktplatz", unlock_mode="location",
                                   radius_m=100, **STATION_PLACE, body_md="Schaut euch den Brunnen an.")
    stations["square"] = square
    tasks["fountain"] = _task(authoring, square, editor, "number", "Wie viele Figuren hat der Brunnen?",
                              {"value": 12, "tolerance": 0})
    workshop = authoring.add_station(rally, actor=editor, title="Werkstatt", body_md="Hier wird restauriert.")
    stations["workshop"] = workshop
    tasks["tool"] = _task(authoring, workshop, editor, "text", "Womit trägt man Firnis auf?",
                          {"accepted_answers": ["Pinsel"], "max_typos": 1})
    tasks["year"] = _task(authoring, workshop, editor, "number", "In welchem Jahr wurde das Museum gegründet?",
                          {"value": 1880, "tolerance": 5})
    publishing.publish(rally, actor=editor, visibility="partners")
    return PlayData(rally=rally, run=_open_run(rally, school, teacher), stations=stations, tasks=tasks)


@pytest.fixture
def every_type_run(live_server):
    """A rally with one open station holding a task of every type, with offline feedback on."""
    from rallies import authoring, publishing
    from tests.rally_factories import SAMPLE_TASKS

    institution, school, editor, teacher = _people()
    rally = authoring.create_rally(
        institution, actor=editor, title="Alle Aufgaben", theme="Test", about="Stadtmuseum, alle Aufgabentypen",
        language="de", age_min=10, age_max=14,
        settings={"station_order": "fixed", "show_points": True, "show_solutions": True, "offline_feedback": True})
    station = authoring.add_station(rally, actor=editor, title="Alles auf einmal")
    tasks = {kind: _task(authoring, station, editor, kind, f"Aufgabe {kind}", spec["config"])
             for kind, spec in SAMPLE_TASKS.items()}
    publishing.publish(rally, actor=editor, visibility="partners")
    return PlayData(rally=rally, run=_open_run(rally, school, teacher), stations={"all": station}, tasks=tasks)
