"""Liveness and readiness as a load balancer asks them."""

from __future__ import annotations

from sqlalchemy import text


def test_healthz_answers_without_login_and_names_nothing(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "version" not in response.get_data(as_text=True).lower()


def test_readyz_is_ready_on_a_migrated_database_with_writable_storage(client, storage):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready",
                                   "checks": {"database": True, "migrations": True, "media_storage": True}}
    assert not [name for name in storage.names() if name.startswith("readyz-")]


def test_readyz_names_migrations_behind_head(client, db):
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == "not_ready"
    assert body["checks"] == {"database": True, "migrations": False, "media_storage": True}
    assert "migrations" in body["detail"]
    assert response.headers["Retry-After"] == "5"


def test_readyz_names_unwritable_media_storage(app, client, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    from media.storage import LocalStorage

    app.extensions["media_storage"] = LocalStorage(blocked)
    body = client.get("/readyz").get_json()
    assert body["status"] == 503
    assert body["checks"]["media_storage"] is False


def test_readyz_names_an_unreachable_database(app_config, tmp_path):
    from server import create_app

    broken = create_app({**app_config, "SQLALCHEMY_DATABASE_URI":
                         f"sqlite:///{tmp_path}/missing-folder/none.sqlite3"})
    body = broken.test_client().get("/readyz").get_json()
    assert body["status"] == 503
    assert body["checks"]["database"] is False
    assert "sqlite" not in str(body).lower()
