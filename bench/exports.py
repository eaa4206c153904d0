"""How long the results spreadsheet of a class of 40 teams × 40 tasks takes (target: under 1 s).

    .venv/bin/python bench/exports.py [--teams 40] [--tasks 40] [--repeat 5]

Builds a temporary SQLite app through the migrations, publishes a rally of 10 stations
with 4 tasks each, lets every team answer every task through the play service (a third of
the answers wrong first, then right), and times `rallies.exports.results_xlsx` (and the
CSV and the live progress for comparison). Prints the times; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TYPES = ["single_choice", "number", "text", "survey"]
CONFIGS = {
    "single_choice": {"options": [{"id": "a", "text": "Rembrandt", "correct": True}, {"id": "b", "text": "Vermeer"}]},
    "number": {"value": 1642, "tolerance": 2},
    "text": {"accepted_answers": ["Nachtwache"], "max_typos": 1},
    "survey": {"scale": {"min": 1, "max": 5, "step": 1}},
}
RIGHT = {"single_choice": "a", "number": 1642, "text": "Nachtwache", "survey": 4}
WRONG = {"single_choice": "b", "number": 1600, "text": "Mona Lisa"}


def build(teams: int, tasks: int):
    from rallies import accounts, authoring, play, publishing, runs
    from rallies.db import db
    from rallies.models import Institution, School

    institution = Institution(name="Stadtmuseum", kind="museum", region="Mitte")
    school = School(name="Gesamtschule", region="Mitte")
    db.session.add_all([institution, school])
    db.session.flush()
    editor = accounts.create_user(email="editor@museum.example", password="bench password 1", role="editor",
                                  institution_ids=[institution.id])
    teacher = accounts.create_user(email="teacher@schule.example", password="bench password 1", role="teacher",
                                   school_ids=[school.id])
    rally = authoring.create_rally(institution, actor=editor, title="Bench-Rallye", about="Benchmark")
    per_station = 4
    for s in range((tasks + per_station - 1) // per_station):
        station = authoring.add_station(rally, actor=editor, title=f"Station {s + 1}")
        for t in range(min(per_station, tasks - s * per_station)):
            kind = TYPES[(s * per_station + t) % len(TYPES)]
            authoring.add_task(station, actor=editor, type=kind, prompt_md=f"Aufgabe {t + 1}", points=10,
                               config=CONFIGS[kind])
    publishing.publish(rally, actor=editor, visibility="public")
    now = dt.datetime.now(dt.timezone.utc)
    run = runs.start_run(rally, school=school, teacher=teacher, class_label="7b", starts_at=now - dt.timedelta(hours=1),
                         ends_at=now + dt.timedelta(hours=3), max_retention_days=365, default_retention_days=30)
    db.session.commit()
    task_list = [(task.id, task.type) for station in rally.stations for task in station.tasks]
    policy = play.PlayPolicy()
    for n in range(teams):
        team, _ = play.join(run.join_code, f"Team {n + 1}", policy=policy)
        items = []
        for index, (task_id, kind) in enumerate(task_list):
            at = (now + dt.timedelta(minutes=index)).isoformat()
            if kind in WRONG and (n + index) % 3 == 0:
                items.append({"id": str(uuid.uuid4()), "task_id": task_id, "value": WRONG[kind], "answered_at": at})
            items.append({"id": str(uuid.uuid4()), "task_id": task_id, "value": RIGHT[kind], "answered_at": at})
        for start in range(0, len(items), 100):
            play.submit_answers(team, items[start:start + 100], policy=policy)
        if n % 2 == 0:
            play.finish(team)
        db.session.commit()
    return run


def timed(label: str, function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - begin)
    size = f", {len(result) / 1024:.0f} KB" if isinstance(result, (bytes, bytearray)) else ""
    print(f"{label:<34} median {statistics.median(times) * 1000:7.1f} ms   best {min(times) * 1000:7.1f} ms{size}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=40)
    parser.add_argument("--tasks", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import logging

    from flask_migrate import upgrade

    from rallies import exports, results
    from rallies.db import db
    from server import create_app

    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                          "MEDIA_STORAGE": f"{folder}/media", "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade()
            begin = time.perf_counter()
            run = build(args.teams, args.tasks)
            from rallies.models import Answer

            answers = db.session.scalar(db.select(db.func.count(Answer.id)))
            print(f"built {args.teams} teams × {args.tasks} tasks ({answers} answers) in "
                  f"{time.perf_counter() - begin:.1f} s")
            xlsx = timed("XLSX (Teams, Answers, Tasks, Survey)", lambda: exports.results_xlsx(run), args.repeat)
            timed("CSV (answers view)", lambda: exports.results_csv(run, view="answers"), args.repeat)
            timed("live progress", lambda: results.live_progress(run), args.repeat)
            print(f"XLSX target < 1000 ms: {'met' if xlsx < 1 else 'MISSED'}")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
