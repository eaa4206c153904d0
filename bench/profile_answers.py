"""CPU profile of the answer path in one process: the bench scenario through the Flask test client.

    .venv/bin/python bench/profile_answers.py [--requests N] [--top N]

Starts a throwaway PostgreSQL (bench.pg), migrates and seeds it like `make bench`, joins
teams, then sends the scenario's batches (wrong then right, 5-10 items, 15 % replays) and
prints the CPU time per request and per answer and cProfile's top functions. On a busy
machine wall-clock figures mean little; CPU per request does. Under real load, py-spy on
the gunicorn workers tells the same story (docs/notes-playcore.md).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import ours, scenario, wrk  # noqa: E402
from bench.pg import BenchPostgres  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    media = tempfile.mkdtemp(prefix="rally-profile-")
    pg = BenchPostgres().start()
    try:
        pg.createdb(ours.DB_NAME)
        subprocess.run([os.path.join(os.path.dirname(sys.executable), "flask"), "--app", "server", "db", "upgrade"],
                       cwd=ROOT, env=ours.server_env(pg, media), check=True, capture_output=True, timeout=300)
        seeded = ours.seed(pg, media)
        from server import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": pg.url(ours.DB_NAME), "MEDIA_STORAGE": media,
                          "SECRET_KEY": "profile", "LOG_LEVEL": "WARNING", "RATELIMIT_ENABLED": False})
        client = app.test_client()
        per_team = scenario.estimate_requests_per_team(len(seeded.tasks))
        teams = []
        for n in range(int(args.requests / per_team) + 2):
            body = client.post("/api/v1/join", json={"code": seeded.join_code, "team_name": f"P{n}"}).get_json()
            teams.append(scenario.Team(key=body["team"]["id"], token=body["token"]))
        rng = random.Random(1)
        requests = []
        for team in teams:  # round robin over the teams, as phones would interleave
            requests.append([(team, body) for _, body, _ in wrk.team_plan(seeded.tasks, rng)])
        order = [pair for group in zip(*requests) for pair in group][:args.requests]
        answers = sum(body.count('"task_id"') for _, body in order)
        from collections import Counter

        from sqlalchemy import event

        from rallies.db import db

        statements = Counter()
        with app.app_context():
            engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def count(conn, cursor, statement, parameters, context, executemany):
            statements[" ".join(statement.split())[:90]] += 1

        profile = cProfile.Profile(time.process_time)  # CPU time: waits for PostgreSQL do not count
        cpu, wall = time.process_time(), time.perf_counter()
        profile.enable()
        for team, body in order:
            response = client.post("/api/v1/team/answers", data=body, content_type="application/json",
                                   headers={"Authorization": f"Bearer {team.token}"})
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
        profile.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"{len(order)} requests, {answers} answers: {1000 * cpu / len(order):.2f} ms CPU a request, "
              f"{1000 * cpu / answers:.3f} ms CPU an answer (wall {1000 * wall / len(order):.2f} ms a request; "
              "cProfile adds its own overhead)")
        print("statements a request:")
        for text, number in statements.most_common(12):
            print(f"  {number / len(order):5.2f}  {text}")
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
    finally:
        pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
