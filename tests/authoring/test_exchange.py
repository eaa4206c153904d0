"""Export and import of rallies as ZIP archives, including hostile ones."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from rallies.models import MediaAsset, Rally, Station
from tests.authoring.conftest import API, CHOICE, NUMBER, png, wav

IDS = {"id", "qr_url", "media_id", "rally_id", "station_id", "free_play_code", "created_at", "updated_at",
       "copied_from_id", "published_version_id", "institution", "owner"}


def without_ids(value, station_ids=None):
    """A rally's API view with everything that must differ after an import left out."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in IDS:
                continue
            if key == "after_station":
                item = station_ids.index(item)
            out[key] = without_ids(item, station_ids)
        return out
    if isinstance(value, list):
        return [without_ids(item, station_ids) for item in value]
    return value


def comparable(rally: dict) -> dict:
    station_ids = [s["id"] for s in rally["stations"]]
    return without_ids(rally, station_ids)


def import_zip(api, data: bytes, institution_id: int):
    return api.post(f"{API}/rallies/import", data={"institution_id": str(institution_id),
                                                     "file": (io.BytesIO(data), "rally.zip")},
                    content_type="multipart/form-data")


@pytest.fixture
def rich_rally(editor_api, api_rally, upload):
    image = upload(png(), "bild.png").get_json()
    sound = upload(wav(), "ton.wav").get_json()
    rally = api_rally(settings={"station_order": "fixed", "offline_feedback": True}, subjects=["Geschichte"],
                      description_md="Eine *Rallye*", stations=[
        {"title": "Halle", "unlock_mode": "qr", "body_md": "Schau **genau**", "tasks": [CHOICE, NUMBER]},
        {"title": "Platz", "unlock_mode": "location", "lat": 52.5, "lon": 13.4, "radius_m": 30,
         "tasks": [{"type": "text", "config": {"accepted_answers": ["Roland"], "max_typos": 1}},
                   {"type": "survey", "config": {"scale": {"min": 1, "max": 5}}}]},
    ])
    hall, square = rally["stations"]
    editor_api.patch(f"{API}/stations/{square['id']}", json={"conditions": [{"after_station": hall["id"]}]})
    editor_api.post(f"{API}/stations/{hall['id']}/media", json={"media_id": image["id"], "alt": "Die Halle"})
    editor_api.post(f"{API}/tasks/{hall['tasks'][0]['id']}/media", json={"media_id": sound["id"]})
    editor_api.post(f"{API}/rallies/{rally['id']}/cover", json={"media_id": image["id"], "alt": "Titelbild"})
    return editor_api.get(f"{API}/rallies/{rally['id']}").get_json()


def test_export_then_import_recreates_the_rally_with_new_ids_and_tokens(
        editor_api, rich_rally, other_institution, api_as, make_user, institution, db):
    exported = editor_api.get(f"{API}/rallies/{rich_rally['id']}/export.zip")
    assert exported.status_code == 200 and exported.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        document = json.loads(archive.read("rally.json"))
        names = set(archive.namelist())
    assert document["format_version"] == 1
    assert document["stations"][1]["conditions"] == [{"after_station": 0}]
    assert {f"media/{m['file']}" for m in [document["rally"]["cover"]]} <= names

    both = make_user("editor", institutions=[institution, other_institution])
    imported = import_zip(api_as(both), exported.data, other_institution.id)
    assert imported.status_code == 201, imported.get_json()
    copy = imported.get_json()
    assert copy["id"] != rich_rally["id"] and copy["visibility"] == "draft" and copy["version"] == 0
    assert copy["institution"]["id"] == other_institution.id
    assert comparable(copy) == comparable(rich_rally)
    old_tokens = {s.qr_token for s in db.session.get(Rally, rich_rally["id"]).stations if s.qr_token}
    new_tokens = {s.qr_token for s in db.session.get(Rally, copy["id"]).stations if s.qr_token}
    assert len(new_tokens) == 1 and not old_tokens & new_tokens

    from rallies.publishing import build_snapshot

    def snapshot(rally_id):
        data = build_snapshot(db.session.get(Rally, rally_id))
        data["rally"].pop("institution")
        return comparable({**data["rally"], "stations": data["stations"]})

    assert snapshot(copy["id"]) == snapshot(rich_rally["id"])
    assert db.session.scalar(db.select(db.func.count(MediaAsset.id))) == 2  # files stored once


def rally_zip(document=None, files=None, *, raw_json: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if raw_json is not None or document is not None:
            archive.writestr("rally.json", raw_json if raw_json is not None else json.dumps(document))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


MINIMAL = {"format_version": 1, "rally": {"title": "Import", "about": "Von uns, für alle, über alles"},
           "stations": [{"title": "Eins", "tasks": [{"type": "number", "config": {"value": 3}}]}]}


def traversal_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("rally.json", json.dumps(MINIMAL))
        archive.writestr("../../etc/evil", b"x")
    return buffer.getvalue()


def bomb_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("rally.json", json.dumps(MINIMAL))
        archive.writestr("media/zeros.png", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


def symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("rally.json", json.dumps(MINIMAL))
        link = zipfile.ZipInfo("media/link")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


HOSTILE = {
    "traversal": (traversal_zip, "unsafe_archive"),
    "bomb": (bomb_zip, "unsafe_archive"),
    "symlink": (symlink_zip, "unsafe_archive"),
    "not_a_zip": (lambda: b"PK\x03\x04 but not really", "unsafe_archive"),
    "unknown_version": (lambda: rally_zip({**MINIMAL, "format_version": 99}), "unsupported_format"),
    "missing_version": (lambda: rally_zip({k: v for k, v in MINIMAL.items() if k != "format_version"}),
                        "unsupported_format"),
    "malformed_json": (lambda: rally_zip(raw_json=b'{"format_version": 1, "rally": '), "invalid_archive"),
    "no_document": (lambda: rally_zip(files={"other.json": b"{}"}), "invalid_archive"),
    "missing_media": (lambda: rally_zip({**MINIMAL, "rally": {**MINIMAL["rally"], "cover": {"file": "x.png", "alt": "a"}}}),
                      "invalid_archive"),
    "fake_media": (lambda: rally_zip({**MINIMAL, "rally": {**MINIMAL["rally"], "cover": {"file": "x.png", "alt": "a"}}},
                                     {"media/x.png": b"<script>alert(1)</script>"}), "unsupported_media"),
    "bad_config_late": (lambda: rally_zip({**MINIMAL, "stations": MINIMAL["stations"] + [
        {"title": "Zwei", "tasks": [{"type": "single_choice", "config": {"options": [{"text": "nur eine"}]}}]}]},
    ), "invalid_request"),
}


def test_hostile_or_broken_archives_are_refused_and_nothing_is_imported(editor_api, institution, db, tmp_path):
    for case, (build, code) in sorted(HOSTILE.items()):
        response = import_zip(editor_api, build(), institution.id)
        assert response.status_code == 422, (case, response.get_json())
        problem = response.get_json()
        assert response.mimetype == "application/problem+json" and problem["code"] == code, (case, problem)
        if case == "bad_config_late":
            assert "stations.1.tasks.0.config.options" in problem["errors"]
        assert db.session.scalar(db.select(Rally.id)) is None, case
        assert db.session.scalar(db.select(Station.id)) is None, case
        assert db.session.scalar(db.select(MediaAsset.id)) is None, case
    assert not (tmp_path / "etc").exists() and not any((tmp_path / "media").rglob("*.*"))


def test_import_into_a_foreign_institution_is_refused(editor_api, other_institution, db):
    response = import_zip(editor_api, rally_zip(MINIMAL), other_institution.id)
    assert response.status_code == 403
    assert db.session.scalar(db.select(Rally.id)) is None


def test_minimal_archive_imports(editor_api, institution):
    response = import_zip(editor_api, rally_zip(MINIMAL), institution.id)
    assert response.status_code == 201
    body = response.get_json()
    assert body["title"] == "Import" and body["stations"][0]["tasks"][0]["config"]["value"] == 3


# --- Licences and attribution travel in the archive ----------------------------------------

ATTRIBUTION = {"rally_id": 7, "title": "Die Nachtwache", "owner": "Rijksmuseum", "version": 3, "licence": "CC-BY-SA-4.0"}


def rights(archive: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return json.loads(opened.read("rally.json"))["rights"]


def test_licence_and_attribution_travel_in_the_archive_and_come_back_in_ones_own_import(
        editor_api, api_rally, institution, db):
    rally = api_rally(licence="CC-BY-SA-4.0", stations=[{"title": "Halle"}])
    db.session.get(Rally, rally["id"]).attribution = dict(ATTRIBUTION)  # a copy from the library
    db.session.commit()
    exported = editor_api.get(f"{API}/rallies/{rally['id']}/export.zip").data
    carried = rights(exported)
    assert carried["licence"] == "CC-BY-SA-4.0" and carried["attribution"] == ATTRIBUTION
    assert carried["source"]["title"] == "Spurensuche im Museum" and carried["source"]["version"] == 0
    assert carried["source"]["authors"] == [{"type": "institution", "id": institution.id, "name": institution.name}]
    imported = import_zip(editor_api, exported, institution.id)
    assert imported.status_code == 201, imported.get_json()
    again = db.session.get(Rally, imported.get_json()["id"])
    assert again.licence == "CC-BY-SA-4.0" and again.attribution == ATTRIBUTION
    assert imported.get_json()["licence"] == "CC-BY-SA-4.0" and imported.get_json()["attribution"]["owner"] == "Rijksmuseum"


def test_ones_own_all_rights_reserved_rally_still_round_trips(editor_api, api_rally, institution, db):
    rally = api_rally(stations=[{"title": "Halle"}])
    exported = editor_api.get(f"{API}/rallies/{rally['id']}/export.zip").data
    assert rights(exported)["licence"] == "all-rights-reserved"
    imported = import_zip(editor_api, exported, institution.id)
    assert imported.status_code == 201, imported.get_json()
    assert db.session.get(Rally, imported.get_json()["id"]).licence == "all-rights-reserved"


def test_an_all_rights_reserved_archive_is_refused_in_another_owner_and_nothing_is_imported(
        editor_api, api_rally, other_api, other_institution, db):
    rally = api_rally(stations=[{"title": "Halle"}])
    exported = editor_api.get(f"{API}/rallies/{rally['id']}/export.zip").data
    response = import_zip(other_api, exported, other_institution.id)
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json" and response.get_json()["code"] == "licence_forbids_copy"
    assert "alle Rechte" in response.get_json()["detail"]
    assert db.session.scalar(db.select(db.func.count(Rally.id))) == 1


def test_a_cc_licensed_archive_imported_into_another_owner_records_whose_work_it_is(
        editor_api, api_rally, other_api, other_institution, institution, db):
    rally = api_rally(licence="CC-BY-4.0", stations=[{"title": "Halle"}])
    db.session.get(Rally, rally["id"]).attribution = dict(ATTRIBUTION)  # itself a copy: the nearest source counts
    db.session.commit()
    exported = editor_api.get(f"{API}/rallies/{rally['id']}/export.zip").data
    response = import_zip(other_api, exported, other_institution.id)
    assert response.status_code == 201, response.get_json()
    copy = db.session.get(Rally, response.get_json()["id"])
    assert copy.institution_id == other_institution.id and copy.licence == "CC-BY-4.0"
    assert copy.attribution == {"rally_id": rally["id"], "title": "Spurensuche im Museum", "owner": institution.name,
                                "version": 0, "licence": "CC-BY-4.0"}


def test_an_older_archive_without_rights_imports_under_the_default_licence(other_api, other_institution, db):
    assert "rights" not in MINIMAL
    response = import_zip(other_api, rally_zip(MINIMAL), other_institution.id)
    assert response.status_code == 201, response.get_json()
    rally = db.session.get(Rally, response.get_json()["id"])
    assert rally.licence == "all-rights-reserved" and rally.attribution is None


def test_archives_with_broken_rights_are_refused(editor_api, institution, db):
    cases = {
        "unknown licence": ({"licence": "GPL"}, "rights.licence"),
        "attribution without owner": ({"licence": "CC0-1.0", "attribution": {"title": "X", "version": 1,
                                                                              "licence": "CC0-1.0"}},
                                      "rights.attribution.owner"),
        "author of no known kind": ({"licence": "CC0-1.0", "source": {"title": "X", "version": 1, "owner": "Y",
                                                                       "authors": [{"type": "club", "id": 1}]}},
                                    "rights.source.authors.0.type"),
    }
    for case, (carried, path) in cases.items():
        response = import_zip(editor_api, rally_zip({**MINIMAL, "rights": carried}), institution.id)
        assert response.status_code == 422, case
        assert response.get_json()["code"] == "invalid_archive" and path in response.get_json()["errors"], \
            (case, response.get_json())
    assert db.session.scalar(db.select(Rally.id)) is None
