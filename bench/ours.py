"""Our server under load: migrate, seed through the services, join teams, answer, check the DB."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import subprocess
import sys
import time
from dataclasses import dataclass

from bench.load import Connection
from bench.scenario import TaskSpec, Team

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.dirname(sys.executable)
DB_NAME = "rally_bench"

# One station's tasks: (type, config, right value, wrong value)
STATION_TASKS = [
    ("single_choice", {"options": [{"id": "a", "text": "Rembrandt", "correct": True},
                                   {"id": "b", "text": "Vermeer"}, {"id": "c", "text": "Hals"}]}, "a", "b"),
    ("number", {"value": 1642, "tolerance": 2, "unit": "Jahr"}, 1642, 1000),
    ("text", {"accepted_answers": ["Nachtwache"], "max_typos": 1}, "Nachtwache", "Sonnenblumen"),
    ("single_choice", {"options": [{"id": "x", "text": "Öl", "correct": True},
                                   {"id": "y", "text": "Aquarell"}]}, "x", "y"),
]


@dataclass
class Seeded:
    join_code: str
    tasks: list[TaskSpec]
    bundle_code: str  # free-play code of the 30-station rally
    bundle_bytes: int  # its bundle, built through rallies.bundle
    image: dict  # the 4000x3000 JPEG's stored renditions
    live_runs: list[tuple[int, str]]  # (id, join code) of the classes whose live pages are open in one phase


def server_env(pg, media_dir: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": pg.url(DB_NAME).replace("postgresql+psycopg://", "postgresql://"),
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "RALLY_ENV": "production",
        "MEDIA_STORAGE": media_dir,
        "LOG_LEVEL": "WARNING",
        "PUBLIC_URL": "http://127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",  # plain http on loopback: the live-page phase logs in
        "PYTHONPATH": ROOT,
    })
    return env


def migrate(pg, media_dir: str, log_path: str) -> None:
    """`flask --app server db upgrade` against a new database, as an operator would."""
    pg.createdb(DB_NAME)
    with open(log_path, "ab") as log:
        subprocess.run([os.path.join(VENV_BIN, "flask"), "--app", "server", "db", "upgrade"], cwd=ROOT,
                       env=server_env(pg, media_dir), stdout=log, stderr=subprocess.STDOUT, check=True, timeout=300)


def seed(pg, media_dir: str, *, stations: int = 10, live_classes: int = 30) -> Seeded:
    """The benchmark rally (stations x 4 tasks, open unlock), a class run, and the static-figure data."""
    from rallies import accounts, authoring, publishing
    from rallies.bundle import build_bundle, bundle_json
    from rallies.db import db, utcnow
    from rallies.media_library import add_media
    from rallies.models import ClassRun, Institution, RallyVersion, School
    from rallies.runtime import media_limits, media_storage
    from server import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": pg.url(DB_NAME), "MEDIA_STORAGE": media_dir,
                      "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"})
    with app.app_context():
        museum = Institution(name="Stadtmuseum Beispielstadt", kind="museum", municipal=True, region="Mitte",
                             address="Museumsplatz 1", lat=52.5163, lon=13.3777)
        school = School(name="Gesamtschule Am Park", region="Mitte", address="Parkweg 5")
        db.session.add_all([museum, school])
        db.session.flush()
        editor = accounts.create_user(email="redaktion@bench.example", password="bench-password-2026",
                                      role="editor", display_name="Redaktion", institution_ids=[museum.id])
        teacher = accounts.create_user(email="lehrerin@bench.example", password="bench-password-2026",
                                       role="teacher", display_name="Lehrerin", school_ids=[school.id])
        settings = {"station_order": "free", "wrong_attempt_penalty": 1, "show_points": True,
                    "show_solutions": True, "offline_feedback": False}
        rally = _rally(authoring, museum, editor, "Benchmark-Rallye", stations, settings)
        publishing.publish(rally, actor=editor, visibility="public")
        now = utcnow()
        run = ClassRun(rally_id=rally.id, rally_version_id=rally.published_version_id, school_id=school.id,
                       teacher_id=teacher.id, class_label="7b", join_code=publishing.unique_join_code(),
                       starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=6),
                       retention_days=30, delete_after=now + dt.timedelta(days=31))
        db.session.add(run)
        live_runs = [ClassRun(rally_id=rally.id, rally_version_id=rally.published_version_id, school_id=school.id,
                              teacher_id=teacher.id, class_label=f"Klasse {n + 1}", join_code=publishing.unique_join_code(),
                              starts_at=run.starts_at, ends_at=run.ends_at, retention_days=30,
                              delete_after=run.delete_after) for n in range(live_classes)]
        db.session.add_all(live_runs)
        db.session.flush()
        tasks = []
        for station in rally.stations:
            for task, (_, _, right, wrong) in zip(station.tasks, STATION_TASKS):
                tasks.append(TaskSpec(task.id, right, wrong))

        big = _rally(authoring, museum, editor, "Große Stadtrallye mit dreißig Stationen", 30,
                     {**settings, "station_order": "fixed"})
        publishing.publish(big, actor=editor, visibility="public")
        version = db.session.get(RallyVersion, big.published_version_id)
        bundle_bytes = len(bundle_json(build_bundle(version.snapshot, version.version)))

        started = time.perf_counter()
        asset = add_media(_photo(4000, 3000), storage=media_storage(), limits=media_limits(),
                          institution_id=museum.id)
        image = {"original": [asset.width, asset.height],
                 "display": [asset.display_width, asset.display_height],
                 "display_bytes": asset.display_bytes, "seconds": time.perf_counter() - started}
        db.session.commit()
        result = Seeded(run.join_code, tasks, big.free_play_code, bundle_bytes, image,
                        [(r.id, r.join_code) for r in live_runs])
        db.session.remove()
        db.engine.dispose()
    return result


def _rally(authoring, museum, editor, title: str, stations: int, settings: dict):
    """A rally as an editor writes one: a paragraph per station, a sentence per task prompt."""
    rally = authoring.create_rally(
        museum, actor=editor, title=title, theme="Stadtgeschichte", language="de", age_min=10, age_max=14,
        description_md="Entdeckt in Teams die Geschichte unserer Stadt: vom **Marktplatz** bis zur Museumshalle.",
        about="Erstellt vom Stadtmuseum Beispielstadt für Klassen 5 bis 8.", settings=settings)
    for s in range(stations):
        station = authoring.add_station(
            rally, actor=editor, title=f"Station {s + 1}: Saal {s + 1}", unlock_mode="open",
            body_md=f"Geht in Saal {s + 1} und schaut euch die Ausstellungsstücke genau an. "
                    "Lest die Tafeln neben den Bildern, bevor ihr die Fragen beantwortet.")
        for t, (task_type, config, _, _) in enumerate(STATION_TASKS):
            authoring.add_task(station, actor=editor, type=task_type, points=10,
                               prompt_md=f"Frage {t + 1} zu Saal {s + 1}: Was zeigt das Bild an der **Nordwand**?",
                               config=config, feedback_correct="Richtig!", feedback_wrong="Leider falsch.")
    return rally


def _photo(width: int, height: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (40, 90, 140))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 97):
        draw.line([(x, 0), (x - 900, height)], fill=(200, 120 + x % 100, 60), width=25)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


# --- Over HTTP ----------------------------------------------------------------------------

async def join_teams(port: int, code: str, names: list[str]) -> list[Team]:
    """POST /api/v1/join for each name (16 at a time); every join must answer 201."""
    conns = [Connection(port) for _ in range(16)]

    async def join(index: int, name: str) -> Team:
        conn = conns[index % len(conns)]
        response = await conn.request("POST", "/api/v1/join", json_body={"code": code, "team_name": name})
        if response.status != 201:
            raise RuntimeError(f"join answered {response.status}: {response.text[:300]}")
        body = response.json()
        return Team(key=int(body["team"]["id"]), token=body["token"])

    # a connection carries one request at a time: each connection works through its own lane
    lanes: list[list] = [[] for _ in conns]
    for i, name in enumerate(names):
        lanes[i % len(conns)].append((i, name))

    async def lane(items):
        return [await join(i, name) for i, name in items]

    try:
        results = await asyncio.gather(*(lane(items) for items in lanes))
    finally:
        for conn in conns:
            conn.close()
    ordered: list[Team | None] = [None] * len(names)
    for items, teams in zip(lanes, results):
        for (i, _), team in zip(items, teams):
            ordered[i] = team
    return ordered  # type: ignore[return-value]


async def bundle_etag_check(port: int, code: str) -> dict:
    """A free-play team of the 30-station rally fetches its bundle, then again with If-None-Match."""
    conn = Connection(port)
    try:
        joined = await conn.request("POST", "/api/v1/join", json_body={"code": code, "team_name": "Bundle-Team"})
        if joined.status != 201:
            return {"error": f"join answered {joined.status}"}
        body = joined.json()
        auth = {"Authorization": f"Bearer {body['token']}"}
        url = body["rally"]["bundle_url"]
        first = await conn.request("GET", url, headers=auth)
        etag = first.headers.get("etag")
        second = await conn.request("GET", url, headers={**auth, "If-None-Match": etag or '"none"'})
        return {"status": first.status, "bytes": len(first.body), "etag": etag, "revalidated": second.status,
                "revalidated_bytes": len(second.body)}
    finally:
        conn.close()


def db_rows(pg, teams: list[Team]) -> list[tuple[int, str, int]]:
    ids = ",".join(str(t.key) for t in teams) or "0"
    return [(int(a), b, int(c)) for a, b, c in pg.rows(
        f"SELECT team_id, client_id, count(*) FROM answers WHERE team_id IN ({ids}) GROUP BY 1, 2", DB_NAME)]
