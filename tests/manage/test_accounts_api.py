"""The management API for accounts: the caller, personal tokens, and the office's account admin."""

import pytest

from rallies.models import ApiToken, User
from rallies.tokens import hash_secret
from tests.factories import PASSWORD
from tests.support.problems import assert_problem

API = "/api/manage/v1"


@pytest.fixture
def office_api(api_as, office):
    return api_as(office)


def test_me_shows_the_callers_role_and_memberships(api_as, editor, teacher, institution, school):
    me = api_as(editor).get(f"{API}/me").get_json()
    assert (me["email"], me["role"], me["active"]) == (editor.email, "editor", True)
    assert me["institutions"] == [{"id": institution.id, "name": institution.name}] and me["schools"] == []
    assert "password_hash" not in me and "password" not in me
    assert api_as(teacher).get(f"{API}/me").get_json()["schools"] == [{"id": school.id, "name": school.name}]


def test_without_a_valid_token_the_api_answers_401(client):
    for header in (None, "Bearer ", "Bearer rt_wrong", "Basic dXNlcjpwYXNz", "rt_no_scheme"):
        headers = {"Authorization": header} if header else {}
        response = client.get(f"{API}/me", headers=headers)
        body = assert_problem(response, 401, "unauthorized")
        assert body["type"].endswith("/unauthorized") and response.headers["WWW-Authenticate"].startswith("Bearer")
    for method, path in (("post", "/me/tokens"), ("delete", "/me/tokens/1"), ("get", "/users"),
                         ("patch", "/users/1")):
        assert_problem(getattr(client, method)(API + path, json={}), 401, "unauthorized")


def test_a_browser_session_alone_does_not_authorise_the_api(client, editor):
    login = client.post("/login", data={"email": editor.email, "password": PASSWORD})
    assert login.status_code == 302
    assert_problem(client.get(f"{API}/me"), 401, "unauthorized")


def test_a_token_is_issued_once_listed_without_secret_and_revoked(db, client, api_as, editor):
    api = api_as(editor)
    created = api.post(f"{API}/me/tokens", json={"name": "Laptop"})
    assert created.status_code == 201
    body = created.get_json()
    secret = body["secret"]
    assert secret.startswith("rt_") and body["name"] == "Laptop" and body["active"] is True
    stored = db.session.get(ApiToken, body["id"])
    assert stored.token_hash == hash_secret(secret) and secret not in stored.token_hash

    laptop = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"{API}/me", headers=laptop).get_json()["email"] == editor.email
    listed = api.get(f"{API}/me/tokens").get_json()
    assert [t["name"] for t in listed] == ["tests", "Laptop"]
    assert all("secret" not in t for t in listed)
    assert listed[1]["last_used_at"] is not None

    assert api.delete(f"{API}/me/tokens/{body['id']}").status_code == 204
    assert_problem(client.get(f"{API}/me", headers=laptop), 401, "unauthorized")
    db.session.rollback()
    assert db.session.get(ApiToken, body["id"]).revoked_at is not None
    assert [t["active"] for t in api.get(f"{API}/me/tokens").get_json()] == [True, False]


def test_nobody_revokes_someone_elses_token(db, api_as, editor, teacher):
    editor_api = api_as(editor)
    api_as(teacher)
    teachers_token = db.session.scalar(db.select(ApiToken).filter_by(user_id=teacher.id))
    assert_problem(editor_api.delete(f"{API}/me/tokens/{teachers_token.id}"), 404, "not_found")
    db.session.rollback()
    assert db.session.get(ApiToken, teachers_token.id).revoked_at is None


def test_invalid_token_requests_create_nothing(db, api_as, editor):
    api = api_as(editor)
    for body in ({}, {"name": ""}, {"name": 5}, {"name": "x" * 81}):
        assert "name" in assert_problem(api.post(f"{API}/me/tokens", json=body), 422, "invalid_request")["errors"]
    assert_problem(api.post(f"{API}/me/tokens", data="name=x", content_type="application/json"), 400,
                   "malformed_json")
    assert db.session.query(ApiToken).count() == 1  # the test client's own


def test_the_office_invites_and_lists_accounts(db, office_api, institution, outbox):
    response = office_api.post(f"{API}/users", json={
        "email": "Eva.Keller@Museum.example", "role": "editor",
        "display_name": "Eva Keller", "institution_ids": [institution.id]})
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "eva.keller@museum.example" and body["institutions"][0]["id"] == institution.id
    assert body["invitation_pending"] is True and body["invitation_mailed"] is True
    assert "password" not in body
    stored = db.session.get(User, body["id"])
    assert stored.password_hash == "" and not stored.has_password  # nobody has set a password
    [mail] = outbox()
    assert mail["To"] == "eva.keller@museum.example" and "/account/set-password/" in mail.text
    editors = office_api.get(f"{API}/users?role=editor").get_json()
    assert [u["email"] for u in editors] == ["eva.keller@museum.example"]
    assert office_api.get(f"{API}/users/{body['id']}").get_json()["display_name"] == "Eva Keller"


def test_the_office_cannot_set_a_password_when_inviting(db, office_api, school, outbox):
    """The finding: the office chose a teacher's password and signed in as her to read pupils' answers."""
    response = office_api.post(f"{API}/users", json={"email": "t@schule.example", "password": "chosen by office",
                                                     "role": "teacher", "school_ids": [school.id]})
    assert "password" in assert_problem(response, 422, "invalid_request")["errors"]
    assert db.session.query(User).count() == 1 and outbox() == []
    invited = office_api.post(f"{API}/users", json={"email": "t@schule.example", "role": "teacher",
                                                    "school_ids": [school.id]}).get_json()
    patch = office_api.patch(f"{API}/users/{invited['id']}", json={"password": "chosen by office"})
    assert "password" in assert_problem(patch, 422, "invalid_request")["errors"]
    db.session.rollback()
    assert db.session.get(User, invited["id"]).password_hash == ""


INVALID_ACCOUNTS = [
    ({"email": "not-an-address"}, "email"), ({"email": None}, "email"), ({"locale": "fr"}, "locale"),
    ({"role": "admin"}, "role"), ({"role": "editor", "institution_ids": []}, "institution_ids"),
    ({"school_ids": "1"}, "school_ids"), ({"institution_ids": [1]}, "institution_ids"),
    ({"school_ids": [99999]}, "school_ids"), ({"is_admin": True}, "is_admin"),
]


def test_invalid_accounts_are_refused_and_nothing_is_stored(db, office_api, school):
    for change, field in INVALID_ACCOUNTS:
        body = {"email": "new.teacher@schule.example", "role": "teacher", "school_ids": [school.id], **change}
        response = office_api.post(f"{API}/users", json=body)
        assert field in assert_problem(response, 422, "invalid_request")["errors"], change
    missing = assert_problem(office_api.post(f"{API}/users", json={}), 422, "invalid_request")
    assert set(missing["errors"]) == {"email", "role"}
    assert db.session.query(User).count() == 1  # the office only


def test_an_existing_email_is_a_conflict(db, office_api, office):
    response = office_api.post(f"{API}/users", json={"email": office.email.upper(), "role": "office"})
    assert_problem(response, 409, "email_taken")
    assert db.session.query(User).count() == 1


def test_only_the_office_administers_accounts(db, api_as, editor, teacher):
    api = api_as(editor)
    assert_problem(api.get(f"{API}/users"), 403, "forbidden")
    assert_problem(api.get(f"{API}/users/{teacher.id}"), 403, "forbidden")
    assert_problem(api.patch(f"{API}/users/{teacher.id}", json={"active": False}), 403, "forbidden")
    assert_problem(api.post(f"{API}/users", json={"email": "x@y.example", "role": "office"}), 403, "forbidden")
    db.session.rollback()
    assert db.session.get(User, teacher.id).active is True
    assert db.session.query(User).filter_by(role="office").count() == 0


def test_a_deactivated_account_is_locked_out_of_the_api(db, api_as, office_api, teacher):
    teacher_api = api_as(teacher)
    assert teacher_api.get(f"{API}/me").status_code == 200
    patched = office_api.patch(f"{API}/users/{teacher.id}", json={"active": False})
    assert patched.get_json()["active"] is False
    assert_problem(teacher_api.get(f"{API}/me"), 401, "unauthorized")


def test_changing_a_role_changes_memberships(db, office_api, teacher, institution, school):
    response = office_api.patch(f"{API}/users/{teacher.id}", json={"role": "editor",
                                                                   "institution_ids": [institution.id]})
    body = response.get_json()
    assert (body["role"], body["schools"], body["institutions"][0]["id"]) == ("editor", [], institution.id)
    missing = office_api.patch(f"{API}/users/{teacher.id}", json={"role": "teacher"})
    assert "school_ids" in assert_problem(missing, 422, "invalid_request")["errors"]
    wrong = office_api.patch(f"{API}/users/{teacher.id}", json={"active": "no way"})
    assert "active" in assert_problem(wrong, 422, "invalid_request")["errors"]
    db.session.rollback()
    stored = db.session.get(User, teacher.id)
    assert (stored.role, stored.institution_ids, stored.school_ids, stored.active) == (
        "editor", {institution.id}, set(), True)


def test_the_office_cannot_lock_itself_out(db, office_api, office):
    assert_problem(office_api.patch(f"{API}/users/{office.id}", json={"active": False}), 409, "self_lockout")
    assert_problem(office_api.patch(f"{API}/users/{office.id}", json={"role": "teacher"}), 422, "invalid_request")
    assert office_api.patch(f"{API}/users/{office.id}", json={"display_name": "Programmbüro"}).status_code == 200
    db.session.rollback()
    stored = db.session.get(User, office.id)
    assert (stored.active, stored.role, stored.display_name) == (True, "office", "Programmbüro")
    assert_problem(office_api.get(f"{API}/users/99999"), 404, "not_found")


def test_the_office_resends_an_invitation_until_it_is_accepted(app, db, office_api, school, outbox):
    invited = office_api.post(f"{API}/users", json={"email": "t@schule.example", "role": "teacher",
                                                    "school_ids": [school.id]}).get_json()
    again = office_api.post(f"{API}/users/{invited['id']}/invitation")
    assert again.status_code == 200 and again.get_json()["invitation_mailed"] is True
    first, second = [mail.link() for mail in outbox()]
    browser = app.test_client()
    assert browser.get(first).status_code == 410
    assert browser.post(second, data={"new_password": "her own secret", "repeat": "her own secret"}).status_code == 302
    accepted = office_api.post(f"{API}/users/{invited['id']}/invitation", headers={"Accept-Language": "en"})
    body = assert_problem(accepted, 409, "invitation_accepted")
    assert body["detail"] == "This account has accepted its invitation already."
    assert office_api.get(f"{API}/users/{invited['id']}").get_json()["invitation_pending"] is False


def test_the_audit_log_api_lists_who_changed_what_newest_first(db, api_as, office_api, office, teacher, institution):
    office_api.patch(f"{API}/users/{teacher.id}", json={"role": "editor", "institution_ids": [institution.id]})
    events = office_api.get(f"{API}/audit-log?subject_id={teacher.id}").get_json()
    assert [e["action"] for e in events][:3] == ["memberships_changed", "memberships_changed", "role_changed"]
    role = events[2]
    assert (role["actor_email"], role["subject_email"], role["details"]) == (
        office.email, teacher.email, {"before": "teacher", "after": "editor"})
    older = office_api.get(f"{API}/audit-log?before_id={events[0]['id']}&limit=1").get_json()
    assert [e["id"] for e in older] == [events[1]["id"]]
    assert_problem(api_as(teacher).get(f"{API}/audit-log"), 403, "forbidden")
