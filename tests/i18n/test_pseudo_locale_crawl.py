"""Every text people see comes from the catalogue: a crawl of every page in a pseudo-locale.

The pseudo-locale wraps each translation in ⟦…⟧ (see pseudo.py). The crawler logs in as
editor, teacher and office of the demo, GETs every route of the app with the demo's ids,
and reads what a person would read: the visible text and labels of pages, the headings
and cells of the XLSX/CSV exports, the text of the PDFs (pdftotext), and the problem
bodies of both APIs. Any word outside the markers that is not data stored in the database
(names, titles, what users typed), a number, a date, an address or a code fails the test.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from server.pages.forms_editor import LANGUAGE_NAMES
from tests.i18n.pseudo import PSEUDO, build_catalogue, data_strings, unmarked_words, visible_text

TRANSLATIONS = Path(__file__).resolve().parents[2] / "server" / "translations"

# Words that are the same in every language on purpose.
ALLOWED = frozenset({
    "Deutsch", "English",   # the language switch names each language in itself
    "Kulturrallye",         # the product's name
    "QR", "PDF", "CSV", "XLSX", "ZIP", "API", "JSON", "OpenAPI",
}) | frozenset(word for name in LANGUAGE_NAMES.values() for word in name.split())  # a rally's language, named in itself
# Not pages for people of these roles: the web player (its own JSON catalogues), machine endpoints.
# A signed agreement is the partners' own file; a rally archive and the API's figures CSV are for programs.
# The studio's phone preview and the pupils' workshop page (/workshop, /workshop/<code>) are the
# web player's shell, whose texts come from the player's own JSON catalogues (checked by
# tests/server/test_player_i18n.py), not from this one.
NOT_FOR_READING = re.compile(r"/agreement(\.pdf)?$|/export\.zip$|^/api/manage/v1/office/figures\.csv$"
                             r"|^/editor/rallies/\d+/phone$")
SKIPPED_PREFIXES = ("/static/", "/play", "/join/", "/q/", "/workshop", "/sw.js", "/metrics", "/healthz", "/readyz", "/media/",
                    "/api/")


@pytest.fixture(scope="module")
def pseudo_folder(tmp_path_factory):
    return build_catalogue(tmp_path_factory.mktemp("pseudo-locale"))


@pytest.fixture
def backend():
    """One database is enough to read texts; the crawl is the slowest test of the suite."""
    return "sqlite"


@pytest.fixture
def app_config(app_config, pseudo_folder):
    return {**app_config, "LANGUAGES": ("de", "en", PSEUDO),
            "BABEL_TRANSLATION_DIRECTORIES": f"{TRANSLATIONS};{pseudo_folder}"}


@pytest.fixture
def demo(app, db, client):
    """The demo seed, with two teams that joined its class run and answered."""
    from rallies.models import ClassRun, Partnership, Rally
    from server.demo import seed

    seed()
    db.session.commit()
    run = db.session.scalar(db.select(ClassRun))
    for name in ("Die Füchse", "Team Eule"):
        joined = client.post("/api/v1/join", json={"code": run.join_code, "team_name": name})
        assert joined.status_code in (200, 201), joined.get_data(as_text=True)
    rally = db.session.scalar(db.select(Rally))
    station = rally.stations[0]
    return {
        "rally_id": rally.id, "station_id": station.id,
        "task_id": next(task.id for s in rally.stations for task in s.tasks),
        "run_id": run.id, "partnership_id": db.session.scalar(db.select(Partnership.id)),
        "institution_id": rally.institution_id, "school_id": run.school_id,
        "user_id": 1, "code": "not_found",
    }


def _routes(app, demo: dict) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(SKIPPED_PREFIXES):
            continue
        if any(arg not in demo for arg in rule.arguments):
            continue
        paths.append(rule.build(dict.fromkeys(rule.arguments, None) | {a: demo[a] for a in rule.arguments},
                                append_unknown=False)[1])
    return sorted(set(paths))


def _api_paths(app, demo: dict, prefix: str) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.rule.startswith(prefix) or "docs" in rule.rule:
            continue
        values = {a: demo.get(a, 999999) for a in rule.arguments}
        paths.append(rule.build(values, append_unknown=False)[1])
    return sorted(set(paths)) + [prefix + "/no-such-thing"]


def _texts(response) -> list[str]:
    """What a person reads in this response (a redirect's body is read by nobody)."""
    kind = response.mimetype
    if 300 <= response.status_code < 400:
        return []
    body = response.get_data()
    if kind == "text/html":  # one text: a translated sentence may hold a link
        return ["\n".join(visible_text(body.decode("utf-8")))]
    if kind in ("application/json", "application/problem+json"):
        return _problem_texts(response.get_json()) if response.status_code >= 400 else []
    if kind == "text/csv":
        return [line for line in body.decode("utf-8-sig").splitlines()]
    if kind == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        book = openpyxl.load_workbook(io.BytesIO(body))
        texts = [sheet.title for sheet in book.worksheets]
        for sheet in book.worksheets:
            texts += [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
        return texts
    if kind == "application/pdf":
        return [subprocess.run(["pdftotext", "-layout", "-", "-"], input=body, capture_output=True,
                               check=True).stdout.decode("utf-8")]
    if kind == "application/zip":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return [name for name in archive.namelist()]
    return []


def _problem_texts(body) -> list[str]:
    if not isinstance(body, dict):
        return []
    texts = [body.get("title") or "", body.get("detail") or ""]
    for messages in (body.get("errors") or {}).values():
        texts += messages if isinstance(messages, list) else [str(messages)]
    texts += [str(reason) for reason in body.get("reasons") or []]
    return texts


# Known leaks not yet through the catalogue, path → words. The crawl fails on any other leak
# AND on a listed one that is gone (then delete it here): the list only shrinks.


def _findings(client, paths, data, **kwargs) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        if NOT_FOR_READING.search(path):
            continue
        response = client.get(path, **kwargs)
        allowed = ALLOWED
        if response.mimetype == "application/pdf":  # the QR kit's overview shortens long titles with "…"
            allowed = ALLOWED | {word for value in data for word in value.split()}
        words = [w for text in _texts(response) for w in unmarked_words(text, data, allowed)]
        if words:
            found[f"{path} [{response.status_code} {response.mimetype}]"] = sorted(set(words))
    return found


def _login(client, role: str):
    from server.demo import DEMO_PASSWORD, LOGINS

    response = client.post("/login", data={"email": LOGINS[role], "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["editor", "teacher", "office"])
def test_every_page_of_every_role_speaks_only_through_the_catalogue(app, db, client, demo, role):
    data = data_strings(db)
    client.get(f"/login?lang={PSEUDO}")
    anonymous = _findings(client, ["/", "/login", "/no-such-page"], data) if role == "editor" else {}
    _login(client, role)
    found = {**anonymous, **_findings(client, _routes(app, demo), data)}
    assert found == {}, "Text outside the catalogue:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())


@pytest.mark.parametrize("role", ["editor", "teacher", "office"])
def test_problems_of_both_apis_speak_only_through_the_catalogue(app, db, client, api_as, demo, role):
    from rallies.models import User
    from server.demo import LOGINS

    data = data_strings(db)
    headers = {"Accept-Language": PSEUDO}
    user = db.session.scalar(db.select(User).filter_by(email=LOGINS[role]))
    api = api_as(user)
    found = _findings(api, _api_paths(app, demo, "/api/manage/v1"), data, headers=headers)
    found.update(_findings(client, _api_paths(app, demo, "/api/v1") + ["/api/v1/rallies?page=0&near=x"],
                           data, headers=headers))
    anonymous = client.get("/api/manage/v1/me", headers=headers)
    assert anonymous.status_code == 401
    found.update({"/api/manage/v1/me (anonymous)": w for w in
                  [[x for t in _problem_texts(anonymous.get_json()) for x in unmarked_words(t, data, ALLOWED)]] if w})
    assert found == {}, "Text outside the catalogue:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_pseudo_locale_marks_catalogue_texts_and_finds_forgotten_ones(app, client):
    page = client.get(f"/login?lang={PSEUDO}").get_data(as_text=True)
    assert "⟦Anmelden⟧" in page
    assert unmarked_words("⟦Anmelden⟧ 07.12.2026, 02:42 Stadtmuseum", ["Stadtmuseum"], ALLOWED) == []
    assert unmarked_words("⟦Rallye ⟦Station⟧⟧ No such rally.", [], ALLOWED) == ["No", "such", "rally"]
    assert re.search("⟦", page)
