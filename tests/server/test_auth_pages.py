"""Logging in and out, changing the password and managing API tokens on the web pages."""

import pytest

from rallies import accounts
from rallies.models import ApiToken, User
from tests.factories import PASSWORD

API = "/api/manage/v1"


def log_in(client, user, password=PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


def test_the_login_page_logs_in_and_sends_each_role_home(client, teacher):
    page = client.get("/login")
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)
    response = log_in(client, teacher)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/teacher/runs"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, teacher):
    response = log_in(client, teacher, "wrong password!")
    assert response.status_code == 401
    assert "E-Mail oder Passwort ist falsch." in response.get_data(as_text=True)
    assert client.get("/account/password").status_code == 302  # still logged out


def test_a_deactivated_account_cannot_log_in(db, client, teacher):
    teacher.active = False
    db.session.commit()
    assert log_in(client, teacher).status_code == 401


def test_only_local_next_targets_are_followed(client, teacher):
    response = client.post("/login?next=//evil.example/x", data={"email": teacher.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/account/tokens", data={"email": teacher.email, "password": PASSWORD})
    assert response.headers["Location"] == "/account/tokens"


@pytest.mark.parametrize("target", [
    "/%09/evil.example/", "/%0a/evil.example/", "/%0d/evil.example/", "/%0d%0aSet-Cookie:x=1",
    "/\\evil.example/", "/%5Cevil.example", "https://evil.example/", "/%20/evil.example", "/%E2%80%A8/evil",
    "%2F%2Fevil.example", "javascript:alert(1)",
])
def test_next_after_login_never_leaves_the_site_and_never_fails(client, teacher, target):
    response = client.post(f"/login?next={target}", data={"email": teacher.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/account/password").status_code == 200  # signed in all the same


def test_logout_ends_the_session(client, teacher):
    log_in(client, teacher)
    assert client.get("/account/password").status_code == 200
    assert client.post("/logout").headers["Location"] == "/login"
    assert client.get("/account/password").headers["Location"].startswith("/login")


def test_password_change_needs_the_current_password(db, client, teacher):
    log_in(client, teacher)
    wrong = client.post("/account/password", data={"current_password": "not it at all",
                                                   "new_password": "a brand new secret"})
    assert wrong.status_code == 200 and "Das aktuelle Passwort ist falsch." in wrong.get_data(as_text=True)
    short = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "short"})
    assert short.status_code == 200 and "mindestens 10 Zeichen" in short.get_data(as_text=True)
    db.session.rollback()
    assert accounts.authenticate(teacher.email, PASSWORD) is not None

    changed = client.post("/account/password", data={"current_password": PASSWORD,
                                                     "new_password": "a brand new secret"})
    assert changed.status_code == 302
    db.session.rollback()
    assert accounts.authenticate(teacher.email, PASSWORD) is None
    assert accounts.authenticate(teacher.email, "a brand new secret").id == teacher.id
    client.post("/logout")
    assert log_in(client, teacher, "a brand new secret").status_code == 302


def test_the_tokens_page_creates_a_working_token_and_revokes_it(db, app, client, editor):
    log_in(client, editor)
    page = client.post("/account/tokens", data={"name": "Redaktionsrechner"})
    html = page.get_data(as_text=True)
    token = db.session.scalar(db.select(ApiToken).filter_by(user_id=editor.id))
    assert token.name == "Redaktionsrechner" and "Redaktionsrechner" in html
    secret = html.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert secret.startswith("rt_") and token.token_hash != secret

    api = app.test_client()  # a separate client without the browser session
    bearer = {"Authorization": f"Bearer {secret}"}
    assert api.get(f"{API}/me", headers=bearer).get_json()["email"] == editor.email
    assert secret not in client.get("/account/tokens").get_data(as_text=True)  # shown once only

    revoked = client.post(f"/account/tokens/{token.id}/revoke")
    assert revoked.status_code == 302
    db.session.rollback()
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert api.get(f"{API}/me", headers=bearer).status_code == 401
    assert "widerrufen" in client.get("/account/tokens").get_data(as_text=True)


def test_a_token_page_cannot_revoke_someone_elses_token(db, client, editor, teacher):
    token, _ = accounts.issue_api_token(teacher, "Lehrerzimmer")
    db.session.commit()
    log_in(client, editor)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db.session.rollback()
    assert db.session.get(ApiToken, token.id).revoked_at is None
    assert db.session.get(User, teacher.id).active
