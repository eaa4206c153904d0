#!/usr/bin/env python3
"""Refresh the README's screenshots in docs/: editor, teacher results, office checklist, player.

Seeds the demo into a throw-away SQLite database, lets a few teams play through the play
services, logs in as each role in Debian's Chromium and photographs the main pages.

    .venv/bin/python scripts/screenshots.py      (or: make screenshots)
"""

from __future__ import annotations

import datetime as dt
import pathlib
import subprocess
import sys
import tempfile
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.screenshots_player import ARGS, CHROMIUM, serve_demo  # noqa: E402


def play_some_teams(run) -> None:
    """Three teams answer the open stations, so the results page has something to show."""
    from rallies import play
    from rallies.db import db

    snapshot = run.rally_version.snapshot
    open_tasks = [t for s in snapshot["stations"] if s["unlock"]["mode"] == "open" for t in s["tasks"]]
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    answers = {"single_choice": ["a", "b", "a"], "text": ["Flöte", "Geige", "Floete"], "info": [None] * 3,
               "survey": [5, 4, 3]}
    for index, name in enumerate(["Die Spurenleser", "Team Turmfalke", "Museumsmäuse"]):
        team, _ = play.join(run.join_code, name, policy=play.PlayPolicy())
        items = []
        for task in open_tasks:
            values = answers.get(task["type"])
            if values is None:
                continue
            value = values[index]
            if task["type"] == "survey" and "options" in task["config"]:
                value = task["config"]["options"][index % 2]["id"]
            items.append({"id": str(uuid.uuid4()), "task_id": task["id"], "value": value, "answered_at": now})
        play.submit_answers(team, items, policy=play.PlayPolicy())
        db.session.commit()


def login(page, url: str, email: str) -> None:
    from server.demo import DEMO_PASSWORD

    page.goto(f"{url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")


def main() -> None:
    from playwright.sync_api import sync_playwright

    from server.demo import LOGINS

    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    shots = [
        ("editor", "/editor/rallies/{rally}", "editor-rally.png"),
        ("teacher", "/teacher/runs/{run}/results", "teacher-results.png"),
        ("office", "/office/partnerships/{partnership}", "office-partnership.png"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        server, url, ids = serve_demo(pathlib.Path(tmp), after_seed=play_some_teams)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for role, path, filename in shots:
                    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
                    page = context.new_page()
                    login(page, url, LOGINS[role])
                    page.goto(url + path.format(**ids))
                    page.screenshot(path=str(docs / filename), full_page=False)
                    context.close()
                browser.close()
        finally:
            server.shutdown()
    print("wrote " + ", ".join(f"docs/{f}" for _, _, f in shots))
    subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshots_player.py")], check=True)


if __name__ == "__main__":
    main()
