"""Short station codes (CLIENT_API December additions): five characters a team types instead of
scanning; unique within the rally, renewed with the QR token, never shown to a team."""

from __future__ import annotations

import io
import json

import pytest
import zxingcpp
from pypdf import PdfReader

from rallies.models import Scan, StationUnlock
from rallies.short_codes import display_short_code, is_short_code, normalise_short_code
from rallies.tokens import JOIN_CODE_ALPHABET
from tests.client_api.helpers import new_id, now_iso

QR_STATIONS = [{"unlock_mode": "qr", "tasks": ["info"]}, {"unlock_mode": "qr", "tasks": ["info"]},
               {"tasks": ["info"]}]


def count(db, model, **where):
    return db.session.scalar(db.select(db.func.count()).select_from(model).filter_by(**where))


def scan(team, payload, client_id=None):
    return team.post("/api/v1/team/scans", json={"id": client_id or new_id(), "payload": payload, "scanned_at": now_iso()})


def test_every_qr_station_gets_a_five_character_code_of_the_join_code_alphabet(make_rally):
    rally = make_rally(stations=QR_STATIONS)
    first, second, open_station = rally.stations
    for station in (first, second):
        assert len(station.short_code) == 5 and set(station.short_code) <= set(JOIN_CODE_ALPHABET)
    assert first.short_code != second.short_code
    assert open_station.short_code is None


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "  {a}-{b} ", "{a} {b}", "{a_lower}-{b}"])
def test_a_typed_short_code_unlocks_its_station_forgiving_case_spaces_and_hyphens(play_team, db, typed):
    team = play_team(stations=QR_STATIONS)
    station = team.rally.stations[1]
    code = station.short_code
    payload = typed.format(code=code, lower=code.lower(), a=code[:3], b=code[3:], a_lower=code[:3].lower())
    response = scan(team, payload)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["station"] == {"id": station.id, "title": station.title}
    assert response.get_json()["unlocked"] is True
    assert count(db, StationUnlock, team_id=team.team_id, station_id=station.id) == 1
    states = {s["id"]: s["state"] for s in team.progress()["stations"]}
    assert states[station.id] == "unlocked" and states[team.rally.stations[0].id] == "locked"


def test_a_short_code_replayed_with_the_same_id_is_a_duplicate_counted_once(play_team, db):
    team = play_team(stations=QR_STATIONS)
    code = team.rally.stations[0].short_code
    scan_id = new_id()
    assert scan(team, code, scan_id).get_json()["status"] == "accepted"
    assert scan(team, code, scan_id).get_json()["status"] == "duplicate"
    assert count(db, Scan, team_id=team.team_id) == 1


def test_a_short_code_of_another_rally_or_a_wrong_one_is_404_unknown_code(play_team, make_rally, db):
    team = play_team(stations=QR_STATIONS)
    other = make_rally(stations=QR_STATIONS)
    taken = {s.short_code for s in team.rally.stations if s.short_code}
    unused = next(c for c in ("AAAAA", "BBBBB", "CCCCC") if c not in taken)
    for payload in (other.stations[0].short_code, unused, "K7M3", "K7M3PX", "I0O1L"):
        if payload in taken:
            continue
        response = scan(team, payload)
        assert response.status_code == 404 and response.get_json()["code"] == "unknown_code", payload
    assert count(db, Scan, team_id=team.team_id) == 0


def test_the_full_url_and_the_token_still_work(play_team):
    team = play_team(stations=QR_STATIONS)
    first, second, _ = team.rally.stations
    assert scan(team, f"https://rally.example/q/{first.qr_token}").get_json()["station"]["id"] == first.id
    assert scan(team, second.qr_token).get_json()["station"]["id"] == second.id


def test_short_codes_never_reach_a_team(play_team):
    team = play_team(stations=QR_STATIONS)
    codes = [s.short_code for s in team.rally.stations if s.short_code]
    responses = [team.bundle().get_data(as_text=True), json.dumps(team.progress()),
                 json.dumps(scan(team, codes[0]).get_json())]
    for body in responses:
        assert "short_code" not in body
        for code in codes:
            assert code not in body


def test_regenerating_the_qr_token_gives_a_new_short_code_and_retires_the_old(play_team, db, editor):
    from rallies import authoring

    team = play_team(stations=QR_STATIONS)
    station = team.rally.stations[0]
    old_code, old_token = station.short_code, station.qr_token
    authoring.regenerate_qr_token(station, actor=editor)
    db.session.commit()
    assert station.short_code != old_code and is_short_code(station.short_code)
    assert station.qr_token != old_token
    assert scan(team, old_code).status_code == 404
    assert scan(team, station.short_code).get_json()["station"]["id"] == station.id


def test_codes_stay_unique_within_a_rally_even_when_the_dice_repeat(make_rally, db, editor, monkeypatch):
    from rallies import authoring, short_codes

    rally = make_rally(stations=[{"unlock_mode": "qr"}], publish=None)
    existing = rally.stations[0].short_code
    draws = iter([existing, existing, "ZZZZZ"])
    monkeypatch.setattr(short_codes, "new_short_code", lambda taken=frozenset(): next(c for c in draws if c not in taken))
    added = authoring.add_station(rally, actor=editor, title="Zweite", unlock_mode="qr")
    db.session.commit()
    assert added.short_code == "ZZZZZ"


def test_a_copied_rally_gets_its_own_codes(make_rally, db, institution, editor):
    from rallies import publishing

    rally = make_rally(stations=QR_STATIONS)
    copy = publishing.copy_rally(rally, institution, actor=editor)
    db.session.commit()
    originals = {s.short_code for s in rally.stations if s.short_code}
    copies = [s.short_code for s in copy.stations if s.unlock_mode == "qr"]
    assert len(copies) == 2 and all(is_short_code(c) for c in copies) and not originals & set(copies)


def test_short_codes_are_normalised_like_join_codes():
    assert normalise_short_code(" k7m-3p ") == "K7M3P"
    assert normalise_short_code("k7m 3p") == "K7M3P"
    assert display_short_code("K7M3P") == "K7M-3P"
    assert not is_short_code("K7M3") and not is_short_code("K0M3P")


def test_the_qr_kit_and_the_station_sign_print_the_short_code_large(editor_client, make_rally, db):
    rally = make_rally(stations=QR_STATIONS)
    station = rally.stations[1]
    printed = display_short_code(station.short_code)
    kit = editor_client.get(f"/editor/rallies/{rally.id}/qr-kit.pdf")
    kit_pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(kit.data)).pages]
    assert printed in kit_pages[0] and printed in kit_pages[2]  # overview, and the station's own sign
    assert "Code eingeben" in kit_pages[2]

    sign = editor_client.get(f"/editor/stations/{station.id}/sign.pdf")
    assert sign.status_code == 200 and sign.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(sign.data)).pages
    assert len(pages) == 1 and printed in pages[0].extract_text() and station.title in pages[0].extract_text()
    decoded = [r.text for image in pages[0].images for r in zxingcpp.read_barcodes(image.image)]
    assert decoded == [f"https://rally.example/q/{station.qr_token}"]
    assert editor_client.get(f"/editor/stations/{rally.stations[2].id}/sign.pdf").status_code == 404
    db.session.expire_all()
    assert station.qr_printed_token == station.qr_token  # the publish checklist counts it as printed

    page = editor_client.get(f"/editor/stations/{station.id}").get_data(as_text=True)
    assert printed in page


@pytest.fixture
def editor_client(client, editor):
    from tests.pages.helpers import login

    login(client, editor)
    return client
