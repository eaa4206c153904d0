"""CTFd 3.8.7, the nearest Flask peer, under the same load shape: one flag submission a request.

CTFd is not on PyPI, so the upstream release in ../shared/peers is unpacked into bench/_peers
(ignored by git) with its own venv and its pinned requirements.txt, plus psycopg2-binary for
PostgreSQL and psycogreen, because it runs as upstream ships it: gunicorn with gevent workers
(docker-entrypoint.sh), here 2 of them, and psycopg2 blocks a gevent worker without it.

Everything is done as a person would, over HTTP: the setup wizard, the admin lifting the
incorrect-submissions limit (`PATCH /api/v1/configs`), 40 challenges with static flags
through the admin API, players who register (each from its own 127.0.1.x loopback address,
since /register allows 10 a 5 s per address) and create their own API token, then submit
flags to /api/v1/challenges/attempt with `Authorization: Token …`.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

from bench.load import Connection, Request, Response, run_load
from bench.procs import Server, free_port, tail
from bench.scenario import WRONG_COUNTS, LedgerCheck

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERSION = "3.8.7"
TARBALL = os.path.join(os.path.dirname(ROOT), "shared", "peers", f"CTFd-{VERSION}.tar.gz")
PEERS = os.path.join(ROOT, "bench", "_peers")
SOURCE = os.path.join(PEERS, f"CTFd-{VERSION}")
VENV = os.path.join(PEERS, "venv")
MARKER = os.path.join(VENV, f".installed-ctfd-{VERSION}")
DB_NAME = "ctfd_bench"
CHALLENGES = 40
ADMIN_PASSWORD = "bench-admin-password-2026"
GUNICORN_CONFIG = """
def post_worker_init(worker):
    # psycopg2 is a C driver: without this a query blocks the whole gevent worker
    from psycogreen.gevent import patch_psycopg
    patch_psycopg()
"""

_server: Server | None = None
_tmp: str | None = None


def install(log) -> None:
    """Unpack and install once; later runs reuse bench/_peers (ignored by git)."""
    if os.path.exists(MARKER):
        return
    if not os.path.exists(TARBALL):
        raise FileNotFoundError(f"{TARBALL} is missing")
    os.makedirs(PEERS, exist_ok=True)
    if not os.path.isdir(SOURCE):
        log(f"CTFd: unpacking {os.path.basename(TARBALL)} into bench/_peers/")
        with tarfile.open(TARBALL) as archive:
            archive.extractall(PEERS, filter="data")
    if not os.path.exists(os.path.join(VENV, "bin", "python")):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True, timeout=300)
    log("CTFd: pip install -r requirements.txt psycopg2-binary psycogreen (first run only, a few minutes)")
    pip = os.path.join(VENV, "bin", "pip")
    done = subprocess.run([pip, "install", "-q", "-r", os.path.join(SOURCE, "requirements.txt"),
                           "psycopg2-binary", "psycogreen"], capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError("pip install failed: " + done.stderr.strip().splitlines()[-1][:200])
    open(MARKER, "w").close()


def _env(pg) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON", "REDIS"))}
    env.update({
        "PATH": os.path.join(VENV, "bin") + os.pathsep + env.get("PATH", ""),
        "DATABASE_URL": pg.url(DB_NAME, driver="psycopg2"),
        "SECRET_KEY": "bench-ctfd-secret-key",
        "UPDATE_CHECK": "false",
        "UPLOAD_FOLDER": os.path.join(_tmp, "uploads"),
        "LOG_FOLDER": os.path.join(_tmp, "logs"),
        "REDIS_URL": "",
    })
    return env


def start(pg, logs: str, log) -> Server:
    global _server, _tmp
    _tmp = tempfile.mkdtemp(prefix="rally-bench-ctfd-")
    # the filesystem cache lives in the source tree: a previous run's cache would lie about setup
    shutil.rmtree(os.path.join(SOURCE, ".data"), ignore_errors=True)
    pg.createdb(DB_NAME)
    env = _env(pg)
    log_path = os.path.join(logs, "ctfd.log")
    with open(log_path, "ab") as out:  # migrate once, before two workers would race to do it
        subprocess.run([os.path.join(VENV, "bin", "python"), "-c", "from CTFd import create_app; create_app()"],
                       cwd=SOURCE, env=env, stdout=out, stderr=subprocess.STDOUT, check=True, timeout=300)
    config = os.path.join(_tmp, "gunicorn_conf.py")
    with open(config, "w") as f:
        f.write(GUNICORN_CONFIG)
    port = free_port()
    argv = [os.path.join(VENV, "bin", "gunicorn"), "CTFd:create_app()", "--bind", f"127.0.0.1:{port}",
            "--workers", "2", "--worker-class", "gevent", "--config", config, "--timeout", "120",
            "--graceful-timeout", "5", "--keep-alive", "30", "--log-level", "warning", "--worker-tmp-dir", "/dev/shm"]
    _server = Server("CTFd", argv, env=env, cwd=SOURCE, port=port, log_path=log_path).start(timeout=120)
    return _server


def stop() -> None:
    global _server, _tmp
    if _server is not None:
        _server.stop()
        _server = None
    if _tmp:
        shutil.rmtree(_tmp, ignore_errors=True)
        _tmp = None


NONCE = re.compile(r"""csrfNonce['"]?\s*:\s*["']([0-9a-f]+)["']""")
FORM_NONCE = re.compile(r"""name=["']nonce["'][^>]*value=["']([0-9a-f]+)["']|value=["']([0-9a-f]+)["'][^>]*name=["']nonce["']""")


def _nonce(page: Response) -> str:
    match = NONCE.search(page.text) or FORM_NONCE.search(page.text)
    if not match:
        raise RuntimeError(f"no nonce in page (HTTP {page.status})")
    return next(g for g in match.groups() if g)


async def _expect(conn: Connection, method: str, path: str, ok=(200,), **kw) -> Response:
    response = await conn.request(method, path, **kw)
    if response.status not in ok:
        raise RuntimeError(f"{method} {path} answered {response.status}: {response.text[:200]}")
    return response


async def prepare(port: int, players: int, log) -> tuple[list[int], list[dict]]:
    """Setup wizard, limits lifted, challenges with flags, players with their own tokens."""
    admin = Connection(port)
    try:
        nonce = _nonce(await _expect(admin, "GET", "/setup"))
        await _expect(admin, "POST", "/setup", ok=(200, 302), form={
            "ctf_name": "Bench CTF", "ctf_description": "benchmark", "user_mode": "users",
            "name": "admin", "email": "admin@bench.example", "password": ADMIN_PASSWORD,
            "challenge_visibility": "private", "account_visibility": "public", "score_visibility": "public",
            "registration_visibility": "public", "verify_emails": "", "team_size": "", "ctf_theme": "core",
            "start": "", "end": "", "nonce": nonce, "_submit": "Finish"})
        nonce = _nonce(await _expect(admin, "GET", "/admin/challenges"))
        api = {"CSRF-Token": nonce}
        await _expect(admin, "PATCH", "/api/v1/configs", headers=api,
                      json_body={"incorrect_submissions_per_min": 1000000})
        challenge_ids = []
        for n in range(CHALLENGES):
            made = await _expect(admin, "POST", "/api/v1/challenges", headers=api, json_body={
                "name": f"Frage {n + 1}", "category": f"Saal {n // 4 + 1}", "description": "Was zeigt das Bild?",
                "value": 10, "state": "visible", "type": "standard"})
            cid = made.json()["data"]["id"]
            await _expect(admin, "POST", "/api/v1/flags", headers=api,
                          json_body={"challenge": cid, "content": f"flag-{cid}-Nachtwache", "type": "static"})
            challenge_ids.append(cid)
    finally:
        admin.close()
    log(f"CTFd: setup done, {CHALLENGES} challenges; registering {players} players")

    async def player(n: int) -> dict:
        conn = Connection(port, source=f"127.0.{1 + n // 250}.{1 + n % 250}")
        try:
            nonce = _nonce(await _expect(conn, "GET", "/register"))
            await _expect(conn, "POST", "/register", ok=(200, 302), form={
                "name": f"player{n:04d}", "email": f"player{n:04d}@bench.example",
                "password": "bench-player-password", "nonce": nonce, "_submit": "Submit"})
            nonce = _nonce(await _expect(conn, "GET", "/settings"))
            made = await _expect(conn, "POST", "/api/v1/tokens", headers={"CSRF-Token": nonce},
                                 json_body={"description": "bench"})
            data = made.json()["data"]
            return {"name": f"player{n:04d}", "token": data["value"]}
        finally:
            conn.close()

    semaphore = asyncio.Semaphore(8)

    async def limited(n):
        async with semaphore:
            return await player(n)

    accounts = await asyncio.gather(*(limited(n) for n in range(players)))
    return challenge_ids, list(accounts)


class Ledger:
    def __init__(self) -> None:
        self.sent = 0
        self.acked = 0  # answered correct or incorrect (each is a stored submission)

    def check(self, rows: int) -> LedgerCheck:
        result = LedgerCheck(acknowledged=self.acked)
        result.lost = max(0, self.acked - rows)
        extra = rows - self.acked
        unacked = self.sent - self.acked
        result.unacknowledged = unacked
        result.unacknowledged_stored = max(0, min(unacked, extra))
        result.doubled = max(0, extra - unacked)
        return result


def player_game(account: dict, challenge_ids: list[int], ledger: Ledger, rng: random.Random):
    """Like a team: 0-3 wrong flags for each challenge, then the right one; one attempt a request."""
    headers = {"Authorization": f"Token {account['token']}", "Content-Type": "application/json"}

    def sent():
        ledger.sent += 1

    for cid in challenge_ids:
        attempts = [("incorrect", f"flag-{cid}-Sonnenblumen-{k}") for k in range(rng.choice(WRONG_COUNTS))]
        attempts.append(("correct", f"flag-{cid}-Nachtwache"))
        for expected, submission in attempts:
            body = json.dumps({"challenge_id": cid, "submission": submission}).encode()

            def check(response: Response, expected=expected) -> str | None:
                if response.status != 200:
                    return f"HTTP {response.status}"
                status = response.json()["data"]["status"]
                if status in ("correct", "incorrect"):
                    ledger.acked += 1
                if status != expected:
                    return f"status {status} (expected {expected})"
                return None

            yield Request("POST", "/api/v1/challenges/attempt", headers, body, check, items=1, on_send=sent)


def measure(pg, *, concurrencies, seconds: float, max_requests: int, logs: str, log) -> dict:
    install(log)
    server = start(pg, logs, log)
    try:
        log(f"CTFd: up on 127.0.0.1:{server.port} (gunicorn, 2 gevent workers, psycogreen)")
        players = max(concurrencies)
        challenge_ids, accounts = asyncio.run(prepare(server.port, players, log))
        phases = {}
        for concurrency in concurrencies:
            ledger = Ledger()
            games = [player_game(a, challenge_ids, ledger, random.Random(i)) for i, a in enumerate(accounts)]
            before = int(pg.psql("SELECT count(*) FROM submissions", DB_NAME).strip() or 0)
            log(f"CTFd: {concurrency} concurrent players, {seconds:.0f} s")
            stats = asyncio.run(run_load(server.port, label=f"ctfd/{concurrency}", concurrency=concurrency,
                                         jobs=iter(games[:concurrency]), duration=seconds, max_requests=max_requests))
            after = int(pg.psql("SELECT count(*) FROM submissions", DB_NAME).strip() or 0)
            phases[concurrency] = (stats, ledger.check(after - before))
            # the next phase's players start again from their first challenge: reset their solves
            pg.psql("DELETE FROM solves; DELETE FROM submissions", DB_NAME)
        return {"phases": phases, "status": "measured",
                "notes": [f"CTFd {VERSION}: gunicorn 2 gevent workers (its shipped worker class) with psycogreen, "
                          "filesystem cache, no Redis"]}
    except Exception:
        log("CTFd log tail:\n" + tail(os.path.join(logs, "ctfd.log")))
        raise
    finally:
        stop()
