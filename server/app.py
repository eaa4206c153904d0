"""The application factory."""

from __future__ import annotations

import logging
import os

from flask import Flask

from client_api.json_edge import BoundedJSONProvider
from server.config import Settings
from server.edge import init_edge


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app from environment settings, with `overrides` for tests and tools."""
    app = Flask(__name__, instance_relative_config=True)
    app.json = BoundedJSONProvider(app)
    init_edge(app)  # the bounded `int` converter must exist before any route is added
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(Settings.from_env(instance_path=app.instance_path).as_flask_config())
    app.config.update(overrides or {})
    _configure_engine(app)
    _configure_logging(app)
    register_observability(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_security_headers(app)
    return app


def _configure_engine(app: Flask) -> None:
    """Pool settings that survive a database restart and SQLite's file locking."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_pre_ping", True)
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": 30})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _configure_logging(app: Flask) -> None:
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def register_observability(app: Flask) -> None:
    from server.observability import init_observability

    init_observability(app)


def register_extensions(app: Flask) -> None:
    from server.extensions import csrf, db, limiter, login_manager, migrate
    from server.i18n import init_i18n
    from server.media_store import init_media_store
    from rallies.db import db as domain_db
    from sqlalchemy import event

    db.init_app(app)
    app.teardown_appcontext(_close_session_quietly)  # runs before Flask-SQLAlchemy's own (reverse order)
    migrate.init_app(app, domain_db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    init_media_store(app)
    init_i18n(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _close_session_quietly(_error) -> None:
    """A database that went away after the response was made must not turn it into gunicorn's HTML 500.

    Closing the session rolls back on its connection; when PostgreSQL has just restarted that
    rollback fails. The connection is invalidated by then, so the next request gets a new one.
    """
    from server.extensions import db
    from sqlalchemy.exc import DBAPIError

    try:
        db.session.remove()
    except DBAPIError as error:
        logging.getLogger(__name__).warning("closing the database session failed: %s", error.__class__.__name__)
        db.session.registry.clear()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL and foreign keys make SQLite behave like the production database where it matters."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    from client_api import init_client_api
    from server.auth import init_auth
    from server.health import init_health
    from server.manage import init_manage_api
    from server.pages import init_pages
    from server.player import init_player

    init_health(app)
    init_auth(app)
    init_client_api(app)
    init_manage_api(app)
    init_pages(app)
    init_player(app)


def register_errorhandlers(app: Flask) -> None:
    from server.errors import register_errorhandlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from server.cli import register_commands as register

    register(app)


def register_security_headers(app: Flask) -> None:
    from server.security import add_security_headers

    app.after_request(add_security_headers)
