"""The mobile client API `/api/v1`, the contract phone apps and the web player speak."""

from __future__ import annotations

from flask import Flask

import rallies  # noqa: F401 - marshmallow's messages become catalogue messages first
from client_api.openapi import ProblemApi, api_config

client_api = ProblemApi(config_prefix="CLIENT")


def init_client_api(app: Flask) -> None:
    """Register the client API and /media; both are exempt from CSRF (bearer tokens)."""
    from client_api import limits, routes_media, routes_play, routes_public, routes_workshop
    from rallies.bundle import BundleCache

    for key, value in api_config("CLIENT_", title="Rally client API", url_prefix="/api/v1").items():
        app.config.setdefault(key, value)
    app.config.setdefault("CLIENT_API_SPEC_OPTIONS", {
        "info": {"description": "The contract phone apps are written against (CLIENT_API.md). "
                                "Errors are application/problem+json."},
        "components": {"securitySchemes": {
            "teamToken": {"type": "http", "scheme": "bearer",
                          "description": "The team token from POST /api/v1/join"},
            "workshopToken": {"type": "http", "scheme": "bearer",
                              "description": "The workshop team token from POST /api/v1/workshop/join"}}},
    })
    limits.init_limits(app)
    app.extensions["client_bundles"] = BundleCache(maxsize=app.config.get("CLIENT_BUNDLE_CACHE_SIZE", 256))
    client_api.init_app(app)
    from client_api.schemas import register_answer_item

    register_answer_item(client_api.spec)
    csrf = app.extensions["csrf"]
    for module in (routes_public, routes_play, routes_workshop):
        csrf.exempt(module.blp)
        client_api.register_blueprint(module.blp, url_prefix="/api/v1")
    csrf.exempt(routes_media.blp)
    client_api.register_blueprint(routes_media.blp)
    for limiter in app.extensions.get("limiter", ()):
        # Its own limits (client_api/limits.py) count in the same storage; Flask-Limiter's
        # per-request lookup of decorated limits found none here and cost ~3 % of an answer.
        limiter.request_filter(_is_client_api_request)


def _is_client_api_request() -> bool:
    from flask import request

    return request.path.startswith(("/api/v1/", "/media/"))
