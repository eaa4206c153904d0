"""What every module of the management API shares: who is calling, and committing.

The management API is exempt from Flask-WTF's form CSRF check, so it accepts personal
bearer tokens, or a signed-in session only together with the page's CSRF token in the
`X-CSRFToken` header (the studio page calls the API from JavaScript). A browser's session
cookie alone never authorises a call here: otherwise any page the user visits could make
their browser act on the API.
"""

from __future__ import annotations

from flask import Response, g, request

from marshmallow import fields

from client_api.problems import say
from rallies.db import db
from rallies.errors import Unauthorized
from rallies.models import User
from rallies.messages import msg

_ENVIRON_KEY = "rallies.api_user"
UNAUTHORIZED_HEADERS = {"WWW-Authenticate": 'Bearer realm="manage"'}


def current_api_user() -> User:
    """The user whose personal API token came with this request; 401 problem+json without one."""
    user = request.environ.get(_ENVIRON_KEY)
    if user is None:
        from server.auth import load_user_from_bearer  # noqa: PLC0415 - avoids an import cycle

        # Always from the header: Flask-Login would prefer a session cookie when one is present.
        user = load_user_from_bearer(request) or _session_user_with_csrf()
        if user is None:
            raise Unauthorized(msg("Ein gültiger persönlicher API-Token ist nötig (Authorization: Bearer <token>)."),
                               headers=UNAUTHORIZED_HEADERS)
        request.environ[_ENVIRON_KEY] = user
        g._login_user = user  # so that flask_login.current_user agrees for the rest of the request
    return user


def _session_user_with_csrf() -> User | None:
    """The signed-in user of this browser session, if the request proves it comes from our page."""
    token = request.headers.get("X-CSRFToken")
    if not token or request.headers.get("Authorization"):
        return None
    from flask_login import current_user  # noqa: PLC0415
    from flask_wtf.csrf import validate_csrf  # noqa: PLC0415
    from wtforms import ValidationError  # noqa: PLC0415

    try:
        validate_csrf(token)
    except ValidationError:
        return None
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return user if isinstance(user, User) else None


def require_api_user() -> None:
    """A `before_request` hook: refuse anonymous calls before any argument is parsed.

    It first forgets a user that Flask-Login may still hold in `g` from an earlier request
    in the same application context (as in tests, which keep one context open).
    """
    g.pop("_login_user", None)
    g.pop("api_token_auth", None)
    current_api_user()


def commit() -> None:
    """Commit the request's changes; routes call this once, after the service succeeded."""
    db.session.commit()


def guard(blp) -> None:
    """Make a blueprint answer 401 to calls without a token and roll back failed requests."""
    blp.before_request(require_api_user)
    blp.after_request(rollback_on_error)


def rollback_on_error(response: Response) -> Response:
    """Discard whatever a failed request left in the session, so that nothing half-done is stored.

    Register with `blp.after_request(rollback_on_error)`; it also runs for responses that
    the error handlers built.
    """
    if response.status_code >= 400:
        db.session.rollback()
    return response


class Said(fields.String):
    """A text for people (a Msg from the domain) in the request's language (Accept-Language)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(say(value))
