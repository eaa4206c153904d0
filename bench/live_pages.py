"""Open teacher live pages as a bench phase: N browsers' worth of the live page's update loop.

Each simulated page does what server/static/js/live.js does: GET
/teacher/runs/<id>/live/updates?v=<version>, render nothing, ask again after the
answer's `retry_ms`. Run it beside an answer phase
and compare answers/s with and without it (issue 16: 30 open live pages may cost at most
5 %):

    python -m bench.live_pages --base http://127.0.0.1:8000 --run-id 1 --pages 30 --seconds 20 \\
        --email lehrerin@bench.example --password bench-password-2026

From bench/run.py: `stop = start_live_pages(base, email, password, run_ids)` before the phase
(one page per run: 30 teachers watching their own classes), `stats = stop()` after it. Logs in
once (the login is rate-limited per address) and shares the session cookie between the pages.
"""

from __future__ import annotations

import argparse
import re
import threading
import time
from dataclasses import dataclass, field

import requests


@dataclass
class LiveStats:
    requests: int = 0
    changed: int = 0
    errors: int = 0
    held_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, *, changed: bool, error: bool, seconds: float) -> None:
        with self.lock:
            self.requests += 1
            self.changed += int(changed)
            self.errors += int(error)
            self.held_s += seconds

    def summary(self) -> dict:
        return {"requests": self.requests, "changed": self.changed, "errors": self.errors,
                "mean_response_s": round(self.held_s / self.requests, 3) if self.requests else None}


def login(base: str, email: str, password: str) -> dict:
    """The session cookie of a logged-in teacher."""
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=10)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    response = session.post(f"{base}/login", data={"email": email, "password": password,
                                                   "csrf_token": token.group(1) if token else ""},
                            allow_redirects=False, timeout=10)
    if response.status_code not in (302, 303):
        raise RuntimeError(f"login failed: {response.status_code}")
    return session.cookies.get_dict()


def _page(base: str, cookies: dict, run_id: int, stats: LiveStats, stop: threading.Event) -> None:
    session = requests.Session()
    session.cookies.update(cookies)
    url = f"{base}/teacher/runs/{run_id}/live/updates"
    version = ""
    while not stop.is_set():
        started = time.perf_counter()
        wait = 4.0
        try:
            response = session.get(url, params={"v": version}, timeout=60)
            data = response.json()
            changed = bool(data.get("changed"))
            version = data.get("version", version)
            wait = data.get("retry_ms", 4000) / 1000
            stats.add(changed=changed, error=False, seconds=time.perf_counter() - started)
        except (requests.RequestException, ValueError):
            stats.add(changed=False, error=True, seconds=time.perf_counter() - started)
            wait = 10.0
        stop.wait(wait)


def start_live_pages(base: str, email: str, password: str, run_ids: list[int], *, open_within: float = 0):
    """One live page per run id, in threads; returns `stop()`, which ends them and gives their figures.

    With `open_within`, returns once every page has shown its first view (or after that many
    seconds): the pages are then open, as teachers' pages are during a visit, and what is
    measured next is what keeping them open costs, not the teachers opening them.
    """
    cookies = login(base, email, password)
    stats, stop = LiveStats(), threading.Event()
    threads = [threading.Thread(target=_page, args=(base, cookies, run_id, stats, stop), daemon=True)
               for run_id in run_ids]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + open_within
    while stats.requests < len(run_ids) and time.monotonic() < deadline:
        time.sleep(0.1)
    opened = stats.requests

    def finish() -> dict:
        stop.set()
        for thread in threads:
            thread.join(timeout=70)
        return {**stats.summary(), "opening_requests": opened}

    return finish


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--run-id", type=int, action="append", help="a run to watch (repeat for several)")
    parser.add_argument("--pages", type=int, default=30, help="pages per run id")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--email", default="lehrerin@bench.example")
    parser.add_argument("--password", default="bench-password-2026")
    args = parser.parse_args()
    finish = start_live_pages(args.base, args.email, args.password, (args.run_id or [1]) * args.pages)
    time.sleep(args.seconds)
    print(finish())


if __name__ == "__main__":
    main()
