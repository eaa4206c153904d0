"""The management JSON API `/api/manage/v1`: accounts, institutions, schools,
partnerships, rallies, media, class runs, results and programme figures.

Each area has its own module with its own flask-smorest blueprint; routes stay thin and
call the services in `rallies/`.
"""

from __future__ import annotations

from flask import Flask

from client_api.openapi import ProblemApi, api_config
from server.extensions import csrf

manage_api = ProblemApi(config_prefix="MANAGE")


def init_manage_api(app: Flask) -> None:
    from server.manage import (
        accounts_api, institutions_api, office_api, partnerships_api, rallies_api, runs_api, workshops_api,
    )

    for key, value in api_config("MANAGE_", title="Rally management API",
                                 url_prefix="/api/manage/v1").items():
        app.config.setdefault(key, value)
    app.config.setdefault("MANAGE_API_SPEC_OPTIONS", {
        "components": {"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer",
                           "description": "A personal API token from /account/tokens"}}},
        "security": [{"bearerAuth": []}],
    })
    manage_api.init_app(app)
    for module in (accounts_api, institutions_api, partnerships_api, rallies_api, runs_api, office_api,
                   workshops_api):
        csrf.exempt(module.blp)
        manage_api.register_blueprint(module.blp, url_prefix="/api/manage/v1")
