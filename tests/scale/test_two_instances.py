"""Scale-out for real: a team plays across two app instances that share PostgreSQL, Redis and
S3, with replays sent to both; nothing is lost or stored twice, limits count across both,
and files stored through one instance are served by the other."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import uuid

import pytest
import requests
import sqlalchemy as sa
from PIL import Image

pytestmark = [pytest.mark.scale, pytest.mark.xdist_group("scale")]


def photo(colour=(200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def rows(database_url: str, sql: str) -> list[tuple]:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        result = [tuple(r) for r in connection.execute(sa.text(sql)).all()]
    engine.dispose()
    return result


def test_a_team_plays_across_two_instances_and_nothing_is_lost_or_doubled(two_instances):
    a, b = two_instances.urls
    joined = requests.post(a + "/api/v1/join", json={"code": two_instances.join_code, "team_name": "Wanderer"},
                           timeout=30)
    assert joined.status_code == 201, joined.text
    team_id = joined.json()["team"]["id"]
    auth = {"Authorization": f"Bearer {joined.json()['token']}"}

    # The token issued by one instance works on the other; an upload through B is a replay on A.
    upload_id, picture = str(uuid.uuid4()), photo()
    form = {"id": upload_id, "task_id": str(two_instances.photo_task_id)}
    first = requests.post(b + "/api/v1/team/uploads", data=form, files={"file": ("p.jpg", picture)},
                          headers=auth, timeout=30)
    assert first.status_code == 201, first.text
    again = requests.post(a + "/api/v1/team/uploads", data=form, files={"file": ("p.jpg", picture)},
                          headers=auth, timeout=30)
    assert again.status_code == 200 and again.json() == {**first.json(), "status": "duplicate"}
    media_id = first.json()["media_id"]
    from_b = requests.get(b + f"/api/v1/team/uploads/{media_id}", headers=auth, timeout=30)
    from_a = requests.get(a + f"/api/v1/team/uploads/{media_id}", headers=auth, timeout=30)
    assert from_a.status_code == from_b.status_code == 200 and from_a.content == from_b.content
    assert from_a.headers["Content-Type"] == "image/jpeg"

    # Answers alternate between the instances; every batch is replayed on the other one.
    sent_ids = []
    instances = itertools.cycle([(a, b), (b, a)])
    for round_number in range(6):
        first_url, replay_url = next(instances)
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        task_id = two_instances.number_task_ids[round_number]
        items = [{"id": str(uuid.uuid4()), "task_id": task_id, "value": 3, "answered_at": now},
                 {"id": str(uuid.uuid4()), "task_id": task_id, "value": 7, "answered_at": now}]
        if round_number == 0:
            items.append({"id": str(uuid.uuid4()), "task_id": two_instances.photo_task_id, "value": media_id,
                          "answered_at": now})
        sent_ids += [item["id"] for item in items]
        answered = requests.post(first_url + "/api/v1/team/answers", json={"answers": items}, headers=auth, timeout=30)
        assert answered.status_code == 200, answered.text
        assert [r["status"] for r in answered.json()["results"]] == ["accepted"] * len(items)
        replayed = requests.post(replay_url + "/api/v1/team/answers", json={"answers": items}, headers=auth,
                                 timeout=30)
        assert [r["status"] for r in replayed.json()["results"]] == ["duplicate"] * len(items)
    progress_a = requests.get(a + "/api/v1/team/progress", headers=auth, timeout=30).json()
    progress_b = requests.get(b + "/api/v1/team/progress", headers=auth, timeout=30).json()
    assert progress_a == progress_b and progress_a["score"] == 60

    # Nothing lost, nothing doubled: in the shared database and in the shared bucket.
    stored = rows(two_instances.database_url, f"SELECT client_id FROM answers WHERE team_id = {team_id}")
    assert sorted(r[0] for r in stored) == sorted(sent_ids)
    uploads = rows(two_instances.database_url, f"SELECT storage_name FROM uploads WHERE team_id = {team_id}")
    assert len(uploads) == 1
    s3 = two_instances.s3_client()
    assert s3.head_object(Bucket="rally-media", Key=f"media/{uploads[0][0]}")["ContentLength"] > 0


def test_rally_media_uploaded_through_one_instance_are_served_by_the_other(two_instances):
    a, b = two_instances.urls
    editor = {"Authorization": f"Bearer {two_instances.editor_token}"}
    created = requests.post(a + "/api/manage/v1/media", headers=editor, timeout=30,
                            data={"institution_id": str(two_instances.institution_id)},
                            files={"file": ("plan.jpg", photo((10, 120, 200)))})
    assert created.status_code == 201, created.text
    name = created.json()["name"]
    served = requests.get(b + f"/media/{name}", timeout=30)
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
    assert served.content == requests.get(a + f"/media/{name}", timeout=30).content
    ranged = requests.get(b + f"/media/{name}", headers={"Range": "bytes=0-9"}, timeout=30)
    assert ranged.status_code == 206 and ranged.content == served.content[:10]


def test_the_failed_join_limit_counts_across_both_instances(two_instances):
    a, b = two_instances.urls
    statuses = []
    for attempt in range(21):
        url = a if attempt % 2 == 0 else b
        response = requests.post(url + "/api/v1/join", json={"code": "ZZZZZZ", "team_name": f"T{attempt}"},
                                 timeout=30)
        statuses.append(response.status_code)
    # 20 failed joins in a minute from one address, ten on each instance: the 21st is refused.
    assert statuses[:20] == [404] * 20
    assert statuses[20] == 429
    refused = requests.post(a + "/api/v1/join", json={"code": "ZZZZZZ", "team_name": "X"}, timeout=30)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    # A valid code still joins: failed joins never use up the budget of valid ones.
    valid = requests.post(b + "/api/v1/join", json={"code": two_instances.join_code, "team_name": "Spät"}, timeout=30)
    assert valid.status_code == 201
