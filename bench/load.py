"""The load generator: a small asyncio HTTP/1.1 client and a driver bounded by count and time.

A hand-written client rather than httpx or aiohttp: on a 2-core machine the generator shares
the CPU with the server under test and PostgreSQL, and this client costs a fraction of a
general-purpose one per request. It speaks just what the benchmark needs: keep-alive,
Content-Length and chunked bodies, cookies by name, and a chosen loopback source address.

Each virtual phone (one per concurrent team) runs jobs one after another; a job is one
team's or player's sequence of requests, sent in order on one connection, and every
response is checked by the request's own `check`.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator
from urllib.parse import urlencode

REQUEST_TIMEOUT = 30.0
DRAIN_SECONDS = 10.0  # how long in-flight requests may take to finish after a phase's time is up
METER = None  # a bench.machine.ForeignLoad, set by run.py


class HttpError(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Connection:
    """One keep-alive connection to 127.0.0.1:port, optionally from a given loopback address."""

    def __init__(self, port: int, *, host: str = "127.0.0.1", source: str | None = None) -> None:
        self.host, self.port, self.source = host, port, source
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.cookies: dict[str, str] = {}
        self.reused = 0

    async def _connect(self) -> None:
        local = (self.source, 0) if self.source else None
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, local_addr=local)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, *, headers: dict | None = None, body: bytes | None = None,
                      json_body=None, form: dict | None = None, timeout: float = REQUEST_TIMEOUT) -> Response:
        hdrs = {"Host": f"{self.host}:{self.port}", "Accept": "*/*"}
        if json_body is not None:
            body = json.dumps(json_body, separators=(",", ":")).encode()
            hdrs["Content-Type"] = "application/json"
        elif form is not None:
            body = urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        hdrs.update(headers or {})
        if body is not None or method in ("POST", "PUT", "PATCH"):
            hdrs["Content-Length"] = str(len(body or b""))
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
        payload = head.encode("latin-1") + (body or b"")
        for attempt in (0, 1):
            fresh = self.writer is None
            if fresh:
                await self._connect()
            try:
                self.writer.write(payload)
                return await asyncio.wait_for(self._read_response(method), timeout)
            except _StaleConnection:
                # The server closed an idle keep-alive connection before reading the request:
                # nothing was processed, so sending it once more on a new connection is safe.
                self.close()
                if fresh or attempt:
                    raise HttpError("connection closed without a response") from None
            except (asyncio.TimeoutError, OSError, asyncio.IncompleteReadError) as error:
                self.close()
                raise HttpError(f"{type(error).__name__}: {error}") from None
        raise HttpError("unreachable")

    async def _read_response(self, method: str) -> Response:
        reader = self.reader
        line = await reader.readline()
        if not line:
            raise _StaleConnection()
        parts = line.decode("latin-1").split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise HttpError(f"bad status line {line!r}")
        status = int(parts[1])
        headers: dict[str, str] = {}
        while True:
            raw = await reader.readline()
            if raw in (b"\r\n", b"\n", b""):
                break
            name, _, value = raw.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                if val:
                    self.cookies[key.strip()] = val.strip()
                else:
                    self.cookies.pop(key.strip(), None)
            headers[name] = value
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            body = b""
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readline()).split(b";")[0].strip(), 16)
                if size == 0:
                    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
            body = b"".join(chunks)
        elif "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        else:
            body = await reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        else:
            self.reused += 1
        return Response(status, headers, body)


class _StaleConnection(Exception):
    pass


# --- The driver --------------------------------------------------------------------------

@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes | None
    # check(response) -> None when right, else a short reason; called after the response arrives
    check: Callable[[Response], str | None]
    items: int = 1  # answers (or flag submissions) carried by this request
    on_send: Callable[[], None] | None = None  # called just before the request goes out


@dataclass
class Stats:
    label: str
    concurrency: int
    elapsed: float = 0.0
    requests: int = 0  # sent and answered (any status)
    ok_requests: int = 0  # answered with the expected status and checked right
    ok_items: int = 0
    latencies: list = field(default_factory=list)  # seconds, every answered request
    statuses: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # reason -> count (wrong status, wrong body, transport)
    stopped_by: str = ""
    foreign_cores: float | None = None  # CPU used by other processes on the machine meanwhile

    def error(self, reason: str) -> None:
        self.errors[reason] = self.errors.get(reason, 0) + 1

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def rps(self) -> float:
        return self.ok_requests / self.elapsed if self.elapsed else 0.0

    @property
    def items_per_s(self) -> float:
        return self.ok_items / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        """Latency percentile in milliseconds (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1] * 1000

    def summary(self) -> dict:
        return {"label": self.label, "concurrency": self.concurrency, "elapsed_s": round(self.elapsed, 2),
                "requests": self.requests, "ok_requests": self.ok_requests, "ok_items": self.ok_items,
                "rps": round(self.rps, 1), "items_per_s": round(self.items_per_s, 1),
                "p50_ms": round(self.percentile(50), 1), "p95_ms": round(self.percentile(95), 1),
                "p99_ms": round(self.percentile(99), 1), "errors": dict(self.errors),
                "statuses": dict(self.statuses), "stopped_by": self.stopped_by,
                "foreign_cores": None if self.foreign_cores is None else round(self.foreign_cores, 2)}


async def _phone(port: int, jobs: Iterator, stats: Stats, deadline: float, budget: list, source: str | None,
                 inflight: dict, interval: float | None = None, offset: float = 0.0) -> None:
    """One phone. With `interval`, it sends on a fixed timetable (open loop) instead of back to back."""
    conn = Connection(port, source=source)
    me = object()
    next_send = time.monotonic() + offset
    try:
        for job in jobs:
            for req in job:
                if interval is not None:
                    delay = next_send - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    next_send += interval
                if time.monotonic() >= deadline:
                    stats.stopped_by = stats.stopped_by or "time"
                    return
                if budget[0] <= 0:
                    stats.stopped_by = stats.stopped_by or "count"
                    return
                budget[0] -= 1
                if req.on_send is not None:
                    req.on_send()
                started = time.monotonic()
                inflight[me] = started
                try:
                    response = await conn.request(req.method, req.path, headers=req.headers, body=req.body)
                except HttpError as error:
                    stats.error(f"transport: {str(error)[:60]}")
                    continue
                finally:
                    inflight.pop(me, None)
                stats.latencies.append(time.monotonic() - started)
                stats.requests += 1
                stats.statuses[response.status] = stats.statuses.get(response.status, 0) + 1
                try:
                    problem = req.check(response)
                except Exception as error:  # a body that is not what the check expects
                    problem = f"unreadable response {response.status}: {type(error).__name__}"
                if problem:
                    stats.error(problem)
                else:
                    stats.ok_requests += 1
                    stats.ok_items += req.items
        stats.stopped_by = stats.stopped_by or "jobs done"
    finally:
        conn.close()


async def run_load(port: int, *, label: str, concurrency: int, jobs: Iterator, duration: float,
                   max_requests: int, sources: list[str] | None = None, rate: float | None = None) -> Stats:
    """`concurrency` phones take jobs from the shared iterator until time, count or jobs run out.

    Without `rate` each phone sends back to back (throughput at saturation). With `rate`
    (requests/s for all phones together) each phone keeps a timetable, so latency is measured
    at that offered load, as DESIGN.md's "holds 300 requests/s with 200 teams" means it.
    """
    stats = Stats(label, concurrency)
    if METER is not None:
        METER.start()
    budget = [max_requests]
    started = time.monotonic()
    deadline = started + duration
    shared = iter(jobs)
    inflight: dict = {}
    interval = concurrency / rate if rate else None
    phones = [asyncio.ensure_future(_phone(port, shared, stats, deadline, budget,
                                           sources[i % len(sources)] if sources else None, inflight,
                                           interval, (interval or 0) * i / concurrency))
              for i in range(concurrency)]
    _, pending = await asyncio.wait(phones, timeout=duration + DRAIN_SECONDS)
    if pending:
        # Requests still unanswered DRAIN_SECONDS after the phase ended are cut off; their
        # latency so far goes into the percentiles as a lower bound, and each counts as an error.
        now = time.monotonic()
        for begun in list(inflight.values()):
            stats.latencies.append(now - begun)
            stats.error(f"no answer within {DRAIN_SECONDS:.0f} s after the phase ended")
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        stats.stopped_by = "time (cut off)"
    stats.elapsed = time.monotonic() - started
    if METER is not None:
        stats.foreign_cores = METER.stop()
    return stats
