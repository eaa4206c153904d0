"""Property-based: the hostile input classes of the hardening probe, thrown at every JSON
endpoint of /api/v1 and /api/manage/v1 and at every id-taking route (both APIs and the
pages, enumerated from the app's url_map), never give a 5xx. On SQLite and PostgreSQL.

The classes: JSON nested tens of thousands deep, numbers beyond the float range and NaN,
integers beyond 64 bits, times and dates near year 1 and 9999, NUL characters in texts
and keys. Field names come from the published OpenAPI request schemas, so every field of
every body gets its share. Bounded: a few hundred requests per database.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pages.helpers import login

pytestmark = pytest.mark.xdist_group("hostile_fuzz")

API_PREFIXES = ("/api/v1/", "/api/manage/v1/")
BIG_IDS = (2**63, 10**30)
HOSTILE_VALUES = [
    "a\x00b", "\x00", 2**63, -(2**63) - 1, 10**25, 1.7e308, -1.7e308,
    "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "9999-12-31", "0001-01-01",
    "9999-12-31T23:59:59+00:00", {"k\x00": 1}, ["\x00"], [2**63], {"nested": {"deeper": ["a\x00"]}},
]
RAW_BODIES = [
    "[" * 30_000 + "]" * 30_000,
    '{"a": ' + "{\"a\": " * 5_000 + "1" + "}" * 5_000 + "}",
    '{"value": 1' + "0" * 400 + "}",
    '{"value": -1e400, "id": NaN}',
]
SETTINGS = settings(max_examples=25, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture
def world(app, db, make_rally, make_run, join_team, editor, teacher, office, api_as, institution):
    """A rally with a run and a team; tokens for each role; the operations to aim at."""
    rally = make_rally(stations=[{"unlock_mode": "qr", "tasks": ["text", "number", "photo"]},
                                 {"unlock_mode": "location", "tasks": ["single_choice"]}])
    run = make_run(rally)
    _, team_token = join_team(run.join_code, "Fuzzer")
    clients = {"editor": api_as(editor), "teacher": api_as(teacher), "office": api_as(office)}
    names = set()
    for spec_path in ("/api/v1/openapi.json", "/api/manage/v1/openapi.json"):
        names |= _property_names(app.test_client().get(spec_path).get_json())
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    return {"app": app, "team_token": team_token, "clients": clients, "names": sorted(names), "rules": rules,
            "rally": rally}


def _property_names(spec: dict) -> set[str]:
    """Every property name that appears in a request body or parameter of the spec."""
    names: set[str] = set()
    stack = [spec.get("components", {}).get("schemas", {}), spec.get("paths", {})]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "properties" and isinstance(value, dict):
                    names.update(value)
                if key == "name" and isinstance(value, str):
                    names.add(value)
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return {name for name in names if re.fullmatch(r"[a-z_][a-z0-9_]*", name)}


def _concrete(rule, ids) -> str:
    """The rule's path with its variables filled: ids for int converters, a name otherwise."""
    values = {}
    id_iter = iter(ids)
    for argument in rule.arguments:
        converter = type(rule._converters[argument]).__name__
        values[argument] = str(next(id_iter, 1)) if "Integer" in converter else "x" * 8
    path = rule.rule
    for name, value in values.items():
        path = re.sub(r"<(?:[^:<>]+:)?" + re.escape(name) + r">", value, path)
    return path


def _json_routes(rules):
    return [(rule, method) for rule in rules for method in sorted(rule.methods - {"HEAD", "OPTIONS", "GET"})
            if rule.rule.startswith(API_PREFIXES)]


def _send(world, path: str, method: str, *, body=None, raw: str | None = None, query: str = ""):
    headers = {"Content-Type": "application/json"}
    if path.startswith("/api/v1/"):
        client = world["app"].test_client()
        headers["Authorization"] = f"Bearer {world['team_token']}"
        send = getattr(client, method.lower())
    else:
        role = "teacher" if "/runs" in path else "office" if "/office" in path or "/institutions" in path \
            or "/schools" in path or "/partnerships" in path or "/users" in path else "editor"
        send = getattr(world["clients"][role], method.lower())
    data = raw if raw is not None else json.dumps(body, ensure_ascii=True)
    return send(path + query, data=data, headers=headers)


def _assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.get_data(as_text=True)[:500]}"


@st.composite
def hostile_bodies(draw, names):
    """An object whose fields (named like real ones) hold hostile values, maybe one level down."""
    fields = draw(st.dictionaries(st.sampled_from(names), st.sampled_from(HOSTILE_VALUES), min_size=1, max_size=6))
    shape = draw(st.sampled_from(["flat", "answers", "config", "list"]))
    if shape == "answers":
        return {"answers": [fields]}
    if shape == "config":
        return {"config": fields, "title": "T", "type": "text"}
    if shape == "list":
        return {"items": [fields], "station_ids": [2**63]}
    return fields


def test_hostile_json_bodies_to_every_json_endpoint_never_give_a_5xx(world):
    operations = _json_routes(world["rules"])
    assert len(operations) > 30  # both APIs' writes are in

    for rule, method in operations:
        path = _concrete(rule, [1, 1, 1])
        for raw in RAW_BODIES:
            _assert_no_server_error(_send(world, path, method, raw=raw), f"{method} {path} raw {raw[:20]!r}")

    @SETTINGS
    @given(operation=st.sampled_from(operations), data=st.data())
    def fuzz(operation, data):
        rule, method = operation
        body = data.draw(hostile_bodies(world["names"]))
        path = _concrete(rule, [world["rally"].id, 1, 1])
        _assert_no_server_error(_send(world, path, method, body=body), f"{method} {path} {body!r}")

    fuzz()


def test_ids_beyond_64_bits_in_every_id_taking_route_and_query_never_give_a_5xx(world, client, editor):
    id_rules = [rule for rule in world["rules"]
                if any("Integer" in type(c).__name__ for c in rule._converters.values())]
    assert len(id_rules) > 40
    query_names = [name for name in world["names"] if name.endswith("_id") or name in ("page", "rally", "days")]
    login(client, editor)
    for index, rule in enumerate(id_rules):
        big = BIG_IDS[index % len(BIG_IDS)]
        path = _concrete(rule, [big, big, big])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.rule.startswith(API_PREFIXES):
                response = _send(world, path, method, body={})
            else:
                response = getattr(client, method.lower())(path)
            _assert_no_server_error(response, f"{method} {path}")
            assert response.status_code in (401, 403, 404, 405, 422), f"{method} {path}: {response.status_code}"
    query = "?" + "&".join(f"{name}={2**63}" for name in query_names)
    for rule in world["rules"]:
        if "GET" in rule.methods and not rule.arguments and rule.rule.startswith(("/api/", "/editor", "/teacher",
                                                                                  "/office")):
            if rule.rule.startswith(API_PREFIXES):
                response = _send(world, rule.rule, "GET", body=None, raw="", query=query)
            else:
                response = client.get(rule.rule + query)
            _assert_no_server_error(response, f"GET {rule.rule}{query}")


def test_hostile_page_forms_never_give_a_5xx(world, client, editor, teacher, office):
    """Every POST page with a NUL, a 64-bit overflow or a year-9999 date in its fields."""
    page_posts = [rule for rule in world["rules"] if "POST" in rule.methods and not rule.rule.startswith(
        ("/api/", "/media/", "/static"))]
    values = ["a\x00b", "9999-12-31T23:59", "1e400"]
    field_names = ["title", "body_md", "class_label", "name", "starts_at", "ends_at", "retention_days", "points",
                   "email", "password", "school_id", "institution_id", "rally_id", "days", "q", "next"]
    for user in (editor, teacher, office):
        login(client, user)
        for rule in page_posts:
            area = rule.rule.split("/")[1]
            if area in ("editor", "teacher", "office") and area != user.role:
                continue  # another role's page answers 403 before reading the form
            path = _concrete(rule, [world["rally"].id, 1, 1])
            for value in values:
                response = client.post(path, data={name: value for name in field_names})
                _assert_no_server_error(response, f"POST {path} as {user.role} with {value!r}")
        client.post("/logout")
