"""Real server processes for tests: started in their own session, logged to a file, stopped whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def spawn(args: list[str], log_path: Path, **kwargs) -> subprocess.Popen:
    """A server process in its own session, its output in a log file (a full pipe would stall it)."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs)
    process.log_path = str(log_path)
    return process


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process group (gunicorn's workers too), SIGKILL when it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def log_tail(process: subprocess.Popen, chars: int = 2000) -> str:
    log = getattr(process, "log_path", None)
    return Path(log).read_text(errors="replace")[-chars:] if log and os.path.exists(log) else ""


def wait_until(check, what: str, process: subprocess.Popen, seconds: float = 30) -> None:
    """Poll `check()` until it is true; stop the process and raise with its log when it never is."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if check():
                return
        except Exception:  # not up yet
            pass
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{what} did not start: {log_tail(process)}")


def start_gunicorn(port: int, env: dict, log_path: Path, *, options: list[str], ready_path: str = "/healthz",
                   seconds: float = 60) -> subprocess.Popen:
    """`gunicorn … server:create_app()` on 127.0.0.1:port, returned once `ready_path` answers 200."""
    process = spawn([sys.executable, "-m", "gunicorn", *options, "--bind", f"127.0.0.1:{port}", "server:create_app()"],
                    log_path, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: requests.get(url + ready_path, timeout=2).status_code == 200, "gunicorn", process, seconds)
    return process
