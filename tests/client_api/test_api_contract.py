"""The published OpenAPI document agrees with CLIENT_API.md, and every error is problem+json.

CLIENT_API.md is read at test time from ../shared beside the repository (where CI puts it),
so the document and the contract cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT.parent / "shared" / "CLIENT_API.md"
TOKEN = re.compile(r'"[^"]*"|\.\.\.|[A-Za-z_][A-Za-z_0-9]*\??|[{}\[\],:]')


@pytest.fixture(scope="module")
def contract() -> str:
    return CONTRACT.read_text(encoding="utf-8")


@pytest.fixture
def spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def section(text: str, title: str) -> str:
    start = text.index(f"### {title}\n")
    end = text.find("\n### ", start + 1)
    return text[start:end if end != -1 else None]


def endpoint_rows(text: str) -> list[tuple[str, str, list[int]]]:
    rows = []
    for line in text.splitlines():
        match = re.match(r"\|\s*`(GET|POST|PUT|PATCH|DELETE) ([^`?]+)[^`]*`\s*\|[^|]*\|\s*([\d /]+)\|", line)
        if match:
            rows.append((match[1].lower(), match[2], [int(s) for s in re.findall(r"\d{3}", match[3])]))
    return rows


def parse_fields(text: str) -> dict:
    """`{a, b?: {c}, d: [{e}] or null}` -> {"a": (False, None), "b": (True, {"c": ...}), ...}."""
    tokens = TOKEN.findall(text)
    fields, _ = _object(tokens, tokens.index("{"))
    return fields


def _object(tokens, i):
    assert tokens[i] == "{"
    i += 1
    fields = {}
    while tokens[i] != "}":
        name = tokens[i]
        i += 1
        children = None
        if tokens[i] == ":":
            i += 1
            if tokens[i] == "{":
                children, i = _object(tokens, i)
            elif tokens[i] == "[" and tokens[i + 1] == "{":
                children, i = _object(tokens, i + 1)
                i += 1  # the closing ]
            depth = 0
            while depth or tokens[i] not in (",", "}"):
                depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(tokens[i], 0)
                i += 1
        if not name.startswith(('"', "...")):
            fields[name.rstrip("?")] = (name.endswith("?"), children)
        if tokens[i] == ",":
            i += 1
    return fields, i + 1


def resolve(spec, schema):
    while True:
        if "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        elif "allOf" in schema or "anyOf" in schema:  # a nullable nested object
            options = schema.get("allOf") or schema["anyOf"]
            schema = next((o for o in options if "$ref" in o), options[0])
        elif schema.get("type") == "array":
            schema = schema["items"]
        else:
            return schema


def check_fields(spec, schema, fields, where, *, all_optional=False):
    schema = resolve(spec, schema)
    properties, required = schema.get("properties", {}), set(schema.get("required", []))
    for name, (optional, children) in fields.items():
        assert name in properties, f"{where}: {name} is not documented"
        if not (optional or all_optional):
            assert name in required, f"{where}: {name} is not required"
        elif optional:
            assert name not in required, f"{where}: {name} should be optional"
        if children:
            check_fields(spec, properties[name], children, f"{where}.{name}", all_optional=all_optional)


def body_schema(spec, method, path, content="application/json"):
    return spec["paths"][path][method]["requestBody"]["content"][content]["schema"]


def response_schema(spec, method, path, status):
    return spec["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]


def test_every_endpoint_of_the_contract_is_published_with_its_success_statuses(contract, spec):
    rows = endpoint_rows(contract)
    assert len(rows) == 11
    for method, path, statuses in rows:
        assert path in spec["paths"] and method in spec["paths"][path], f"{method} {path}"
        documented = spec["paths"][path][method]["responses"]
        for status in statuses:
            assert str(status) in documented, f"{method} {path} {status}"
        if path.startswith("/api/v1/team/") or path.endswith("/bundle"):
            assert spec["paths"][path][method]["security"] == [{"teamToken": []}]
            assert "401" in documented
    parameters = {p["name"] for p in spec["paths"]["/api/v1/rallies"]["get"]["parameters"]}
    assert {"near", "radius_km", "q", "page"} <= parameters


def test_errors_are_documented_as_problem_json(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"], (method, path, status)
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "code", "detail", "errors"} <= set(problem["properties"])


def test_request_and_response_fields_match_the_contract(contract, spec):
    def braces(title):
        text = section(contract, title)
        found = re.findall(r"`(?:\d{3}\s+)?(\{[^`]*\})`", text, flags=re.S)
        return [parse_fields(f) for f in found]

    join = section(contract, "Join")
    check_fields(spec, body_schema(spec, "post", "/api/v1/join"), braces("Join")[0], "join body")
    check_fields(spec, response_schema(spec, "post", "/api/v1/join", 201),
                 parse_fields(re.search(r"`201 (\{.*?\})`", join, re.S)[1]), "join 201")
    for title, path in (("Scans", "/api/v1/team/scans"), ("Check-ins", "/api/v1/team/checkins")):
        body, result = braces(title)
        check_fields(spec, body_schema(spec, "post", path), body, f"{title} body")
        check_fields(spec, response_schema(spec, "post", path, 200), result, f"{title} 200")
    uploads = section(contract, "Uploads")
    form = resolve(spec, body_schema(spec, "post", "/api/v1/team/uploads", "multipart/form-data"))
    for name in re.search(r"Multipart form: ([^.]*)\.", uploads)[1].replace("`", "").split(", "):
        assert name in form["properties"] and name in form["required"]
    for status in (200, 201):
        check_fields(spec, response_schema(spec, "post", "/api/v1/team/uploads", status),
                     parse_fields(re.search(r"`201 (\{.*?\})`", uploads, re.S)[1]), "uploads")
    answers = section(contract, "Answers")
    check_fields(spec, body_schema(spec, "post", "/api/v1/team/answers"), braces("Answers")[0], "answers body")
    batch = parse_fields(re.search(r"`200\s+(\{.*?\})`", answers, re.S)[1])
    batch["results"] = (False, parse_fields(re.search(r"in request order:\s*`(\{.*?\})`", answers, re.S)[1]))
    check_fields(spec, response_schema(spec, "post", "/api/v1/team/answers", 200), batch, "answers 200")
    progress = parse_fields(re.search(r"`200 (\{.*?\})`", section(contract, "Progress"), re.S)[1])
    check_fields(spec, response_schema(spec, "get", "/api/v1/team/progress", 200), progress, "progress")
    finish = section(contract, "Finish")
    check_fields(spec, body_schema(spec, "post", "/api/v1/team/finish"),
                 parse_fields(re.search(r"Body `(\{.*?\})`", finish)[1]), "finish body", all_optional=True)
    check_fields(spec, response_schema(spec, "post", "/api/v1/team/finish", 200),
                 parse_fields(re.search(r"`200 (\{.*?\})`", finish)[1]), "finish 200")
    discovery = section(contract, "Discovery")
    check_fields(spec, response_schema(spec, "get", "/api/v1/rallies", 200),
                 parse_fields(re.search(r"`(\{items.*?\})`", discovery)[1]), "discovery")
    item_text = re.search(r"Each item: (.*?)\.\s+With", discovery, re.S)[1]
    item = parse_fields("{" + ", ".join(re.findall(r"`([^`]+)`", item_text)) + "}")
    item = {name: spec_ for name, spec_ in item.items() if name not in ("null", "near")}
    assert {"id", "join_code", "start", "distance_m", "institution"} <= set(item)
    check_fields(spec, response_schema(spec, "get", "/api/v1/rallies", 200)["$ref"] and
                 resolve(spec, response_schema(spec, "get", "/api/v1/rallies", 200))["properties"]["items"],
                 item, "discovery item")


def test_the_bundle_schema_names_every_key_of_the_contract(contract, spec):
    block = re.search(r"### Bundle.*?```(.*?)```", contract, re.S)[1]
    quoted = set(re.findall(r'"([a-z_]+)"', block))
    names, seen = set(), set()

    def walk(schema):
        if "$ref" in schema:
            if schema["$ref"] in seen:
                return
            seen.add(schema["$ref"])
        schema = resolve(spec, schema)
        names.update(schema.get("enum", []))
        for name, prop in schema.get("properties", {}).items():
            names.add(name)
            walk(prop)

    walk(response_schema(spec, "get", "/api/v1/rallies/{id}/bundle", 200))
    assert quoted - names == set()
    assert len(quoted) > 40


def test_problem_codes_of_the_contract_are_described(client, contract):
    conventions = section(contract, "Conventions") if "### Conventions" in contract else contract
    codes = set(re.findall(r"`([a-z]+(?:_[a-z]+)+|not_found|unauthorized|finished)` \d{3}", conventions))
    codes |= set(re.findall(r"\d{3} `?([a-z]+_[a-z_]+)`?", contract))
    assert {"unknown_code", "team_name_taken", "run_not_open", "too_large", "range_not_satisfiable"} <= codes
    for code in sorted(codes):
        response = client.get(f"/api/v1/problems/{code}")
        assert response.status_code == 200, code
        assert response.get_json()["description"]
    assert client.get("/api/v1/problems/nonsense").get_json()["code"] == "not_found"


def test_flask_errors_under_the_api_are_problem_json(app, client):
    from flask import request

    @app.route("/api/v1/_json_only", methods=["POST"])
    def json_only():
        return request.json

    cases = [("get", "/api/v1/nothing", 404, "not_found"), ("delete", "/api/v1/join", 405, "method_not_allowed"),
             ("put", "/api/v1/team/answers", 405, "method_not_allowed"),
             ("post", "/api/v1/_json_only", 415, "unsupported_media"),
             ("get", "/media/", 404, "not_found")]
    for method, path, status, code in cases:
        response = getattr(client, method)(path, data="x", content_type="text/plain")
        assert response.status_code == status, path
        assert response.mimetype == "application/problem+json"
        body = response.get_json()
        assert body["code"] == code and body["type"] == f"/api/v1/problems/{code}" and body["status"] == status
        assert "Traceback" not in response.get_data(as_text=True)
