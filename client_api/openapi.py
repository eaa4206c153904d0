"""flask-smorest Api objects whose errors are left to the app's problem+json handler."""

from __future__ import annotations

from flask_smorest import Api


class ProblemApi(Api):
    """An Api that documents errors as problem+json and lets the app handle them."""

    def _register_error_handlers(self):
        """The application registers one handler for all errors (see server.errors)."""


def api_config(prefix: str, *, title: str, url_prefix: str, version: str = "1") -> dict:
    """The Flask config keys flask-smorest reads for one Api with a config prefix."""
    return {
        f"{prefix}API_TITLE": title,
        f"{prefix}API_VERSION": version,
        f"{prefix}OPENAPI_VERSION": "3.0.3",
        f"{prefix}OPENAPI_URL_PREFIX": url_prefix,
        f"{prefix}OPENAPI_JSON_PATH": "openapi.json",
        f"{prefix}OPENAPI_SWAGGER_UI_PATH": "docs",
        f"{prefix}OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
    }
