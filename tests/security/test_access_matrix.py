"""Who gets what: every management route with an id, asked by its owner and by each outsider.

The owner's GET succeeds (so the check is not vacuous); every outsider role gets 403 or
404, never data; anonymous callers get 401 everywhere except the public client routes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

import pytest
from PIL import Image

from rallies.models import Answer, Upload

PUBLIC = {"/api/v1/rallies", "/api/v1/join", "/api/v1/workshop/join", "/api/v1/problems/<code>", "/api/v1/openapi.json", "/api/v1/docs",
          "/api/manage/v1/openapi.json", "/api/manage/v1/docs", "/media/<name>"}


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def world(app, db, make_institution, make_school, make_user, make_rally, institution, school, editor, teacher,
          office, join_team):
    """Institution A and school A own everything; B-side users are the outsiders."""
    from rallies import partnerships, play, runs
    from rallies.runtime import media_limits, media_storage

    draft = make_rally(publish=None, stations=[{"unlock_mode": "qr", "tasks": ["single_choice"]}])
    published = make_rally(publish="public", stations=[{"tasks": ["photo", "text"]}])
    station = draft.stations[0]
    task = station.tasks[0]
    from rallies import authoring
    from rallies.media_library import add_media

    asset = add_media(png_bytes(), storage=media_storage(), limits=media_limits(), institution_id=institution.id)
    link = authoring.attach_station_media(station, asset.id, "Ein rotes Bild", actor=editor)
    now = dt.datetime.now(dt.timezone.utc)
    run = runs.start_run(published, school=school, teacher=teacher, class_label="8c",
                         starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=2),
                         max_retention_days=365, default_retention_days=30, now=now - dt.timedelta(minutes=10))
    db.session.commit()
    team, _ = join_team(run.join_code)
    photo_task = published.stations[0].tasks[0]
    result, _ = play.upload(team, client_id=str(uuid.uuid4()), task_id=photo_task.id, data=png_bytes(),
                            storage=media_storage(), limits=media_limits())
    play.submit_answers(team, [{"id": str(uuid.uuid4()), "task_id": photo_task.id, "value": result["media_id"],
                                "answered_at": now.isoformat()}], policy=play.PlayPolicy())
    p = partnerships.create_partnership(school_id=school.id, actor=office,
                                        members=[{"institution_id": institution.id, "contact_name": "A",
                                                  "contact_email": "anna.a@museum.example"}])
    db.session.commit()
    answer = db.session.scalar(db.select(Answer).filter_by(team_id=team.id))
    upload = db.session.scalar(db.select(Upload).filter_by(team_id=team.id))
    from rallies import workshops

    workshop = workshops.open_workshop(school=school, teacher=teacher, class_label="7b", starts_at=now,
                                       ends_at=now + dt.timedelta(hours=2), max_retention_days=365,
                                       default_retention_days=30)
    db.session.commit()
    other_institution = make_institution(name="Anderes Museum")
    other_school = make_school(name="Andere Schule")
    return {
        "ids": {"rally_id": draft.id, "station_id": station.id, "task_id": task.id, "media_id": asset.id,
                "link_id": link.id, "run_id": run.id, "answer_id": answer.id, "upload_id": upload.id,
                "partnership_id": p.id, "institution_id": institution.id, "school_id": school.id,
                "user_id": editor.id, "library_rally_id": published.id, "workshop_id": workshop.id},
        "owners": {"editor": editor, "teacher": teacher, "office": office},
        "outsiders": {
            "editor_b": make_user("editor", institutions=[other_institution]),
            "teacher_b": make_user("teacher", schools=[other_school]),
            "office": office,
        },
        "task_link_task": task,
    }


# Which first path parameter belongs to whom, and which outsiders must be kept out.
OWNERSHIP = {
    "rally_id": ("editor", ["editor_b", "teacher_b"]),
    "station_id": ("editor", ["editor_b", "teacher_b", "office"]),
    "task_id": ("editor", ["editor_b", "teacher_b", "office"]),
    "media_id": ("editor", ["editor_b", "teacher_b"]),
    "run_id": ("teacher", ["editor_b", "teacher_b", "office"]),
    "answer_id": ("teacher", ["editor_b", "teacher_b", "office"]),
    "partnership_id": ("office", ["editor_b", "teacher_b"]),
    "institution_id": ("office", ["editor_b"]),
    "school_id": ("office", ["editor_b", "teacher_b"]),
    "user_id": ("office", ["editor_b", "teacher_b"]),
    "workshop_id": ("teacher", ["editor_b", "teacher_b", "office"]),
}
# Routes whose owner GET needs state the world does not have, or that only exist for writes.
OWNER_GET_EXEMPT = {"/api/manage/v1/partnerships/<int:partnership_id>/agreement"}


def manage_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/manage/v1/") and rule.rule not in PUBLIC:
            yield rule


def fill(rule: str, ids: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule)


def first_param(rule: str) -> str | None:
    match = re.search(r"<(?:\w+:)?(\w+)>", rule)
    return match.group(1) if match else None


def test_anonymous_callers_get_401_problems_on_every_protected_route(app, client, world):
    checked = 0
    for rule in list(manage_rules(app)) + [r for r in app.url_map.iter_rules()
                                            if r.rule.startswith("/api/v1/") and r.rule not in PUBLIC]:
        path = fill(rule.rule, {**world["ids"], "id": world["ids"]["rally_id"], "token_id": 1})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, json={})
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.mimetype == "application/problem+json"
            assert response.get_json()["code"] in ("unauthorized", "token_expired")
            checked += 1
    assert checked > 60


def test_owners_read_and_outsiders_are_kept_out_of_every_route_with_an_id(app, api_as, world):
    clients = {name: api_as(user) for name, user in {**world["owners"], **world["outsiders"]}.items()}
    owner_reads = outsider_checks = 0
    for rule in manage_rules(app):
        param = first_param(rule.rule)
        if param not in OWNERSHIP:
            continue
        owner, outsiders = OWNERSHIP[param]
        path = fill(rule.rule, world["ids"])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET" and rule.rule not in OWNER_GET_EXEMPT:
                response = clients[owner].get(path)
                assert response.status_code == 200, (owner, path, response.status_code, response.get_data()[:200])
                owner_reads += 1
            for outsider in outsiders:
                response = clients[outsider].open(path, method=method, json={})
                if method == "GET":
                    assert response.status_code in (403, 404), (outsider, method, path, response.status_code)
                else:
                    # Writes may fail validation first, but never succeed and never crash.
                    assert response.status_code in (400, 403, 404, 409, 415, 422), (outsider, method, path,
                                                                                    response.status_code)
                assert response.mimetype == "application/problem+json"
                outsider_checks += 1
    assert owner_reads > 20 and outsider_checks > 80


def test_the_office_sees_figures_but_no_answers(app, api_as, world):
    office = api_as(world["owners"]["office"])
    assert office.get("/api/manage/v1/office/figures").status_code == 200
    run_id = world["ids"]["run_id"]
    for suffix in ("", "/results", "/open-answers", "/export.xlsx", "/uploads.zip", "/progress"):
        assert office.get(f"/api/manage/v1/runs/{run_id}{suffix}").status_code in (403, 404), suffix


def test_a_team_of_another_run_reads_nothing_of_this_team(app, client, world, make_rally, make_run, join_team):
    other = make_rally(publish="public")
    other_run = make_run(other)
    _, token = join_team(other_run.join_code, "Fremde")
    headers = {"Authorization": f"Bearer {token}"}
    draft_bundle = client.get(f"/api/v1/rallies/{world['ids']['rally_id']}/bundle", headers=headers)
    assert draft_bundle.status_code == 404
    upload = client.get(f"/api/v1/team/uploads/{world['ids']['upload_id']}", headers=headers)
    assert upload.status_code == 404
    assert upload.mimetype == "application/problem+json"


def test_pupil_uploads_are_never_served_publicly(app, client, world, db):
    upload = db.session.get(Upload, world["ids"]["upload_id"])
    response = client.get(f"/media/{upload.storage_name}")
    assert response.status_code == 404


@pytest.fixture
def school_world(db, world, school, teacher, institution, make_school, make_user, make_institution):
    """A rally of school A authored by its teacher; the outsiders of the schools' matrix."""
    from rallies import authoring, publishing

    rally = authoring.create_rally(school, actor=teacher, title="Unser Schulhof", about="Klasse 7b")
    station = authoring.add_station(rally, actor=teacher, title="Der Baum", unlock_mode="qr")
    task = authoring.add_task(station, actor=teacher, type="text", prompt_md="?", config={"accepted_answers": ["x"]})
    publishing.publish(rally, actor=teacher, visibility="school")
    db.session.commit()
    return {
        "ids": {**world["ids"], "rally_id": rally.id, "station_id": station.id, "task_id": task.id},
        "outsiders": {
            "teacher of another school": make_user("teacher", schools=[make_school(name="Nachbarschule")]),
            "editor of the partner museum": world["owners"]["editor"],
            "editor outside any partnership": make_user("editor", institutions=[make_institution(name="Fern")]),
        },
    }


def test_a_schools_rally_is_found_by_its_teachers_and_404_for_everyone_else(app, api_as, school_world, teacher):
    """Teachers of another school and editors outside a co-owning partnership: 404 on every rally route."""
    owner = api_as(teacher)
    outsiders = {name: api_as(user) for name, user in school_world["outsiders"].items()}
    owner_reads = checks = 0
    for rule in manage_rules(app):
        if first_param(rule.rule) not in ("rally_id", "station_id", "task_id") or "<int:link_id>" in rule.rule:
            continue
        path = fill(rule.rule, school_world["ids"])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = owner.get(path)
                assert response.status_code == 200, (path, response.status_code, response.get_data()[:200])
                owner_reads += 1
            for name, client in outsiders.items():
                response = client.open(path, method=method, json={})
                # Writes may fail validation of an empty body first, but never reach the rally.
                expected = (404,) if method == "GET" else (404, 422)
                assert response.status_code in expected, (name, method, path, response.status_code)
                assert response.mimetype == "application/problem+json"
                checks += 1
    assert owner_reads > 8 and checks > 60
