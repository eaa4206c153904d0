"""Request ids, one JSON log line per request, and request metrics.

A load balancer may send `X-Request-Id`; otherwise one is made. It comes back on every
response and as `instance` in every problem+json body, so the id on a teacher's screenshot
of an error finds the log line. The log names the route *template* (`/q/<token>`), never
the path: tokens, join codes and pupils' answers stay out of the logs.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from client_api import metrics

REQUEST_ID_HEADER = "X-Request-Id"
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_log = logging.getLogger("rallyhub.requests")


def incoming_request_id(header_value: str | None) -> str:
    """The load balancer's id when it is a plain token, else a new random one."""
    if header_value and _ACCEPTED_ID.match(header_value):
        return header_value
    return uuid.uuid4().hex


def _start_request() -> None:
    g.request_id = incoming_request_id(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def route_template() -> str:
    """The matched rule (`/api/v1/rallies/<int:id>/bundle`), or a fixed word when none matched."""
    rule = request.url_rule
    return rule.rule if rule is not None else "<unmatched>"


_COUNTED_REFUSALS = {
    "/api/v1/join": metrics.observe_join_failure,
    "/api/v1/team/uploads": metrics.observe_upload,
}


def _problem_code(response: Response) -> str:
    body = response.get_json(silent=True) if response.mimetype.endswith("json") else None
    return str(body.get("code")) if isinstance(body, dict) and body.get("code") else str(response.status_code)


def _finish_request(response: Response) -> Response:
    request_id = getattr(g, "request_id", None) or incoming_request_id(None)
    response.headers[REQUEST_ID_HEADER] = request_id
    started = getattr(g, "request_started", None)
    duration = time.perf_counter() - started if started is not None else 0.0
    route = route_template()
    metrics.observe_request(request.method, route, response.status_code, duration)
    if response.status_code >= 400 and route in _COUNTED_REFUSALS:
        _COUNTED_REFUSALS[route](_problem_code(response))
    team_ids = getattr(request, "client_team_ids", None)  # plain values: the team row expired at commit
    entry = {
        "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
        "request_id": request_id,
        "method": request.method,
        "route": route,
        "status": response.status_code,
        "duration_ms": round(duration * 1000, 2),
    }
    if team_ids is not None:
        entry["team_id"], entry["run_id"] = team_ids
    request_log.info(json.dumps(entry, separators=(",", ":")))
    return response


def init_observability(app: Flask) -> None:
    """Runs first before and last after every request, so every response is counted and logged."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request_funcs.setdefault(None, []).insert(0, _finish_request)
    if not request_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        request_log.addHandler(handler)
        request_log.propagate = False
    request_log.setLevel(logging.INFO if app.config.get("REQUEST_LOG", True) else logging.WARNING)
