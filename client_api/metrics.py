"""Prometheus metrics of the service (prometheus_client).

Under gunicorn every worker is a process of its own: with `PROMETHEUS_MULTIPROC_DIR` set
(server/gunicorn_conf.py sets it), prometheus_client writes each worker's values to files
there and a scrape sums them over all workers. Labels are route templates and codes only,
never ids, tokens or answers, so the number of series stays small.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter("rallyhub_http_requests_total", "HTTP requests answered",
                   ["method", "route", "status"])
LATENCY = Histogram("rallyhub_http_request_duration_seconds", "Time to answer an HTTP request",
                    ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
ANSWERS = Counter("rallyhub_answers_total", "Answer items by outcome",
                  ["status", "code"])
SYNC_BATCH = Histogram("rallyhub_answer_batch_size", "Answers per sync request",
                       buckets=(1, 2, 5, 10, 20, 50, 100))
UPLOADS = Counter("rallyhub_uploads_total", "Team uploads by outcome", ["status"])
UPLOAD_BYTES = Histogram("rallyhub_upload_bytes", "Size of accepted team uploads",
                         buckets=(1e4, 1e5, 5e5, 1e6, 5e6, 1.5e7, 2.5e7, 1e8))
JOIN_FAILURES = Counter("rallyhub_join_failures_total", "Refused joins by code", ["code"])
RATE_LIMITED = Counter("rallyhub_rate_limited_total", "Requests refused with 429", ["route"])
LIVE_VIEW_CPU = Counter("rallyhub_live_view_cpu_seconds_total",
                        "CPU seconds spent answering teachers' live pages (their updates)")


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)
    if status == 429:
        RATE_LIMITED.labels(route).inc()


def observe_answers(results: list[dict]) -> None:
    """Count a batch's outcomes: accepted, duplicate, or rejected with its error code."""
    SYNC_BATCH.observe(len(results))
    for result in results:
        error = result.get("error") or {}
        ANSWERS.labels(result.get("status") or "unknown", error.get("code") or "").inc()


def observe_upload(status: str, size: int | None = None) -> None:
    UPLOADS.labels(status).inc()
    if size is not None and status == "accepted":
        UPLOAD_BYTES.observe(size)


def observe_join_failure(code: str) -> None:
    JOIN_FAILURES.labels(code).inc()
