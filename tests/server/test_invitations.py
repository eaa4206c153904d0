"""Accounts by invitation and password reset by mailed link: single use, expiring, same answer for
every address; the office never sets or sees a password."""

from __future__ import annotations

import datetime as dt

from rallies import accounts
from rallies.db import utcnow
from rallies.models import AccountToken, AuditEvent, User
from server import invitations
from tests.factories import PASSWORD

NEW_PASSWORD = "my own secret words"


def invite_teacher(app, db, office, school, **fields):
    with app.test_request_context("/"):
        user, mailed = invitations.invite(actor=office, email=fields.pop("email", "a.yilmaz@schule.example"),
                                          role="teacher", school_ids=[school.id], **fields)
    assert mailed
    return user


def test_an_invitee_sets_her_own_password_through_the_mailed_link(app, db, client, office, school, outbox):
    user = invite_teacher(app, db, office, school, display_name="Ayşe Yılmaz")
    [mail] = outbox()
    assert mail["To"] == "a.yilmaz@schule.example" and mail["Subject"] == "Ihr Zugang zur Kulturrallye"
    assert "Guten Tag Ayşe Yılmaz" in mail.text and "7 Tage" in mail.text
    link = mail.link()
    assert mail.link().split("/")[-1] not in {t.token_hash for t in db.session.scalars(db.select(AccountToken))}

    assert client.post("/login", data={"email": user.email, "password": ""}).status_code == 401
    page = client.get(link)
    assert page.status_code == 200 and "Willkommen" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    saved = client.post(link, data={"new_password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert saved.status_code == 302
    assert client.get("/").headers["Location"] == "/teacher/runs"  # signed in
    db.session.rollback()
    assert accounts.authenticate(user.email, NEW_PASSWORD).id == user.id
    assert [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))][-2:] == [
        "account_invited", "invitation_accepted"]


def test_an_invitation_link_works_once(app, db, office, school, outbox):
    invite_teacher(app, db, office, school)
    link = outbox()[0].link()
    first, second = app.test_client(), app.test_client()
    assert first.post(link, data={"new_password": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302
    again = second.post(link, data={"new_password": "the attackers choice", "repeat": "the attackers choice"})
    assert again.status_code == 410 and "gilt nicht mehr" in again.get_data(as_text=True)
    db.session.rollback()
    assert accounts.authenticate("a.yilmaz@schule.example", NEW_PASSWORD) is not None


def test_an_invitation_expires_after_the_configured_days(app, db, client, office, school, outbox):
    app.config["INVITATION_DAYS"] = 3
    user = invite_teacher(app, db, office, school)
    assert "3 Tage" in outbox()[0].text
    token = db.session.scalar(db.select(AccountToken).filter_by(user_id=user.id))
    assert dt.timedelta(days=2, hours=23) < token.expires_at - utcnow() <= dt.timedelta(days=3)
    token.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert client.get(outbox()[0].link()).status_code == 410


def test_a_resent_invitation_replaces_the_old_link(app, db, office, school, outbox):
    user = invite_teacher(app, db, office, school)
    with app.test_request_context("/"):
        assert invitations.resend(user, actor=office)
    old, new = [mail.link() for mail in outbox()]
    client = app.test_client()
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200


def test_the_invitation_is_written_in_the_invitees_language(app, db, office, school, outbox):
    invite_teacher(app, db, office, school, locale="en")
    [mail] = outbox()
    assert mail["Subject"] == "Your access to Kulturrallye"
    assert "valid for 7 days" in mail.text


def test_mismatched_or_short_passwords_are_refused_on_the_link_page(app, db, client, office, school, outbox):
    invite_teacher(app, db, office, school)
    link = outbox()[0].link()
    short = client.post(link, data={"new_password": "short", "repeat": "short"})
    assert short.status_code == 422 and "10" in short.get_data(as_text=True)
    different = client.post(link, data={"new_password": NEW_PASSWORD, "repeat": NEW_PASSWORD + "!"})
    assert different.status_code == 422 and "nicht gleich" in different.get_data(as_text=True)
    assert client.get(link).status_code == 200  # the link still works after a failed attempt


def test_forgotten_password_sends_a_one_hour_link_and_ends_other_sessions(app, db, teacher, outbox):
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": teacher.email, "password": PASSWORD})
    client = app.test_client()
    response = client.post("/account/forgot-password", data={"email": teacher.email.upper()})
    assert response.status_code == 302
    [mail] = outbox()
    assert mail["Subject"] == "Neues Passwort für die Kulturrallye" and "60 Minuten" in mail.text
    token = db.session.scalar(db.select(AccountToken).filter_by(user_id=teacher.id))
    assert token.purpose == "password_reset"
    assert dt.timedelta(minutes=59) < token.expires_at - utcnow() <= dt.timedelta(hours=1)

    assert client.post(mail.link(), data={"new_password": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302
    assert elsewhere.get("/account/password").status_code == 302  # the other session ended
    assert client.get(mail.link()).status_code == 410
    db.session.rollback()
    assert accounts.authenticate(teacher.email, PASSWORD) is None
    assert accounts.authenticate(teacher.email, NEW_PASSWORD).id == teacher.id


def test_a_reset_link_expires_after_an_hour(app, db, client, teacher, outbox):
    client.post("/account/forgot-password", data={"email": teacher.email})
    token = db.session.scalar(db.select(AccountToken).filter_by(user_id=teacher.id))
    token.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert client.post(outbox()[0].link(), data={"new_password": NEW_PASSWORD,
                                                 "repeat": NEW_PASSWORD}).status_code == 410
    db.session.rollback()
    assert accounts.authenticate(teacher.email, PASSWORD) is not None


def test_forgot_password_answers_the_same_whether_or_not_the_address_exists(app, db, teacher, outbox):
    def ask(email):
        client = app.test_client()
        response = client.post("/account/forgot-password", data={"email": email}, follow_redirects=True)
        return response.status_code, response.get_data(as_text=True)

    known, unknown = ask(teacher.email), ask("nobody@schule.example")
    assert known == unknown
    assert "Wenn es ein Konto mit dieser Adresse gibt" in known[1]
    assert len(outbox()) == 1


def test_a_deactivated_account_gets_no_reset_link(app, db, client, teacher, office, outbox):
    accounts.update_user(db.session.get(User, teacher.id), actor=office, active=False)
    db.session.commit()
    client.post("/account/forgot-password", data={"email": teacher.email})
    assert outbox() == []


def test_unknown_and_absurd_link_secrets_answer_410_not_500(client):
    for secret in ("x", "a" * 5000, "%00", "..%2F..%2Fetc"):
        assert client.get(f"/account/set-password/{secret}").status_code in (404, 410)
