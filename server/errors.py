"""One place that turns every error into problem+json (APIs, /media) or a friendly page."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from flask_babel import lazy_gettext as _l

from client_api.problems import problem, say
from rallies.db import db
from rallies.errors import DomainError
from rallies.messages import Msg
from rallies.validation import error_paths

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/media/")


def wants_problem_json() -> bool:
    """APIs and media always answer problem+json; pages answer HTML."""
    return request.path.startswith(JSON_PREFIXES) or request.path in ("/api", "/media")


TOO_MANY = _l("Zu viele Anfragen; bitte später noch einmal versuchen.")
MALFORMED = _l("Der Inhalt der Anfrage ist kein gültiges JSON.")
INVALID_FIELDS = _l("Einige Felder fehlen oder sind ungültig.")
UNAVAILABLE = _l("Der Dienst ist kurz nicht erreichbar; bitte gleich noch einmal versuchen.")
INTERNAL = _l("Auf dem Server ist etwas schiefgegangen.")
# Werkzeug's own descriptions are English; people see these instead.
HTTP_DESCRIPTIONS = {
    400: _l("Die Anfrage ist fehlerhaft."),
    401: _l("Bitte zuerst anmelden."),
    403: _l("Dafür fehlt die Berechtigung."),
    404: _l("Diese Seite gibt es nicht."),
    405: _l("Diese Methode ist hier nicht erlaubt."),
    413: _l("Die Datei oder Anfrage ist zu groß."),
    415: _l("Dieses Format wird nicht unterstützt."),
    416: _l("Dieser Bereich der Datei ist nicht verfügbar."),
    429: TOO_MANY,
    500: INTERNAL,
    503: UNAVAILABLE,
}


def _page(status: int, message):
    try:
        return render_template("error.html", status=status, message=say(message)), status
    except Exception:  # a broken template must not hide the original error
        log.exception("error page failed to render")
        return f"Error {status}", status


def _discard_changes() -> None:
    """A failed request stores nothing: drop whatever the session holds."""
    try:
        db.session.rollback()
    except Exception:
        log.exception("rollback after error failed")


def handle_domain_error(error: DomainError):
    _discard_changes()
    if wants_problem_json():
        return problem(error.status, error.code, say(error.message), errors=say(error.errors), **error.extra)
    return _page(error.status, say(error.message))


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if status >= 400:
        _discard_changes()
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if not wants_problem_json():
        return _page(status, _described(error, data))
    headers = {}
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    for name, value in (data.get("headers") or {}).items():
        headers[name] = value
    if status == 429:
        retry = getattr(error, "retry_after", None) or _retry_after_seconds(error)
        headers["Retry-After"] = str(retry)
        return problem(429, "rate_limited", TOO_MANY, headers=headers)
    if messages:
        flat = {}
        for location, location_messages in messages.items():
            flat.update(error_paths(location_messages))
        if status == 400 or _is_json_syntax_error(messages):
            return problem(400, "malformed_json", MALFORMED)
        return problem(422, "invalid_request", INVALID_FIELDS, errors=flat, headers=headers)
    if status == 400 and request.is_json and _body_is_not_json():
        return problem(400, "malformed_json", MALFORMED)
    return problem(status, None, _described(error, data), headers=headers)


def _retry_after_seconds(error) -> int:
    limit = getattr(error, "limit", None)
    try:
        from flask_limiter import current_limiter  # noqa: PLC0415 - only needed on 429

        window = current_limiter.current_limit
        if window is not None:
            import time  # noqa: PLC0415

            return max(1, int(window.reset_at - time.time()))
    except Exception:
        pass
    return 60 if limit is None else 60


def _is_json_syntax_error(messages: dict) -> bool:
    json_messages = messages.get("json")
    return isinstance(json_messages, dict) and json_messages.get("_schema") == ["Invalid JSON body."]


def _body_is_not_json() -> bool:
    return request.get_json(silent=True) is None


def _described(error: HTTPException, data: dict):
    """A message given with `abort(…, message=…)` (may be a Msg), else the status in the reader's language."""
    message = data.get("message")
    if isinstance(message, (str, Msg)) and message:
        return message
    return HTTP_DESCRIPTIONS.get(error.code or 500, "") or (error.description or "").strip()


def handle_database_unavailable(error: OperationalError):
    """A database that is down or restarting is a 503 that clients retry, never a 500."""
    db.session.rollback()
    log.warning("database unavailable: %s", error.__class__.__name__)
    if wants_problem_json():
        return problem(503, "unavailable", UNAVAILABLE, headers={"Retry-After": "5"})
    return _page(503, UNAVAILABLE)


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return handle_database_unavailable(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    try:
        db.session.rollback()
    except Exception:
        log.exception("rollback after error failed")
    if wants_problem_json():
        return problem(500, "internal_error", INTERNAL)
    return _page(500, INTERNAL)


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
