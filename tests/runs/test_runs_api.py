"""The class-run endpoints of /api/manage/v1: starting, bad input, grading, deleting, and who sees what."""

import datetime as dt
import io
import zipfile

from tests.runs.conftest import utc

API = "/api/manage/v1"


def run_body(rally, **fields):
    body = {"rally_id": rally.id, "class_label": "7b", "starts_at": utc(hours=-1).isoformat(),
            "ends_at": utc(hours=3).isoformat()}
    body.update(fields)
    return body


def test_a_teacher_starts_a_run_and_gets_its_join_code_and_deletion_date(make_rally, api_as, teacher, db):
    from rallies.models import ClassRun

    rally = make_rally(publish="public")
    response = api_as(teacher).post(f"{API}/runs", json=run_body(rally, retention_days=7))

    assert response.status_code == 201, response.json
    body = response.json
    run = db.session.get(ClassRun, body["id"])
    assert body["join_code"] == run.join_code
    assert body["join_url"] == f"https://rally.example/join/{run.join_code}"
    assert body["state"] == "open" and body["retention_days"] == 7
    assert body["delete_after"] == run.delete_after.isoformat()
    listed = api_as(teacher).get(f"{API}/runs").json["items"]
    assert [item["id"] for item in listed] == [run.id]


def test_bad_input_is_a_422_problem_and_stores_nothing(make_rally, api_as, teacher, db):
    from rallies.models import ClassRun

    client = api_as(teacher)
    rally = make_rally(publish="public")

    backwards = client.post(f"{API}/runs", json=run_body(rally, starts_at=utc(hours=3).isoformat(),
                                                         ends_at=utc(hours=1).isoformat()))
    assert backwards.status_code == 422
    assert backwards.mimetype == "application/problem+json"
    assert backwards.json["code"] == "invalid_request" and "ends_at" in backwards.json["errors"]

    too_long = client.post(f"{API}/runs", json=run_body(rally, retention_days=366), headers={"Accept-Language": "en"})
    assert too_long.status_code == 422
    assert too_long.json["code"] == "retention_out_of_bounds"
    assert too_long.json["errors"] == {"retention_days": ["1 to 365 days."]}

    naive = client.post(f"{API}/runs", json=run_body(rally, starts_at="2030-05-01T09:00:00"))
    assert naive.status_code == 422 and "starts_at" in naive.json["errors"]

    assert db.session.scalar(db.select(db.func.count(ClassRun.id))) == 0


def test_the_window_changes_only_before_the_start_but_retention_any_time(make_rally, start, api_as, teacher):
    rally = make_rally(publish="public")
    later = start(rally, starts_at=utc(days=1), ends_at=utc(days=1, hours=3))
    client = api_as(teacher)

    moved = client.patch(f"{API}/runs/{later.id}", json={"class_label": "8a", "ends_at": utc(days=1, hours=5).isoformat()})
    assert moved.status_code == 200 and moved.json["class_label"] == "8a"

    running = start(rally)
    refused = client.patch(f"{API}/runs/{running.id}", json={"class_label": "8a"})
    assert refused.status_code == 409 and refused.json["code"] == "run_started"
    shorter = client.patch(f"{API}/runs/{running.id}", json={"retention_days": 2})
    assert shorter.status_code == 200
    assert shorter.json["delete_after"] == (running.ends_at + dt.timedelta(days=2)).isoformat()


def test_grading_an_open_answer_updates_the_team_total(make_played_run, api_as, teacher, editor, db):
    from rallies import play
    from rallies.models import Answer

    played = make_played_run()
    client = api_as(teacher)
    tasks = client.get(f"{API}/runs/{played.run.id}/open-answers").json["tasks"]
    photo = next(t for t in tasks if t["type"] == "photo")
    [handed_in] = photo["answers"]
    assert handed_in["team"]["name"] == "Die Füchse" and handed_in["pending_review"] is True
    image = client.get(handed_in["upload"]["url"])
    assert image.status_code == 200 and image.mimetype == "image/jpeg"

    graded = client.post(f"{API}/answers/{handed_in['answer_id']}/grade", json={"points": 7.5, "feedback": "Gut!"})
    assert graded.status_code == 200, graded.json
    assert graded.json["team_score"] == 37.5 and graded.json["pending_review"] is False
    stored = db.session.get(Answer, handed_in["answer_id"])
    assert (stored.points, stored.teacher_feedback, stored.graded_by_id) == (7.5, "Gut!", teacher.id)
    foxes = played.teams["Die Füchse"]
    assert play.progress(foxes)["score"] == 37.5
    progress = client.get(f"{API}/runs/{played.run.id}/progress").json
    assert progress["teams"][0]["name"] == "Die Füchse" and progress["teams"][0]["score"] == 37.5

    too_many = client.post(f"{API}/answers/{handed_in['answer_id']}/grade", json={"points": 11})
    assert too_many.status_code == 422 and "points" in too_many.json["errors"]
    automatic = db.session.scalar(db.select(Answer.id).filter_by(team_id=foxes.id, task_id=played.tasks["number"]))
    assert client.post(f"{API}/answers/{automatic}/grade", json={"points": 1}).json["code"] == "not_gradable"
    assert api_as(editor).post(f"{API}/answers/{handed_in['answer_id']}/grade",
                               json={"points": 0}).status_code == 403
    assert db.session.get(Answer, handed_in["answer_id"]).points == 7.5


def test_export_endpoints_answer_files(make_played_run, api_as, teacher):
    from openpyxl import load_workbook

    played = make_played_run()
    client = api_as(teacher)
    base = f"{API}/runs/{played.run.id}"

    xlsx = client.get(f"{base}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.headers["Cache-Control"] == "private, no-store"
    assert load_workbook(io.BytesIO(xlsx.data))["Teams"]["C2"].value == 30
    csv_response = client.get(f"{base}/export.csv?sep=;&view=answers", headers={"Accept-Language": "en"})
    assert csv_response.status_code == 200 and csv_response.data.startswith(b"\xef\xbb\xbfTeam;Task;")
    assert client.get(f"{base}/export.csv?sep=|").status_code == 422
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{base}/uploads.zip").data))
    assert archive.namelist() == ["Die Füchse/01 Eingangshalle-4.jpg"]
    for path in ("certificates.pdf", "poster.pdf"):
        pdf = client.get(f"{base}/{path}")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")


def test_deleting_a_run_removes_pupil_data_and_files_for_good(make_played_run, api_as, teacher, storage, db,
                                                             join_team):
    from rallies.errors import DomainError
    from rallies.models import Answer, ClassRun, Team, Upload

    played = make_played_run()
    code = played.run.join_code
    response = api_as(teacher).delete(f"{API}/runs/{played.run.id}")

    assert response.status_code == 204
    assert not storage.exists(played.uploads["Die Füchse"])
    for model in (Team, Answer, Upload):
        assert db.session.scalar(db.select(db.func.count()).select_from(model)) == 0
    shell = db.session.get(ClassRun, played.run.id)
    assert (shell.team_count, shell.finished_team_count, shell.class_label) == (3, 1, "7b")
    shown = api_as(teacher).get(f"{API}/runs/{played.run.id}").json
    assert shown["state"] == "deleted" and shown["join_code"] is None and shown["team_count"] == 3
    assert api_as(teacher).get(f"{API}/runs/{played.run.id}/results").json["code"] == "run_deleted"
    try:
        join_team(code, "Nachzügler")
    except DomainError as refused:
        assert refused.code == "unknown_code"
    else:
        raise AssertionError("a deleted run must not take new teams")


def test_who_sees_a_run(make_played_run, api_as, make_school, make_institution, make_user, teacher, editor,
                        office, client, db):
    played = make_played_run()
    base = f"{API}/runs/{played.run.id}"
    other_teacher = api_as(make_user("teacher", schools=[make_school()]))
    other_editor = api_as(make_user("editor", institutions=[make_institution()]))

    for path in ("", "/progress", "/results", "/export.xlsx", "/uploads.zip", "/poster.pdf"):
        assert other_teacher.get(base + path).status_code == 404, path
        assert other_editor.get(base + path).status_code == 404, path
        refused = api_as(office).get(base + path)
        assert refused.status_code == 403 and refused.json["code"] == "aggregates_only", path
        assert client.get(base + path).status_code == 401, path
    assert other_teacher.get(f"{API}/runs").json["items"] == []
    assert other_teacher.delete(base).status_code == 404

    own_editor = api_as(editor)
    seen = own_editor.get(base).json
    assert seen["class_label"] == "7b" and "join_code" not in seen
    assert own_editor.get(f"{base}/results").status_code == 200
    assert own_editor.get(f"{base}/uploads.zip").json["code"] == "uploads_not_shared"
    photo = next(t for t in own_editor.get(f"{base}/open-answers").json["tasks"] if t["type"] == "photo")
    assert photo["answers"][0]["upload"] is None and photo["uploads_visible"] is False
    assert own_editor.patch(base, json={"retention_days": 3}).status_code == 403
    assert own_editor.delete(base).status_code == 403

    assert api_as(teacher).patch(base, json={"share_uploads_with_institution": True}).status_code == 200
    shared = own_editor.get(f"{base}/uploads.zip")
    assert shared.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(shared.data)).namelist() == ["Die Füchse/01 Eingangshalle-4.jpg"]


def test_runnable_says_why_not(make_rally, api_as, teacher, office):
    client = api_as(teacher)
    public = client.get(f"{API}/rallies/{make_rally(publish='public').id}/runnable").json
    assert public["runnable"] is True and public["schools"][0]["runnable"] is True
    partners = client.get(f"{API}/rallies/{make_rally(publish='partners').id}/runnable", headers={"Accept-Language": "en"}).json
    assert partners["runnable"] is False and "partner schools" in partners["reason"]
    assert api_as(office).get(f"{API}/rallies/{make_rally().id}/runnable").status_code == 403
