"""flask-smorest Api objects whose errors are left to the app's problem+json handler."""

from __future__ import annotations

import functools
import http

import marshmallow as ma
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.utils import prepare_response
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import CombinedMultiDict

from client_api import json_edge
from rallies.validation import out_of_bounds

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, the one error body of the JSON APIs and /media."""

    class Meta:
        unknown = ma.INCLUDE

    type = ma.fields.String(required=True, metadata={"description": "/api/v1/problems/<code>"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    code = ma.fields.String(required=True, metadata={"description": "Machine-readable error code."})
    detail = ma.fields.String(metadata={"description": "For people; never a stack trace."})
    errors = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Validation errors by dotted field path, e.g. answers.3.value."})
    starts_at = ma.fields.String(metadata={"description": "run_not_open: when the play window opens."})
    ends_at = ma.fields.String(metadata={"description": "run_not_open: when the play window closes."})


class ProblemApi(Api):
    """An Api that documents errors as problem+json and lets the app handle them."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """The application registers one handler for all errors (see server.errors)."""

    def _register_responses(self):
        """The standard error responses, documented as problem+json."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


class EdgeParser(FlaskParser):
    """The parser of both APIs: JSON bodies read with the bounded reader, and every loaded
    value checked against what the databases can store (NUL, 64-bit integers, years
    1900–2999), reported as field errors (422) like any other invalid field."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        return json_edge.loads(req.get_data(cache=True))

    def _get_schema(self, argmap, req):
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            return _schema_instance(argmap)
        return super()._get_schema(argmap, req)

    def parse(self, argmap, req=None, *, location=None, **kwargs):
        data = super().parse(argmap, req, location=location, **kwargs)
        schema = argmap if isinstance(argmap, ma.Schema) else _schema_instance(argmap) if isinstance(argmap, type) else None
        errors = out_of_bounds(data, skip=_per_item_paths(schema), render=_render)
        if errors:
            error = ma.ValidationError(errors)
            self._on_validation_error(error, req or self.get_default_request(), schema,
                                      location or self.location, error_status_code=None, error_headers=None)
        return data


@functools.cache
def _schema_instance(schema_class: type[ma.Schema]) -> ma.Schema:
    """One instance per schema class: webargs would build two for every request (~2 % of an
    answer batch); loading keeps no state on the instance."""
    return schema_class()


def _render(message) -> str:
    from flask_babel import gettext  # noqa: PLC0415 - only needed for an error

    return message.render(gettext)


def _per_item_paths(schema):
    """Fields the service judges item by item (an answer batch): their items are its business."""
    if schema is None:
        return None
    names = [name for name, field in schema.fields.items()
             if getattr(getattr(field, "inner", field), "judged_per_item", False)]
    if not names:
        return None
    return lambda path: any(path == name or path.startswith(name + ".") for name in names)


class ClientParser(EdgeParser):
    """Phones forget Content-Type: a body is read as JSON whatever it is labelled, and a
    multipart form's fields and files are loaded together."""

    def _raw_load_json(self, req):
        data = req.get_data(cache=True)
        if not data:
            return core.missing
        return json_edge.loads(data)

    def load_form(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class EdgeBlueprint(SmorestBlueprint):
    """A flask-smorest blueprint whose arguments go through the edge parser (management API)."""

    ARGUMENTS_PARSER = EdgeParser()


class Blueprint(SmorestBlueprint):
    """A flask-smorest blueprint with the client parser."""

    ARGUMENTS_PARSER = ClientParser()

    def problems(self, errors: dict[int, str], *, retry_after: bool = False):
        """Document error responses: `{status: "code_a, code_b: what they mean"}`."""
        def decorator(func):
            for status, description in sorted(errors.items(), reverse=True):
                headers = None
                if status == 429 and retry_after:
                    headers = {"Retry-After": {"description": "Seconds to wait.",
                                               "schema": {"type": "integer"}}}
                func = self.alt_response(status, schema=ProblemSchema, description=description,
                                         content_type=PROBLEM_CONTENT_TYPE, headers=headers)(func)
            return func
        return decorator


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
