"""`make bench`: our server, the floor and CTFd under the same load, plus static figures.

Starts everything itself on 127.0.0.1 (PostgreSQL on a unix socket in a temp dir, gunicorn
servers on free loopback ports), stops everything itself, and prints one table. Bounded:
each load phase stops after PHASE_SECONDS or PHASE_MAX_REQUESTS, whichever comes first.

    .venv/bin/python bench/run.py [--quick] [--no-ctfd] [--seconds N] [--record]

--record also writes the table with the machine's description to bench/RESULTS.md;
every run writes it to bench/results/latest.md (ignored by git).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import ours, scenario, wrk  # noqa: E402
from bench.pg import BenchPostgres  # noqa: E402
from bench.procs import Server, free_port, gunicorn_argv, stop_all  # noqa: E402

VENV_BIN = os.path.dirname(sys.executable)
GUNICORN = os.path.join(VENV_BIN, "gunicorn")
WORKERS = 2
# gunicorn as the README deploys it (server/gunicorn_conf.py: metrics folder, 1 ms GIL switch
# interval), for ours and the floor alike
PRODUCTION_CONF = ["-c", "python:server.gunicorn_conf"]
CONCURRENCIES = (50, 200)
PACED_TEAMS = 200
PACED_SHARE = 0.5  # the paced phase offers this share of our measured saturation throughput
LIVE_PAGES = 30  # teacher live pages open during one phase (issue 16: they may cost at most 5 % of answers/s)
LIVE_TEAMS = 50  # that phase's concurrency, compared with the plain phase at the same concurrency
TEACHER = ("lehrerin@bench.example", "bench-password-2026")  # seeded by bench/ours.py
OURS_RATE_CEILING = 900.0  # requests/s ours is not expected to exceed (teams are joined for it)
FLOOR_RATE_CEILING = 2000.0  # the same for the floor (its teams cost nothing to make)
PHASE_SECONDS = 20.0
PHASE_MAX_REQUESTS = 20000
CALIBRATION_SECONDS = 6.0
# gunicorn worker configurations tried on our server; the best is used for ours and the floor
WORKER_CONFIGS = (("sync", 1), ("gthread", 4), ("gthread", 8), ("gthread", 16))

TARGETS = {
    "vs_ctfd": 10.0,  # our answers/s at least 10x CTFd's submissions/s
    "vs_floor": 0.60,  # at least 60 % of the floor's answers/s
    "p99_ms_200": 100.0,
    "rps_200": 300.0,
    "bundle_bytes": 60 * 1024,
    "image_px": 1280,
    "xlsx_s": 1.0,
    "qr_pdf_s": 2.0,
    "live_pages_cost": 0.05,  # answers/s lost with LIVE_PAGES live pages open
}


def live_view_cpu_seconds(port: int) -> float:
    """CPU seconds our workers spent on live pages so far (rallyhub_live_view_cpu_seconds_total, summed
    over the workers by prometheus_client's multiprocess mode; /metrics answers loopback)."""
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    match = re.search(r"^rallyhub_live_view_cpu_seconds_total ([0-9.eE+-]+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Bench:
    def __init__(self, args) -> None:
        self.args = args
        self.seconds = args.seconds
        self.tmp = tempfile.mkdtemp(prefix="rally-bench-")
        self.media = os.path.join(self.tmp, "media")
        os.makedirs(self.media)
        self.logs = os.path.join(ROOT, "bench", "results")
        os.makedirs(self.logs, exist_ok=True)
        self.pg: BenchPostgres | None = None
        self.results: dict = {"load": {}, "checks": {}, "cpu": {}, "calibration": [], "static": {}, "notes": []}
        self.seeded: ours.Seeded | None = None
        self.worker_config = ("gthread", 4)

    # --- servers -------------------------------------------------------------------------

    def start_ours(self, worker_class: str, threads: int) -> Server:
        port = free_port()
        argv = gunicorn_argv(GUNICORN, "bench.wsgi_ours:app", port, workers=WORKERS, worker_class=worker_class,
                             threads=threads, extra=PRODUCTION_CONF)
        return Server("our server", argv, env=ours.server_env(self.pg, self.media), cwd=ROOT, port=port,
                      log_path=os.path.join(self.logs, "ours.log")).start()

    def start_floor(self, worker_class: str, threads: int) -> Server:
        port = free_port()
        env = dict(os.environ, DATABASE_URL=self.pg.url("floor_bench"), PYTHONPATH=ROOT)
        argv = gunicorn_argv(GUNICORN, "bench.floor_app:app", port, workers=WORKERS, worker_class=worker_class,
                             threads=threads, extra=PRODUCTION_CONF)
        return Server("floor", argv, env=env, cwd=ROOT, port=port,
                      log_path=os.path.join(self.logs, "floor.log")).start()

    # --- our server ----------------------------------------------------------------------

    def run_ours(self) -> None:
        log("our server: migrating (flask db upgrade) and seeding")
        ours.migrate(self.pg, self.media, os.path.join(self.logs, "ours.log"))
        started = time.perf_counter()
        self.seeded = ours.seed(self.pg, self.media)
        log(f"seeded in {time.perf_counter() - started:.1f} s: {len(self.seeded.tasks)} tasks, "
            f"join code {self.seeded.join_code}")
        names = (f"Team {n:05d}" for n in itertools.count(1))

        if self.args.workers:
            kind, _, threads = self.args.workers.partition(":")
            self.worker_config = (kind, int(threads or 1))
        else:
            best = None
            for kind, threads in WORKER_CONFIGS:
                server = self.start_ours(kind, threads)
                try:
                    wait_ready(server.port)
                    phase = self._ours_phase(server, names, f"{kind}:{threads}", 200, seconds=CALIBRATION_SECONDS,
                                             seed=7, record=False)
                finally:
                    server.stop()
                stats = phase.stats
                self.results["calibration"].append(stats.summary())
                log(f"  calibration {kind} threads={threads}: {stats.rps:.0f} req/s, p99 {stats.percentile(99):.0f} ms,"
                    f" errors {stats.error_count}")
                score = stats.rps if stats.error_count == 0 else stats.rps * 0.5
                if best is None or score > best[0]:
                    best = (score, kind, threads)
            self.worker_config = (best[1], best[2])
        kind, threads = self.worker_config
        log(f"worker configuration: {WORKERS} workers, {kind}" + (f" with {threads} threads" if kind == "gthread" else ""))

        server = self.start_ours(kind, threads)
        try:
            wait_ready(server.port)
            self.results["static"]["bundle_http"] = asyncio.run(
                ours.bundle_etag_check(server.port, self.seeded.bundle_code))
            saturation = 0.0
            for concurrency in CONCURRENCIES:
                phase = self._ours_phase(server, names, "ours", concurrency, seconds=self.seconds, seed=concurrency)
                saturation = max(saturation, phase.stats.rps)
                if concurrency == LIVE_TEAMS:
                    self._ours_with_live_pages(server, names)
            # Latency at a held load: 200 teams offering half of the saturation throughput just measured.
            rate = max(1.0, saturation * PACED_SHARE)
            self.results["paced"] = {"rate": rate, "saturation": saturation}
            self._ours_phase(server, names, "ours_paced", PACED_TEAMS, seconds=self.seconds, seed=99, rate=rate)
        finally:
            server.stop()

    def _ours_with_live_pages(self, server, names) -> None:
        """The same load with its teams spread over LIVE_PAGES classes, without and then with each
        class's teacher watching the live page (30 teachers, as in a busy morning), and once more
        without: the live phase is compared with the mean of the two around it, so that a drift
        of the machine during the three phases does not count as the pages' cost."""
        from bench.live_pages import start_live_pages

        runs = self.seeded.live_runs[:LIVE_PAGES]
        codes = [code for _, code in runs]
        before = self._ours_phase(server, names, "ours_classes", LIVE_TEAMS, seconds=self.seconds, seed=LIVE_TEAMS,
                                  codes=codes)
        stop_pages = start_live_pages(f"http://127.0.0.1:{server.port}", *TEACHER, [run_id for run_id, _ in runs],
                                      open_within=30)
        live_cpu_before = live_view_cpu_seconds(server.port)
        try:
            watched = self._ours_phase(server, names, "ours_live", LIVE_TEAMS, seconds=self.seconds,
                                       seed=LIVE_TEAMS + 1, codes=codes)
        finally:
            pages = stop_pages()
        pages["cpu_share"] = (live_view_cpu_seconds(server.port) - live_cpu_before) / watched.server_cpu_s
        after = self._ours_phase(server, names, "ours_classes_after", LIVE_TEAMS, seconds=self.seconds,
                                 seed=LIVE_TEAMS + 2, codes=codes, record=False)
        baseline = (before.stats.items_per_s + after.stats.items_per_s) / 2
        self.results["live_pages"] = {"pages": len(runs), "baseline_answers_per_s": baseline, **pages}
        log(f"  live pages: {pages}; without pages {before.stats.items_per_s:.0f} before and "
            f"{after.stats.items_per_s:.0f} answers/s after")

    def _ours_phase(self, server, names, system: str, concurrency: int, *, seconds: float, seed: int,
                    rate: float | None = None, record: bool = True, codes: list[str] | None = None):
        expected = rate or OURS_RATE_CEILING
        pool = wrk.teams_needed(expected, seconds, len(self.seeded.tasks), concurrency)
        codes = codes or [self.seeded.join_code]
        log(f"{system}: joining {pool} teams for {concurrency} connections" +
            (f" into {len(codes)} classes" if len(codes) > 1 else ""))
        team_names = [next(names) for _ in range(pool)]
        teams = [team for n, code in enumerate(codes)
                 for team in asyncio.run(ours.join_teams(server.port, code, team_names[n::len(codes)]))]
        log(f"{system}: {concurrency} teams at once, {seconds:.0f} s" + (f", paced at {rate:.0f} req/s" if rate else ""))
        phase = wrk.run_phase(server.port, teams, self.seeded.tasks, label=f"{system}/{concurrency}",
                              path="/api/v1/team/answers", connections=concurrency, seconds=seconds,
                              server_pids=lambda: [server.proc.pid, *server.worker_pids()],
                              db_roots=self.db_roots, rate=rate, seed=seed, log=log)
        phase.check = scenario.check_ledgers(teams, ours.db_rows(self.pg, teams))
        if record:
            self._record_phase(system, concurrency, phase)
        return phase

    # --- the floor -----------------------------------------------------------------------

    def run_floor(self) -> None:
        from bench import floor_app

        self.pg.createdb("floor_bench")
        floor_app.create_schema(self.pg.url("floor_bench"))
        kind, threads = self.worker_config
        server = self.start_floor(kind, threads)
        keys = itertools.count(1)
        try:
            for concurrency in CONCURRENCIES:
                pool = wrk.teams_needed(FLOOR_RATE_CEILING, self.seconds, len(self.seeded.tasks), concurrency)
                teams = [scenario.Team(key=key, token=str(key)) for key in itertools.islice(keys, pool)]
                log(f"floor: {concurrency} teams at once, {self.seconds:.0f} s")
                phase = wrk.run_phase(server.port, teams, self.seeded.tasks, label=f"floor/{concurrency}",
                                      path="/answers", connections=concurrency, seconds=self.seconds,
                                      server_pids=lambda: [server.proc.pid, *server.worker_pids()],
                                      db_roots=self.db_roots, seed=concurrency, log=log)
                ids = ",".join(str(t.key) for t in teams) or "0"
                rows = [(int(a), b, int(c)) for a, b, c in self.pg.rows(
                    f"SELECT team_id, client_id, count(*) FROM floor_answers WHERE team_id IN ({ids}) GROUP BY 1, 2",
                    "floor_bench")]
                phase.check = scenario.check_ledgers(teams, rows)
                self._record_phase("floor", concurrency, phase)
        finally:
            server.stop()

    # --- CTFd ----------------------------------------------------------------------------

    def run_ctfd(self) -> None:
        if self.args.no_ctfd:
            self.results["ctfd_status"] = "not measured (--no-ctfd)"
            return
        try:
            from bench import ctfd
        except ImportError as error:
            self.results["ctfd_status"] = f"not measured (bench/ctfd.py: {error})"
            return
        try:
            outcome = ctfd.measure(self.pg, concurrencies=CONCURRENCIES, seconds=self.seconds,
                                   max_requests=PHASE_MAX_REQUESTS, logs=self.logs, log=log)
        except Exception as error:  # the peer failing must not sink the run
            traceback.print_exc()
            self.results["ctfd_status"] = f"not measured ({type(error).__name__}: {str(error)[:200]})"
            stop_all_ctfd = getattr(ctfd, "stop", None)
            if stop_all_ctfd:
                stop_all_ctfd()
            return
        for concurrency, (stats, check) in outcome["phases"].items():
            self._record("ctfd", concurrency, stats, check)
        self.results["ctfd_status"] = outcome.get("status", "measured")
        self.results["notes"] += outcome.get("notes", [])

    # --- static figures ------------------------------------------------------------------

    def run_static(self) -> None:
        static = self.results["static"]
        if self.seeded:
            static["bundle_bytes"] = self.seeded.bundle_bytes
            static["image"] = self.seeded.image
        for name in ("exports", "qr_kit"):
            static[name] = self._colleague_figures(name)

    def _colleague_figures(self, name: str) -> dict:
        """Call bench/<name>.py's main() if it exists (it returns a dict of figures)."""
        path = os.path.join(ROOT, "bench", f"{name}.py")
        if not os.path.exists(path):
            return {"todo": f"bench/{name}.py not written yet"}
        log(f"static figures: bench/{name}.py")
        # Its own process: a colleague's module may build an app and a database of its own.
        env = dict(os.environ, PYTHONPATH=ROOT)
        code = (f"import json, sys; sys.path.insert(0, {ROOT!r}); import bench.{name} as m\n"
                "if not callable(getattr(m, 'main', None)): sys.exit(3)\n"
                "r = m.main(); print('BENCH-JSON ' + json.dumps(r, default=str))")
        try:
            done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=300)
            if done.returncode == 3:  # no main(): run it as a script and keep what it prints
                done = subprocess.run([sys.executable, path], cwd=ROOT, env=env, capture_output=True, text=True,
                                      timeout=300)
                if done.returncode == 0:
                    return {"printed": " | ".join(done.stdout.strip().splitlines()[-4:])}
        except subprocess.TimeoutExpired:
            return {"error": f"bench/{name}.py took over 300 s"}
        for line in done.stdout.splitlines():
            if line.startswith("BENCH-JSON "):
                figures = json.loads(line[len("BENCH-JSON "):])
                if isinstance(figures, dict):
                    return figures
                printed = [ln for ln in done.stdout.splitlines() if not ln.startswith("BENCH-JSON ")]
                return {"printed": " | ".join(printed[-4:])} if printed else {"result": figures}
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"error": f"bench/{name}.py gave no figures (exit {done.returncode}): " + " | ".join(tail)}

    # --- bookkeeping ---------------------------------------------------------------------

    def _record_phase(self, system: str, concurrency: int, phase) -> None:
        """A wrk phase's figures, with the CPU time per answer of the server and of PostgreSQL."""
        self.results["cpu"][(system, concurrency)] = (phase.server_ms_per_answer, phase.db_ms_per_answer)
        self._record(system, concurrency, phase.stats, phase.check)

    def _record(self, system: str, concurrency: int, stats, check) -> None:
        self.results["load"][(system, concurrency)] = stats
        self.results["checks"][(system, concurrency)] = check
        cpu = self.results["cpu"].get((system, concurrency))
        log(f"  {system}/{concurrency}: {stats.rps:.0f} req/s, {stats.items_per_s:.0f} items/s, "
            f"p50 {stats.percentile(50):.0f} / p95 {stats.percentile(95):.0f} / p99 {stats.percentile(99):.0f} ms, "
            f"errors {stats.error_count}; {check.line() if check else 'no DB check'}"
            + (f"; CPU {cpu[0]:.2f} ms (server) + {cpu[1]:.2f} ms (PostgreSQL) per answer" if cpu else ""))

    def run(self) -> str:
        log(f"temp dir {self.tmp}; logs in bench/results/")
        self.pg = BenchPostgres().start()
        from bench import load as load_module
        from bench.machine import ForeignLoad, postmaster_pid

        postmaster = postmaster_pid(self.pg.data_dir)
        load_module.METER = ForeignLoad(lambda: {postmaster} if postmaster else set())
        self.db_roots = lambda: {postmaster} if postmaster else set()
        log(f"PostgreSQL up: {self.pg.version}, socket {self.pg.socket_dir}")
        steps = [("our server", self.run_ours), ("floor", self.run_floor), ("CTFd", self.run_ctfd),
                 ("static figures", self.run_static)]
        for name, step in steps:
            try:
                step()
            except Exception as error:
                traceback.print_exc()
                self.results["notes"].append(f"{name} failed: {type(error).__name__}: {str(error)[:300]}")
        from bench.report import render

        return render(self.results, self.worker_config, WORKERS, TARGETS, self.seconds, PHASE_MAX_REQUESTS)

    def cleanup(self) -> None:
        stop_all()
        try:
            from bench import ctfd

            ctfd.stop()
        except Exception:
            pass
        if self.pg is not None:
            self.pg.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def wait_ready(port: int, timeout: float = 180.0) -> None:
    """Until both workers have booted: /readyz answers 200 a few times in a row."""
    import urllib.request

    deadline, good = time.monotonic() + timeout, 0
    while time.monotonic() < deadline and good < 4:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=30) as response:
                good = good + 1 if response.status == 200 else 0
        except OSError:
            good = 0
            time.sleep(0.5)


def machine_description(pg_version: str) -> str:
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    return "\n".join([
        f"- date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- nproc: {os.cpu_count()} ({cpu})" if cpu else f"- nproc: {os.cpu_count()}",
        f"- Python {platform.python_version()}, {pg_version}, {platform.system()} {platform.release()}",
        "- free -h:", "", "```", free, "```",
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=PHASE_SECONDS, help="length of each load phase")
    parser.add_argument("--quick", action="store_true", help="5 s phases, one worker configuration, no CTFd")
    parser.add_argument("--no-ctfd", action="store_true", help="skip the CTFd peer")
    parser.add_argument("--workers", default="gthread:4",
                        help="worker class for ours and the floor (default gthread:4, as the README deploys; "
                             "threads overlap the waits on PostgreSQL), e.g. sync or gthread:8")
    parser.add_argument("--calibrate", action="store_true",
                        help="instead, try sync and gthread with 4/8/16 threads briefly and keep the fastest")
    parser.add_argument("--record", action="store_true", help="also write bench/RESULTS.md")
    args = parser.parse_args()
    if args.calibrate:
        args.workers = None
    if args.quick:
        args.seconds = min(args.seconds, 5.0)
        args.no_ctfd = True
        args.workers = args.workers or "gthread:4"
    bench = Bench(args)
    started = time.monotonic()
    try:
        table = bench.run()
        pg_version = bench.pg.version if bench.pg else ""
    finally:
        bench.cleanup()
    elapsed = time.monotonic() - started
    document = (f"{table}\n\nMachine:\n\n{machine_description(pg_version)}\n\n"
                f"Whole run: {elapsed / 60:.1f} min (`make bench`).\n")
    print("\n" + document)
    with open(os.path.join(ROOT, "bench", "results", "latest.md"), "w") as f:
        f.write(document)
    if args.record:
        with open(os.path.join(ROOT, "bench", "RESULTS.md"), "w") as f:
            f.write("# Benchmark results\n\n"
                    "One run of `make bench` (`.venv/bin/python bench/run.py --record` writes this file; every run\n"
                    "writes the same table to `bench/results/latest.md`, and server logs beside it). To reproduce:\n"
                    "`make bench` on a quiet 2-core machine with Debian's PostgreSQL 15; it starts its own cluster\n"
                    "and servers on 127.0.0.1, unpacks and installs CTFd into `bench/_peers/` on first use, and\n"
                    "stops everything at the end. `--quick` gives a 1-minute smoke run without CTFd.\n\n"
                    + document)
    return 0


if __name__ == "__main__":
    sys.exit(main())
