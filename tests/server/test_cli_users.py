"""`flask --app server users create|token`: accounts and API tokens from the command line."""


from rallies import accounts
from rallies.models import ApiToken, User
from rallies.tokens import hash_secret


def test_users_create_makes_an_editor_of_an_institution(app, db, institution):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--role", "editor", "--email", "Eva.Keller@Museum.example",
        "--institution", str(institution.id), "--password", "a long enough secret", "--name", "Eva Keller"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).filter_by(email="eva.keller@museum.example"))
    assert f"Created editor eva.keller@museum.example (id {user.id})" in result.output
    assert (user.role, user.display_name, user.institution_ids) == ("editor", "Eva Keller", {institution.id})
    assert accounts.authenticate("eva.keller@museum.example", "a long enough secret").id == user.id


def test_users_create_can_generate_a_password(app, db, school):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--role", "teacher", "--email", "lehrer@schule.example", "--school", str(school.id),
        "--generate-password"])
    assert result.exit_code == 0, result.output
    password = result.output.split("Password: ", 1)[1].strip()
    assert accounts.authenticate("lehrer@schule.example", password).school_ids == {school.id}


def test_users_create_refuses_bad_input_and_stores_nothing(app, db, school):
    runner = app.test_cli_runner()
    no_school = runner.invoke(args=["users", "create", "--role", "teacher", "--email", "t@schule.example",
                                    "--password", "a long enough secret"])
    assert no_school.exit_code != 0 and "school_ids" in no_school.output
    short = runner.invoke(args=["users", "create", "--role", "office", "--email", "o@amt.example",
                                "--password", "short"])
    assert short.exit_code != 0 and "at least 10" in short.output
    bad_role = runner.invoke(args=["users", "create", "--role", "admin", "--email", "a@amt.example",
                                   "--password", "a long enough secret"])
    assert bad_role.exit_code != 0
    unknown = runner.invoke(args=["users", "create", "--role", "teacher", "--email", "t@schule.example",
                                  "--school", "99999", "--password", "a long enough secret"])
    assert unknown.exit_code != 0 and "99999" in unknown.output
    db.session.rollback()
    assert db.session.query(User).count() == 0


def test_users_token_prints_a_working_token_once(app, db, client, teacher):
    result = app.test_cli_runner().invoke(args=["users", "token", teacher.email.upper(), "--name", "Skript"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    token = db.session.scalar(db.select(ApiToken).filter_by(user_id=teacher.id))
    assert token.name == "Skript" and token.token_hash == hash_secret(secret)
    me = client.get("/api/manage/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.get_json()["email"] == teacher.email


def test_users_token_for_an_unknown_email_fails(app, db):
    result = app.test_cli_runner().invoke(args=["users", "token", "nobody@example.org"])
    assert result.exit_code != 0 and "No account" in result.output
    assert db.session.query(ApiToken).count() == 0
