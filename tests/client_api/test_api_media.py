"""GET /media/{name}: rally media only, cacheable for ever, with byte ranges."""

import hashlib

import pytest

from media.limits import Limits
from rallies.media_library import add_media
from tests.client_api.helpers import jpeg_with_gps, new_id, png_bytes


@pytest.fixture
def asset(db, storage):
    asset = add_media(png_bytes((2000, 600)), storage=storage, limits=Limits())
    db.session.commit()
    return asset


def test_rally_media_is_served_immutable_with_its_type_and_etag(client, asset, storage):
    response = client.get(f"/media/{asset.name}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.mimetype == asset.content_type
    assert response.data == storage.get(asset.name)
    assert hashlib.sha256(response.data).hexdigest() == asset.sha256
    assert response.headers["ETag"] == f'"{asset.sha256}"'
    assert client.get(f"/media/{asset.name}", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_the_phone_rendition_is_at_most_1280_px_and_typed_by_name(client, asset):
    from PIL import Image
    import io

    response = client.get(f"/media/{asset.display_name}")
    assert response.status_code == 200 and response.mimetype in ("image/jpeg", "image/png")
    assert max(Image.open(io.BytesIO(response.data)).size) <= 1280


def test_a_range_request_answers_206_with_content_range(client, asset, storage):
    whole = storage.get(asset.name)
    response = client.get(f"/media/{asset.name}", headers={"Range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.data == whole[10:20]
    assert response.headers["Content-Range"] == f"bytes 10-19/{len(whole)}"
    suffix = client.get(f"/media/{asset.name}", headers={"Range": "bytes=-5"})
    assert suffix.status_code == 206 and suffix.data == whole[-5:]


def test_a_range_outside_the_file_is_416_problem(client, asset, storage):
    size = storage.size(asset.name)
    response = client.get(f"/media/{asset.name}", headers={"Range": f"bytes={size}-{size + 10}"})
    assert response.status_code == 416
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "range_not_satisfiable"
    assert response.headers["Content-Range"] == f"bytes */{size}"


def test_unknown_names_uploads_and_bad_methods_are_problems(play_team, client, storage, db):
    from rallies.models import Upload

    team = play_team(stations=[{"tasks": ["photo"]}])
    task_id = team.rally.stations[0].tasks[0].id
    uploaded = team.post("/api/v1/team/uploads", data={"id": new_id(), "task_id": str(task_id),
                                                       "file": (__import__("io").BytesIO(jpeg_with_gps()), "p.jpg")})
    assert uploaded.status_code == 201
    row = db.session.get(Upload, uploaded.get_json()["media_id"])
    assert storage.exists(row.storage_name)
    for name in (row.storage_name, "0" * 64 + ".jpg", "..%2Fsecret", "nothing"):
        response = client.get(f"/media/{name}")
        assert response.status_code == 404, name
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["code"] == "not_found"
    response = client.post("/media/x.png")
    assert response.status_code == 405 and response.get_json()["code"] == "method_not_allowed"
