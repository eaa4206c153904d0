"""The office's account pages: invite without a password, change role and memberships, audit log."""

from __future__ import annotations

from rallies import accounts
from rallies.models import AuditEvent, User
from tests.pages.helpers import login, text


def test_the_office_invites_a_teacher_and_never_sees_a_password_field(app, db, client, office, school, outbox):
    login(client, office)
    form = client.get("/office/accounts/invite")
    assert form.status_code == 200 and 'type="password"' not in text(form)
    response = client.post("/office/accounts/invite", data={
        "email": "A.Yilmaz@Schule.example", "display_name": "Ayşe Yılmaz", "role": "teacher", "locale": "de",
        "school_ids": [str(school.id)]})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).filter_by(email="a.yilmaz@schule.example"))
    assert user.school_ids == {school.id} and user.password_hash == ""
    page = client.get(response.headers["Location"])
    assert "Einladung an a.yilmaz@schule.example verschickt" in text(page)
    assert "Eingeladen, Passwort noch nicht festgelegt" in text(page) and 'type="password"' not in text(page)
    assert len(outbox()) == 1
    # Even a hand-made form field cannot set one.
    client.post(f"/office/accounts/{user.id}", data={"role": "teacher", "locale": "de", "active": "y",
                                                    "school_ids": [str(school.id)], "password": "chosen by office"})
    db.session.rollback()
    assert db.session.get(User, user.id).password_hash == ""
    assert client.post("/login", data={"email": user.email, "password": "chosen by office"}).status_code == 401


def test_an_invitation_without_the_memberships_its_role_needs_is_refused_in_german(db, client, office):
    login(client, office)
    response = client.post("/office/accounts/invite", data={"email": "e@museum.example", "role": "editor",
                                                            "locale": "de"})
    assert response.status_code == 422 and "Bitte mindestens eine Einrichtung wählen." in text(response)
    taken = client.post("/office/accounts/invite", data={"email": office.email, "role": "office", "locale": "de"})
    assert taken.status_code == 422 and "Es gibt schon ein Konto mit dieser E-Mail-Adresse." in text(taken)
    assert db.session.query(User).count() == 1


def test_the_office_changes_a_role_and_the_audit_log_shows_who_did_it(app, db, client, office, teacher,
                                                                        institution, school):
    login(client, office)
    response = client.post(f"/office/accounts/{teacher.id}", data={
        "display_name": teacher.display_name, "role": "editor", "locale": "de", "active": "y",
        "institution_ids": [str(institution.id)]})
    assert response.status_code == 302
    db.session.rollback()
    changed = db.session.get(User, teacher.id)
    assert changed.role == "editor" and changed.institution_ids == {institution.id} and changed.school_ids == set()
    events = db.session.scalars(db.select(AuditEvent).filter_by(subject_id=teacher.id)).all()
    assert {(e.action, e.actor_email) for e in events} >= {("role_changed", office.email),
                                                          ("memberships_changed", office.email)}
    log = text(client.get("/office/audit"))
    assert "Rolle geändert" in log and "Lehrkraft (Schule) → Redaktion (Einrichtung)" in log
    assert f"+ {institution.name}" in log and f"− {school.name}" in log and office.email in log


def test_the_audit_log_shows_times_in_berlin_in_the_readers_language(app, db, client, office, teacher):
    import datetime as dt

    accounts.update_user(teacher, actor=office, active=False)
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="account_deactivated"))
    event.at = dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.timezone.utc)  # 00:30 the next day in Berlin (CEST)
    db.session.commit()
    login(client, office)
    german = text(client.get("/office/audit"))
    assert "02.07.2026, 00:30:00" in german and "Deaktiviert" in german
    english = text(client.get("/office/audit?lang=en"))
    assert "Jul 2, 2026, 12:30:00" in english and "Deactivated" in english


def test_the_office_cannot_demote_or_deactivate_itself_on_the_page(db, client, office):
    login(client, office)
    response = client.post(f"/office/accounts/{office.id}", data={"role": "office", "locale": "de"})
    assert response.status_code == 422 and "eigenes Konto nicht deaktivieren" in text(response)
    db.session.rollback()
    assert db.session.get(User, office.id).active


def test_only_the_office_reaches_the_account_pages(client, teacher, editor):
    for user in (teacher, editor):
        login(client, user)
        for path in ("/office/accounts", "/office/accounts/invite", f"/office/accounts/{teacher.id}", "/office/audit"):
            assert client.get(path).status_code == 403, (user.role, path)
        client.post("/logout")
