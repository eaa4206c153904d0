"""Servers started by the benchmark: own process groups, loopback ports, always stopped."""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import time

from tests.support.postgres import free_port as any_free_port

_running: list["Server"] = []


def free_port() -> int:
    """A free loopback port; with BENCH_PORT_BASE=N, the first free one of N to N+9."""
    base = os.environ.get("BENCH_PORT_BASE")
    for port in range(int(base), int(base) + 10) if base else ():
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return any_free_port()


class Server:
    """A gunicorn (or any) server process in its own process group, listening on 127.0.0.1."""

    def __init__(self, name: str, argv: list[str], *, env: dict, cwd: str, port: int, log_path: str) -> None:
        self.name, self.argv, self.env, self.cwd, self.port, self.log_path = name, argv, env, cwd, port, log_path
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "Server":
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        _running.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log_path}:\n"
                                   + tail(self.log_path))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not listen on 127.0.0.1:{self.port} within {timeout:.0f} s:\n"
                           + tail(self.log_path))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        try:
            out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        except FileNotFoundError:
            return []
        return [int(p) for p in out.split()]

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:  # whatever is left of the group (workers that outlived the arbiter)
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.proc = None
        if self in _running:
            _running.remove(self)


def tail(path: str, lines: int = 25) -> str:
    try:
        with open(path, "rb") as f:
            return b"\n".join(f.read().splitlines()[-lines:]).decode("utf-8", "replace")
    except OSError:
        return ""


def stop_all() -> None:
    for server in list(_running):
        server.stop()


atexit.register(stop_all)


def gunicorn_argv(gunicorn: str, app: str, port: int, *, workers: int, worker_class: str, threads: int,
                  extra: list[str] | None = None) -> list[str]:
    argv = [gunicorn, app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-class", worker_class, "--timeout", "60", "--graceful-timeout", "5",
            "--keep-alive", "30", "--log-level", "warning", "--worker-tmp-dir", "/dev/shm"]
    if worker_class == "gthread":
        argv += ["--threads", str(threads)]
    return argv + list(extra or [])


__all__ = ["Server", "free_port", "gunicorn_argv", "stop_all", "tail"]
