"""Settings from environment variables, with safe defaults for development.

This is the only module that reads `os.environ`.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import asdict, dataclass, field


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    return default if raw in (None, "") else int(raw)


def _timezone(name: str) -> str:
    """An IANA zone name people's times are shown in; a typo fails at start, not on a page."""
    from zoneinfo import ZoneInfo

    ZoneInfo(name)
    return name


@dataclass
class Settings:
    ENV: str = "development"
    SECRET_KEY: str = ""
    SQLALCHEMY_DATABASE_URI: str = ""
    MEDIA_STORAGE: str = ""
    PUBLIC_URL: str = "http://127.0.0.1:5000"
    RETENTION_DAYS_DEFAULT: int = 30
    RETENTION_DAYS_MAX: int = 365
    TOKEN_GRACE_HOURS: int = 2
    FREE_PLAY_TOKEN_HOURS: int = 24
    MAX_IMAGE_BYTES: int = 15 * 1024 * 1024
    MAX_AUDIO_BYTES: int = 25 * 1024 * 1024
    MAX_VIDEO_BYTES: int = 100 * 1024 * 1024
    MAX_AGREEMENT_BYTES: int = 10 * 1024 * 1024
    TEAM_NAME_BLOCKLIST: tuple[str, ...] = ()
    RATELIMIT_STORAGE_URI: str = "memory://"
    RATELIMIT_ENABLED: bool = True
    SESSION_COOKIE_SECURE: bool = False
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    REMEMBER_COOKIE_SECURE: bool = False
    REMEMBER_COOKIE_HTTPONLY: bool = True
    WTF_CSRF_TIME_LIMIT: int | None = None
    MAX_CONTENT_LENGTH: int = 110 * 1024 * 1024
    SQLALCHEMY_ENGINE_OPTIONS: dict = field(default_factory=dict)
    LOG_LEVEL: str = "INFO"
    TIMEZONE: str = "Europe/Berlin"
    REQUEST_LOG: bool = True
    METRICS_TOKEN: str = ""
    PG_BIN_DIR: str = ""

    @classmethod
    def from_env(cls, env: dict | None = None, instance_path: str = "instance") -> "Settings":
        env = dict(os.environ if env is None else env)
        mode = env.get("RALLY_ENV", "development")
        production = mode == "production"
        secret = env.get("SECRET_KEY", "")
        if not secret:
            if production:
                raise RuntimeError("SECRET_KEY must be set when RALLY_ENV=production")
            secret = secrets.token_hex(32)
        database = env.get("DATABASE_URL") or f"sqlite:///{os.path.abspath(instance_path)}/rallies.sqlite3"
        if database.startswith("postgres://"):
            database = "postgresql://" + database[len("postgres://"):]
        if database.startswith("postgresql://"):
            database = "postgresql+psycopg://" + database[len("postgresql://"):]
        blocklist = tuple(
            word.strip().casefold()
            for word in env.get("TEAM_NAME_BLOCKLIST", "").split(",")
            if word.strip()
        )
        return cls(
            ENV=mode,
            SECRET_KEY=secret,
            SQLALCHEMY_DATABASE_URI=database,
            MEDIA_STORAGE=env.get("MEDIA_STORAGE") or os.path.join(os.path.abspath(instance_path), "media"),
            PUBLIC_URL=env.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
            RETENTION_DAYS_DEFAULT=_int(env, "RETENTION_DAYS_DEFAULT", 30),
            RETENTION_DAYS_MAX=_int(env, "RETENTION_DAYS_MAX", 365),
            TOKEN_GRACE_HOURS=_int(env, "TOKEN_GRACE_HOURS", 2),
            FREE_PLAY_TOKEN_HOURS=_int(env, "FREE_PLAY_TOKEN_HOURS", 24),
            MAX_IMAGE_BYTES=_int(env, "MAX_IMAGE_BYTES", 15 * 1024 * 1024),
            MAX_AUDIO_BYTES=_int(env, "MAX_AUDIO_BYTES", 25 * 1024 * 1024),
            MAX_VIDEO_BYTES=_int(env, "MAX_VIDEO_BYTES", 100 * 1024 * 1024),
            TEAM_NAME_BLOCKLIST=blocklist,
            RATELIMIT_STORAGE_URI=env.get("RATELIMIT_STORAGE_URI", "memory://"),
            SESSION_COOKIE_SECURE=_bool(env.get("SESSION_COOKIE_SECURE"), production),
            REMEMBER_COOKIE_SECURE=_bool(env.get("SESSION_COOKIE_SECURE"), production),
            LOG_LEVEL=env.get("LOG_LEVEL", "INFO"),
            TIMEZONE=_timezone(env.get("TIMEZONE") or "Europe/Berlin"),
            REQUEST_LOG=_bool(env.get("REQUEST_LOG"), True),
            METRICS_TOKEN=env.get("METRICS_TOKEN", ""),
            PG_BIN_DIR=env.get("PG_BIN_DIR", ""),
        )

    def as_flask_config(self) -> dict:
        return asdict(self)
