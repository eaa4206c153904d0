"""QR codes that real decoders read, the printable kit, and media uploads through the API."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from rallies.models import MediaAsset, Station, StationMedia
from tests.authoring.conftest import API, CHOICE, jpeg, png, png_bomb, wav


def decode(png_bytes: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png_bytes)))]


def test_station_qr_png_decodes_to_the_public_url(editor_api, api_rally, db):
    rally = api_rally(stations=[{"title": "Turm", "unlock_mode": "qr"}, {"title": "Offen"}])
    tower, open_station = rally["stations"]
    token = db.session.get(Station, tower["id"]).qr_token
    response = editor_api.get(f"{API}/stations/{tower['id']}/qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert decode(response.data) == [f"https://rally.example/q/{token}"]
    svg = editor_api.get(f"{API}/stations/{tower['id']}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    refused = editor_api.get(f"{API}/stations/{open_station['id']}/qr.png")
    assert refused.status_code == 422 and refused.get_json()["code"] == "not_a_qr_station"


def test_regenerating_a_token_invalidates_the_old_code(editor_api, make_rally, make_run, join_team, db):
    from rallies import play
    from rallies.errors import NotFound

    rally = make_rally(stations=[{"unlock_mode": "qr", "tasks": ["single_choice"]}])
    station = rally.stations[0]
    old_url = f"https://rally.example/q/{station.qr_token}"
    response = editor_api.post(f"{API}/stations/{station.id}/qr/regenerate")
    assert response.status_code == 200
    new_url = response.get_json()["qr_url"]
    assert new_url != old_url
    assert decode(editor_api.get(f"{API}/stations/{station.id}/qr.png").data) == [new_url]

    team, _ = join_team(make_run(rally).join_code)
    now = dt.datetime.now(dt.timezone.utc)
    with pytest.raises(NotFound) as error:
        play.scan(team, client_id=str(uuid.uuid4()), payload=old_url, scanned_at=now)
    assert error.value.code == "unknown_code"
    db.session.rollback()
    assert play.scan(team, client_id=str(uuid.uuid4()), payload=new_url, scanned_at=now)["unlocked"] is True


def test_qr_kit_pdf_has_an_overview_and_a_page_per_qr_station(editor_api, api_rally, db):
    titles = ["Eingangshalle", "Großer Saal", "Turmzimmer mit Blick über die Altstadt"]
    rally = api_rally(title="Spurensuche Ölmühle", stations=[
        {"title": t, "unlock_mode": "qr"} for t in titles] + [{"title": "Ohne Code"}])
    response = editor_api.get(f"{API}/rallies/{rally['id']}/qr-kit.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1 + len(titles)
    for page, title in zip(reader.pages[1:], titles):
        text = " ".join(page.extract_text().split())
        assert title in text and "Spurensuche Ölmühle" in text
    overview = reader.pages[0].extract_text()
    assert "Eingangshalle" in overview and "Ohne Code" not in " ".join(p.extract_text() for p in reader.pages)
    none = api_rally(stations=[{"title": "Offen"}])
    empty = editor_api.get(f"{API}/rallies/{none['id']}/qr-kit.pdf")
    assert empty.status_code == 422 and empty.get_json()["code"] == "no_qr_stations"


def test_an_image_is_stored_once_cleaned_with_derivatives(upload, storage, db):
    first = upload(jpeg((2000, 1000)), "foto.mp3")  # the name does not matter
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["kind"] == "image" and body["content_type"] == "image/jpeg"
    assert body["width"] == 2000 and body["phone"]["width"] == 1280 and body["phone"]["url"].startswith("/media/")
    asset = db.session.get(MediaAsset, body["id"])
    assert storage.exists(asset.name) and storage.exists(asset.display_name) and storage.exists(asset.thumb_name)
    again = upload(jpeg((2000, 1000)), "nochmal.jpg").get_json()
    assert again["id"] == body["id"]
    assert db.session.scalar(db.select(db.func.count(MediaAsset.id))) == 1


def test_audio_is_accepted_by_content(upload):
    response = upload(wav(), "ton.jpg")
    assert response.status_code == 201
    assert response.get_json()["kind"] == "audio" and response.get_json()["content_type"].startswith("audio/")


def test_refused_files_answer_problem_json_and_store_nothing(upload, db, tmp_path):
    whole = jpeg()
    cases = {
        "zero-byte": b"",
        "truncated JPEG": whole[: len(whole) // 2],
        "text": b"Hallo, ich bin kein Bild.",
        "HTML": b"<!doctype html><script>alert(1)</script>",
        "decompression bomb": png_bomb(),
    }
    for case, data in cases.items():
        response = upload(data, "datei.jpg")
        assert response.status_code == 415, (case, response.get_json())
        problem = response.get_json()
        assert response.mimetype == "application/problem+json"
        assert problem["code"] == "unsupported_media" and problem["detail"], case
        assert db.session.scalar(db.select(MediaAsset.id)) is None, case
        assert not any((tmp_path / "media").rglob("*.*")), case
    assert "bomb" in upload(png_bomb(), "x.png").get_json()["detail"]


def test_a_png_named_mp3_is_judged_by_its_content(upload):
    response = upload(png(), "lied.mp3")
    assert response.status_code == 201
    assert response.get_json()["kind"] == "image" and response.get_json()["url"].endswith((".jpg", ".png"))


def test_a_file_over_the_limit_is_too_large(app, upload, db, tmp_path):
    app.config["MAX_IMAGE_BYTES"] = 1000
    response = upload(jpeg((400, 300)), "gross.jpg")
    assert response.status_code == 413
    problem = response.get_json()
    assert problem["code"] == "too_large" and "limit" in problem["detail"]
    assert db.session.scalar(db.select(MediaAsset.id)) is None
    assert not any((tmp_path / "media").rglob("*.*"))


def test_upload_needs_a_file_and_an_own_institution(editor_api, upload, other_institution, db):
    missing = editor_api.post(f"{API}/media", data={"institution_id": "1"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.get_json()["errors"]
    foreign = upload(png(), "x.png", institution_id=other_institution.id)
    assert foreign.status_code == 403
    assert db.session.scalar(db.select(MediaAsset.id)) is None


def test_images_need_alt_text_audio_does_not(editor_api, api_rally, upload, db):
    rally = api_rally(stations=[{"title": "S", "tasks": [CHOICE]}])
    station, task = rally["stations"][0], rally["stations"][0]["tasks"][0]
    image = upload(png(), "bild.png").get_json()
    sound = upload(wav(), "ton.wav").get_json()
    for path in (f"/stations/{station['id']}/media", f"/tasks/{task['id']}/media"):
        refused = editor_api.post(API + path, json={"media_id": image["id"], "alt": "   "})
        assert refused.status_code == 422
        assert refused.get_json()["code"] == "alt_required" and "alt" in refused.get_json()["errors"]
    assert db.session.scalar(db.select(StationMedia.id)) is None
    cover = editor_api.post(f"{API}/rallies/{rally['id']}/cover", json={"media_id": image["id"]})
    assert cover.status_code == 422 and cover.get_json()["code"] == "alt_required"

    assert editor_api.post(f"{API}/tasks/{task['id']}/media", json={"media_id": sound["id"]}).status_code == 201
    linked = editor_api.post(f"{API}/stations/{station['id']}/media",
                             json={"media_id": image["id"], "alt": "Ein blaues Rechteck"})
    assert linked.status_code == 201 and linked.get_json()["media"]["alt"] == "Ein blaues Rechteck"
    cover = editor_api.post(f"{API}/rallies/{rally['id']}/cover", json={"media_id": image["id"], "alt": "Titelbild"})
    assert cover.get_json()["cover"]["alt"] == "Titelbild"
    preview = editor_api.get(f"{API}/rallies/{rally['id']}/preview").get_json()
    assert preview["stations"][0]["media"][0]["alt"] == "Ein blaues Rechteck"
    assert preview["stations"][0]["tasks"][0]["media"][0]["content_type"].startswith("audio/")
    assert preview["rally"]["cover"]["alt"] == "Titelbild"
