"""The application factory, settings and error responses."""

import pytest

from server.config import Settings


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Settings.from_env({"RALLY_ENV": "production"})


def test_settings_come_from_the_environment():
    settings = Settings.from_env({
        "DATABASE_URL": "postgres://u@db/rallies", "SECRET_KEY": "s", "RETENTION_DAYS_DEFAULT": "14",
        "TEAM_NAME_BLOCKLIST": "Idiot, Doof", "PUBLIC_URL": "https://rally.example/",
    })
    assert settings.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@db/rallies"
    assert settings.RETENTION_DAYS_DEFAULT == 14
    assert settings.TEAM_NAME_BLOCKLIST == ("idiot", "doof")
    assert settings.PUBLIC_URL == "https://rally.example"


def test_production_cookies_are_secure_httponly_and_samesite():
    settings = Settings.from_env({"RALLY_ENV": "production", "SECRET_KEY": "x"})
    assert settings.SESSION_COOKIE_SECURE and settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.REMEMBER_COOKIE_SECURE


def test_unknown_api_path_is_problem_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == "not_found" and body["type"] == "/api/v1/problems/not_found"


def test_unknown_page_is_html_without_internals(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"Traceback" not in response.data


def test_pages_carry_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_an_unexpected_error_on_an_api_is_a_problem_without_stack_trace(app, client):
    @app.route("/api/v1/_boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/api/v1/_boom")
    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == "internal_error"
    assert "secret internals" not in response.get_data(as_text=True)



def test_a_database_that_drops_the_connection_after_the_response_does_not_turn_it_into_a_500(app, monkeypatch):
    """PostgreSQL restarting between a request's last query and the session's closing rollback:
    the app's teardown (which, raising, would make gunicorn answer its own HTML 500) stays quiet."""
    import sqlalchemy.orm
    from sqlalchemy.exc import OperationalError

    from server.extensions import db

    closes = []
    real_close = sqlalchemy.orm.Session.close

    def close_on_a_dead_connection(session):
        closes.append(session)
        if len(closes) == 1:
            raise OperationalError("ROLLBACK", {}, Exception("server closed the connection unexpectedly"))
        return real_close(session)

    db.session.execute(db.text("SELECT 1"))
    monkeypatch.setattr(sqlalchemy.orm.Session, "close", close_on_a_dead_connection)
    app.do_teardown_appcontext(None)
    assert closes, "the teardown did not close the session"
    monkeypatch.setattr(sqlalchemy.orm.Session, "close", real_close)
    assert db.session.execute(db.text("SELECT 1")).scalar() == 1  # a fresh session works
