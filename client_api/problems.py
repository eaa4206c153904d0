"""RFC 9457 problem+json responses, the one error format of every JSON API and /media."""

from __future__ import annotations

import datetime as dt

from flask import Response, g, has_request_context, json
from flask_babel import format_date, format_datetime, format_decimal, gettext, lazy_gettext
from flask_babel.speaklater import LazyString

from rallies.messages import Msg

PROBLEM_TYPE_BASE = "/api/v1/problems/"

# Titles per status in the reader's language (Accept-Language); codes never change.
TITLES = {
    400: lazy_gettext("Fehlerhafte Anfrage"),
    401: lazy_gettext("Nicht angemeldet"),
    403: lazy_gettext("Nicht erlaubt"),
    404: lazy_gettext("Nicht gefunden"),
    405: lazy_gettext("Methode nicht erlaubt"),
    409: lazy_gettext("Konflikt"),
    413: lazy_gettext("Zu groß"),
    415: lazy_gettext("Nicht unterstütztes Format"),
    416: lazy_gettext("Bereich nicht verfügbar"),
    422: lazy_gettext("Ungültige Anfrage"),
    429: lazy_gettext("Zu viele Anfragen"),
    500: lazy_gettext("Interner Fehler"),
    503: lazy_gettext("Dienst nicht verfügbar"),
}
FALLBACK_TITLE = lazy_gettext("Fehler")


def title_for(status: int) -> str:
    """The title of a problem with this status, in the request's language."""
    return str(TITLES.get(status, FALLBACK_TITLE))


def present(value):
    """A message's parameter as the reader writes it: dates by the locale, 12.5 as "12,5" in German."""
    if isinstance(value, dt.datetime):
        return format_datetime(value, "medium")
    if isinstance(value, dt.date):
        return format_date(value, "medium")
    if isinstance(value, float):
        return format_decimal(int(value) if value.is_integer() else value)
    if isinstance(value, LazyString):
        return str(value)
    return value


def say(value):
    """Render messages (Msg, lazy strings, lists and dicts of them) in the request's language."""
    if isinstance(value, (Msg, LazyString)):
        return value.render(gettext, present) if isinstance(value, Msg) else str(value)
    if isinstance(value, dict):
        return {key: say(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [say(item) for item in value]
    return value


DEFAULT_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media",
    416: "range_not_satisfiable",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


def problem(status: int, code: str | None = None, detail: str | Msg | None = None, *,
            errors: dict | None = None, headers: dict | None = None, **extra) -> Response:
    """Build a problem+json response; `extra` members are added beside the standard ones.

    `detail`, `errors` and `extra` may hold `Msg`s and lazy strings: they are rendered here,
    in the language the request asked for.
    """
    code = code or DEFAULT_CODES.get(status, "error")
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title_for(status),
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = say(detail)
    if errors:
        body["errors"] = say(errors)
    body.update({k: say(v) for k, v in extra.items() if v is not None})
    if "instance" not in body and has_request_context() and getattr(g, "request_id", None):
        # The request id of server/observability.py: it finds this request's log line.
        body["instance"] = g.request_id
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


# What each problem code means, served at /api/v1/problems/<code> for people reading `type`.
DESCRIPTIONS = {
    "workshop_not_started": (409, "The creative workshop opens later; try again at its start."),
    "workshop_ended": (409, "The creative workshop is over; no new teams join."),
    "too_many": (409, "The draft has as many stations, tasks or files as it may have."),
    "alt_required": (422, "Every photo needs an alternative text for people who cannot see it."),
    "not_found": (404, "There is nothing here, or it belongs to another team or rally."),
    "method_not_allowed": (405, "This path does not take this HTTP method."),
    "malformed_json": (400, "The request body is not valid JSON."),
    "invalid_request": (422, "Some fields are missing or invalid; see `errors`."),
    "range_not_satisfiable": (416, "The requested byte range lies outside the file."),
    "internal_error": (500, "Something went wrong on the server; the request may be retried."),
    "unavailable": (503, "The service is briefly unavailable; retry after Retry-After seconds."),
    "unauthorized": (401, "A team token is required: Authorization: Bearer <token> from POST /api/v1/join."),
    "token_expired": (401, "The team token has expired: the class run's play time and its grace period "
                           "are over, or a free-play game is older than 24 hours."),
    "rate_limited": (429, "Too many requests; wait Retry-After seconds."),
    "unknown_code": (404, "No class run, public rally or station has this code."),
    "team_name_taken": (409, "Another team of this class run already has this name."),
    "team_name_refused": (422, "This team name is not allowed; choose another."),
    "run_not_open": (409, "The class run is not open now; see starts_at and ends_at."),
    "not_a_location_station": (422, "This station is not unlocked by location."),
    "too_large": (413, "The file is larger than allowed for its kind."),
    "quota_exceeded": (413, "The uploads of the class run (or free-play game) have reached the operator's "
                            "storage quota; nothing more can be uploaded."),
    "unsupported_media": (415, "The file is not an accepted image, audio or video format."),
    "wrong_task_type": (422, "This task takes no upload."),
    "station_locked": (409, "The task's station is still locked."),
    "finished": (409, "The team's game is finished."),
    "id_reused": (409, "This client id was used before for a different body."),
}
