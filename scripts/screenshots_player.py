#!/usr/bin/env python3
"""Refresh the web player's screenshots in docs/ from the demo rally, on a 390×844 phone screen.

Runs the app on a throw-away SQLite database with the demo seeded, drives Debian's
Chromium through Playwright, and writes docs/player-stations.png and docs/player-task.png.

    .venv/bin/python scripts/screenshots_player.py
"""

from __future__ import annotations

import pathlib
import sys
import tempfile
import threading

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def serve_demo(folder: pathlib.Path, after_seed=None):
    """The app with the demo seeded, served on a free port; `after_seed(run)` may add play data.

    Returns the server, its URL and the ids the screenshots need.
    """
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from rallies.db import db
    from rallies.models import ClassRun, Partnership
    from server import create_app
    from server.demo import seed

    app = create_app({"SECRET_KEY": "screenshots", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'shots.sqlite3'}",
                      "MEDIA_STORAGE": str(folder / "media"), "PUBLIC_URL": "http://127.0.0.1"})
    with app.app_context():
        upgrade()
        seed()
        db.session.commit()
        run = db.session.scalar(db.select(ClassRun).order_by(ClassRun.id))
        if after_seed is not None:
            after_seed(run)
        ids = {
            "run": run.id, "rally": run.rally_id, "join_code": run.join_code,
            "qr_tokens": [s.qr_token for s in sorted(run.rally.stations, key=lambda s: s.position) if s.qr_token],
            "partnership": db.session.scalar(db.select(Partnership.id).order_by(Partnership.id)),
        }
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}", ids


def main() -> None:
    from playwright.sync_api import expect, sync_playwright

    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server, url, ids = serve_demo(pathlib.Path(tmp))
        join_code, qr_tokens = ids["join_code"], ids["qr_tokens"]
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                              locale="de-DE", has_touch=True,
                                              geolocation={"latitude": 52.5166, "longitude": 13.3781, "accuracy": 12},
                                              permissions=["geolocation"])
                page = context.new_page()
                page.goto(f"{url}/join/{join_code}")
                page.get_by_label("Teamname / Team name").fill("Die Spurenleser")
                page.get_by_role("button", name="Beitreten / Join").click()
                stations = page.locator("ol.stations > li")
                expect(stations.first).to_be_visible()
                stations.first.get_by_role("link").click()
                page.get_by_role("button", name="Gelesen").first.click()
                page.get_by_label("1888").check()
                page.get_by_role("button", name="Antwort senden").first.click()
                expect(page.locator(".result.ok").nth(1)).to_be_visible()
                page.get_by_role("link", name="Alle Stationen").click()
                expect(page.locator("#sync-status")).to_contain_text("Alles übertragen")
                expect(page.locator(".score-line")).to_be_visible()
                page.screenshot(path=str(docs / "player-stations.png"))
                stations.nth(1).get_by_role("link").click()
                page.get_by_label("Code eintippen").fill(qr_tokens[0])
                page.get_by_role("button", name="Code senden").click()
                expect(page.locator("article.task").first).to_be_visible()
                page.wait_for_function("[...document.images].every((img) => img.complete)")
                page.locator(".station-body").evaluate("(el) => window.scrollTo(0, el.offsetTop - 8)")
                page.screenshot(path=str(docs / "player-task.png"))
                browser.close()
        finally:
            server.shutdown()
    print("wrote docs/player-stations.png and docs/player-task.png")


if __name__ == "__main__":
    main()
