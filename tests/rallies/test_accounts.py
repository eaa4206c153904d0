"""Accounts, roles, passwords and personal API tokens, at the service level."""

import pytest

from rallies import accounts
from rallies.errors import Conflict, Invalid, NotFound
from rallies.models import ApiToken, User
from tests.factories import PASSWORD


def test_passwords_are_stored_as_argon2_hashes(db, teacher):
    assert teacher.password_hash.startswith("$argon2id$") and PASSWORD not in teacher.password_hash
    assert accounts.authenticate(teacher.email.upper(), PASSWORD).id == teacher.id
    assert accounts.authenticate(teacher.email, "wrong password") is None
    assert accounts.authenticate("nobody@example.org", PASSWORD) is None


def test_each_role_has_its_own_kind_of_membership(db, institution, school):
    for role, memberships, field in [
        ("editor", {}, "institution_ids"),
        ("teacher", {}, "school_ids"),
        ("teacher", {"school_ids": [school.id], "institution_ids": [institution.id]}, "institution_ids"),
        ("office", {"school_ids": [school.id]}, "school_ids"),
    ]:
        with pytest.raises(Invalid) as caught:
            accounts.create_user(email="neu@example.org", password=PASSWORD, role=role, **memberships)
        assert field in caught.value.errors, (role, memberships)
    db.session.rollback()
    assert db.session.query(User).count() == 0


def test_an_email_is_used_once_whatever_its_case(db, teacher):
    with pytest.raises(Conflict) as caught:
        accounts.create_user(email=teacher.email.upper(), password=PASSWORD, role="office")
    assert caught.value.code == "email_taken"


def test_password_change_checks_the_old_and_the_length_of_the_new(db, teacher):
    with pytest.raises(Invalid):
        accounts.change_password(teacher, "wrong", "long enough password")
    with pytest.raises(Invalid):
        accounts.change_password(teacher, PASSWORD, "short")
    accounts.change_password(teacher, PASSWORD, "long enough password")
    db.session.commit()
    assert accounts.authenticate(teacher.email, "long enough password").id == teacher.id


def test_tokens_are_stored_hashed_and_stop_working_when_revoked(db, editor):
    token, secret = accounts.issue_api_token(editor, "Laptop")
    db.session.commit()
    assert secret not in token.token_hash and len(secret) > 40
    assert accounts.user_for_api_token(secret).id == editor.id
    assert token.last_used_at is not None
    accounts.revoke_api_token(editor, token.id)
    db.session.commit()
    assert accounts.user_for_api_token(secret) is None
    assert [t.id for t in accounts.list_api_tokens(editor)] == [token.id]


def test_tokens_of_a_deactivated_account_stop_working(db, editor, office):
    _, secret = accounts.issue_api_token(editor)
    accounts.update_user(editor, actor=office, active=False)
    db.session.commit()
    assert accounts.user_for_api_token(secret) is None
    assert accounts.authenticate(editor.email, PASSWORD) is None


def test_only_the_owner_revokes_a_token(db, editor, teacher):
    token, _ = accounts.issue_api_token(teacher)
    with pytest.raises(NotFound):
        accounts.revoke_api_token(editor, token.id)
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_a_role_change_drops_memberships_the_new_role_does_not_use(db, editor, office, school):
    accounts.update_user(editor, actor=office, role="teacher", school_ids=[school.id])
    db.session.commit()
    assert (editor.role, editor.institution_ids, editor.school_ids) == ("teacher", set(), {school.id})
    accounts.update_user(editor, actor=office, role="office")
    assert (editor.institution_ids, editor.school_ids) == (set(), set())


def test_a_failed_update_changes_nothing(db, editor, office):
    with pytest.raises(Invalid):
        accounts.update_user(editor, actor=office, display_name="Neu", institution_ids=[])
    with pytest.raises(Invalid):
        accounts.update_user(editor, actor=office, display_name="Neu", institution_ids=[99999])
    assert editor.display_name != "Neu" and editor.institution_ids


def test_nobody_locks_themselves_out(db, office):
    with pytest.raises(Conflict) as caught:
        accounts.update_user(office, actor=office, active=False)
    assert caught.value.code == "self_lockout"
    assert office.active is True
