"""Throughput and paced phases driven by wrk (C, apt `wrk`) with bench/answers.lua.

The Python generator of bench/load.py shared the two cores with the servers and was what a
run measured; wrk costs a fraction of it per request. The scenario is the same: each team
answers every task like an offline phone (wrong, then right; batches of 5-10; 15 % replays),
a team's requests go out one after another on one connection, and the connections in flight
belong to different teams. wrk logs every response; this module checks it against the plan
with scenario's ledger (nothing lost, nothing doubled) and reads CPU time from /proc.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass

from bench import scenario
from bench.load import Response, Stats
from bench.machine import CLK_TCK, _descendants, _snapshot

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LUA = os.path.join(ROOT, "bench", "answers.lua")
WRK = shutil.which("wrk") or "/usr/bin/wrk"


@dataclass
class Planned:
    team: scenario.Team
    ids: list[str]
    replay: bool


@dataclass
class Phase:
    stats: Stats
    check: scenario.LedgerCheck | None  # filled in by the caller from the database
    server_cpu_s: float  # the server's processes (gunicorn arbiter and workers)
    db_cpu_s: float  # PostgreSQL's processes
    answers: int  # items in requests answered as expected
    exhausted_slots: int  # phones that ran out of planned requests before the phase ended

    @property
    def server_ms_per_answer(self) -> float:
        return 1000 * self.server_cpu_s / self.answers if self.answers else float("nan")

    @property
    def db_ms_per_answer(self) -> float:
        return 1000 * self.db_cpu_s / self.answers if self.answers else float("nan")


def write_plans(folder: str, teams: list[scenario.Team], tasks, *, path: str, connections: int,
                seed: int) -> list[list[Planned]]:
    """One plan file per connection; team i plays on connection i % connections."""
    rng = random.Random(seed)
    slots: list[list[Planned]] = [[] for _ in range(connections)]
    files = [open(os.path.join(folder, f"slot-{n}.plan"), "w") for n in range(connections)]
    try:
        for index, team in enumerate(teams):
            slot = index % connections
            for ids, body, replay in team_plan(tasks, rng):
                files[slot].write(f"{team.token}\t{path}\t{body}\n")
                slots[slot].append(Planned(team, ids, replay))
    finally:
        for f in files:
            f.close()
    return slots


def team_plan(tasks, rng: random.Random):
    """A team's batches as scenario.team_game sends them: (ids, body, replay)."""
    queue = []
    for task in tasks:
        queue += [(task.id, task.wrong)] * rng.choice(scenario.WRONG_COUNTS) + [(task.id, task.right)]
    sent = []
    position = 0
    while position < len(queue):
        size = rng.randint(5, 10)
        chunk = queue[position:position + size]
        position += size
        now = scenario._now_iso()
        items = [{"id": str(scenario.uuid.uuid4()), "task_id": task_id, "value": value, "answered_at": now}
                 for task_id, value in chunk]
        ids = [item["id"] for item in items]
        body = json.dumps({"answers": items}, separators=(",", ":"))
        yield ids, body, False
        sent.append((ids, body))
        if len(sent) > 1 and rng.random() < scenario.REPLAY_SHARE:
            old_ids, old_body = rng.choice(sent[:-1])
            yield old_ids, old_body, True


def teams_needed(rate: float, seconds: float, tasks: int, connections: int) -> int:
    """Enough teams that no phone runs out of requests at `rate` requests/s (with a margin)."""
    per_team = scenario.estimate_requests_per_team(tasks)
    return math.ceil(rate * seconds * 1.4 / per_team) + 2 * connections


def run_phase(port: int, teams: list[scenario.Team], tasks, *, label: str, path: str, connections: int,
              seconds: float, server_pids, db_roots, rate: float | None = None, seed: int = 1,
              log=print) -> Phase:
    """wrk with one thread per connection for `seconds`; with `rate` (requests/s in all) paced."""
    folder = tempfile.mkdtemp(prefix="rally-wrk-")
    try:
        slots = write_plans(folder, teams, tasks, path=path, connections=connections, seed=seed)
        interval_ms = connections * 1000.0 / rate if rate else 0
        env = dict(os.environ, BENCH_WRK_OUT=folder)
        argv = [WRK, "-t", str(connections), "-c", str(connections), "-d", f"{seconds:.0f}s", "--timeout", "10s",
                "-s", LUA, f"http://127.0.0.1:{port}", "--", folder, f"{interval_ms:.3f}", str(connections)]
        from bench import load

        if load.METER is not None:
            load.METER.start()
        before = _snapshot()
        started = time.monotonic()
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=seconds + 120)
        elapsed = time.monotonic() - started
        after = _snapshot()
        foreign = load.METER.stop() if load.METER is not None else None
        if done.returncode != 0:
            raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        server_cpu = _cpu(server_pids(), before, after)
        db_cpu = _cpu(_descendants(set(db_roots()), after), before, after)
        stats, exhausted = _evaluate(folder, slots, label, connections, elapsed)
        stats.foreign_cores = foreign
        phase = Phase(stats, None, server_cpu, db_cpu, stats.ok_items, exhausted)
        if exhausted:
            log(f"  {label}: {exhausted} phones ran out of planned requests (more teams needed)")
        return phase
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _cpu(pids, before: dict, after: dict) -> float:
    ticks = 0
    for pid in pids:
        if pid in after:
            ticks += after[pid][1] - before.get(pid, (0, 0))[1]
    return ticks / CLK_TCK


def _evaluate(folder: str, slots: list[list[Planned]], label: str, connections: int, elapsed: float):
    stats = Stats(label, connections)
    stats.elapsed = elapsed
    exhausted = 0
    for number, plan in enumerate(slots):
        path = os.path.join(folder, f"slot-{number}.log")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            header = f.readline().rstrip("\n").split("\t")
            sent, ran_out = int(header[1]), int(header[2])
            exhausted += ran_out
            answered = {}
            for line in f:
                position, status, latency, code, items = line.rstrip("\n").split("\t")
                answered[int(position)] = (int(status), float(latency), code, items)
        for position in range(1, min(sent, len(plan)) + 1):
            planned = plan[position - 1]
            check = scenario._answers_check(planned.team, planned.ids, planned.replay)
            if not planned.replay:
                scenario._mark_sent(planned.team, planned.ids)()
            if position not in answered:
                if position < sent:  # the last one was in flight when the phase ended
                    stats.error("no answer (transport error or timeout)")
                continue
            status, latency, code, items = answered[position]
            stats.requests += 1
            stats.latencies.append(latency / 1000)
            stats.statuses[status] = stats.statuses.get(status, 0) + 1
            results = [dict(zip(("id", "status"), pair.split(":", 1))) for pair in items.split(",") if pair]
            body = json.dumps({"results": results} if status == 200 else {"code": code}).encode()
            problem = check(Response(status, {}, body))
            if problem:
                stats.error(problem)
            else:
                stats.ok_requests += 1
                stats.ok_items += len(planned.ids)
    return stats, exhausted
