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


def _float(env: dict, name: str, default: float) -> float:
    raw = env.get(name)
    return default if raw in (None, "") else float(raw)


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
    # The teacher's live page: how long one request may wait for a change, and how many
    # requests per worker process may wait at once (the others answer at once and poll).
    LIVE_WAIT_SECONDS: int = 15
    LIVE_WAIT_SLOTS: int = 1
    LIVE_MIN_INTERVAL: int = 5  # seconds between two computations of a run's full live view
    LIVE_POLL_SECONDS: int = 10  # how soon a page without a waiting slot asks again
    LIVE_CPU_SHARE: float = 0.02  # at most this share of a worker's time rebuilds live views; 0: no limit (server/live_budget.py)
    MAX_IMAGE_BYTES: int = 15 * 1024 * 1024
    MAX_AUDIO_BYTES: int = 25 * 1024 * 1024
    MAX_VIDEO_BYTES: int = 100 * 1024 * 1024
    MAX_IMAGE_PIXELS: int = 24_000_000
    RUN_UPLOAD_QUOTA_BYTES: int = 5 * 1024 * 1024 * 1024
    FREE_PLAY_UPLOAD_QUOTA_BYTES: int = 500 * 1024 * 1024
    CLIENT_TEAM_UPLOAD_LIMIT: str = "30 per minute"
    MAX_AGREEMENT_BYTES: int = 10 * 1024 * 1024
    TEAM_NAME_BLOCKLIST: tuple[str, ...] = ()
    RATELIMIT_STORAGE_URI: str = "memory-swept://"
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
    TIMEZONE: str = "Europe/Berlin"  # dates and times shown to people
    # Sessions end on the server after this long without a request, and this long after signing in.
    SESSION_IDLE_MINUTES: int = 120
    SESSION_MAX_HOURS: int = 12
    # Links sent by mail: an invitation to set a first password, a password reset.
    INVITATION_DAYS: int = 7
    PASSWORD_RESET_MINUTES: int = 60
    # Login throttling: failed logins per network (IPv4 address, IPv6 /64) and per account.
    LOGIN_FAILURES_PER_NETWORK: str = "100 per 15 minutes"
    LOGIN_FREE_FAILURES_PER_ACCOUNT: int = 5
    LOGIN_MAX_DELAY_SECONDS: int = 900
    TRUSTED_DEVICE_DAYS: int = 180
    PASSWORD_RESET_REQUEST_LIMIT: str = "10 per 15 minutes"
    # Mail (Flask-Mailman): SMTP in production, an outbox folder plus the console otherwise.
    MAIL_BACKEND: str = "server.mail.OutboxEmailBackend"
    MAIL_FILE_PATH: str = ""
    MAIL_SERVER: str = "localhost"
    MAIL_PORT: int = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS: bool = False
    MAIL_USE_SSL: bool = False
    MAIL_TIMEOUT: int = 10
    MAIL_DEFAULT_SENDER: str = "Kulturrallye <noreply@localhost>"
    REQUEST_LOG: bool = True
    METRICS_TOKEN: str = ""
    PG_BIN_DIR: str = ""
    # Address search in the studio's map: a geopy service name ("nominatim", "photon", ...) or "none".
    GEOCODER: str = "nominatim"
    GEOCODER_USER_AGENT: str = ""

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
            LIVE_WAIT_SECONDS=_int(env, "LIVE_WAIT_SECONDS", 15),
            LIVE_WAIT_SLOTS=_int(env, "LIVE_WAIT_SLOTS", 1),
            LIVE_MIN_INTERVAL=_int(env, "LIVE_MIN_INTERVAL", 5),
            LIVE_POLL_SECONDS=_int(env, "LIVE_POLL_SECONDS", 10),
            LIVE_CPU_SHARE=_float(env, "LIVE_CPU_SHARE", 0.02),
            MAX_IMAGE_BYTES=_int(env, "MAX_IMAGE_BYTES", 15 * 1024 * 1024),
            MAX_AUDIO_BYTES=_int(env, "MAX_AUDIO_BYTES", 25 * 1024 * 1024),
            MAX_VIDEO_BYTES=_int(env, "MAX_VIDEO_BYTES", 100 * 1024 * 1024),
            MAX_IMAGE_PIXELS=_int(env, "MAX_IMAGE_PIXELS", 24_000_000),
            RUN_UPLOAD_QUOTA_BYTES=_int(env, "RUN_UPLOAD_QUOTA_BYTES", 5 * 1024 * 1024 * 1024),
            FREE_PLAY_UPLOAD_QUOTA_BYTES=_int(env, "FREE_PLAY_UPLOAD_QUOTA_BYTES", 500 * 1024 * 1024),
            CLIENT_TEAM_UPLOAD_LIMIT=env.get("CLIENT_TEAM_UPLOAD_LIMIT", "30 per minute"),
            TEAM_NAME_BLOCKLIST=blocklist,
            RATELIMIT_STORAGE_URI=env.get("RATELIMIT_STORAGE_URI", "memory-swept://"),
            SESSION_COOKIE_SECURE=_bool(env.get("SESSION_COOKIE_SECURE"), production),
            REMEMBER_COOKIE_SECURE=_bool(env.get("SESSION_COOKIE_SECURE"), production),
            LOG_LEVEL=env.get("LOG_LEVEL", "INFO"),
            TIMEZONE=_timezone(env.get("TIMEZONE") or "Europe/Berlin"),
            SESSION_IDLE_MINUTES=_int(env, "SESSION_IDLE_MINUTES", 120),
            SESSION_MAX_HOURS=_int(env, "SESSION_MAX_HOURS", 12),
            INVITATION_DAYS=_int(env, "INVITATION_DAYS", 7),
            PASSWORD_RESET_MINUTES=_int(env, "PASSWORD_RESET_MINUTES", 60),
            LOGIN_FAILURES_PER_NETWORK=env.get("LOGIN_FAILURES_PER_NETWORK") or "100 per 15 minutes",
            LOGIN_FREE_FAILURES_PER_ACCOUNT=_int(env, "LOGIN_FREE_FAILURES_PER_ACCOUNT", 5),
            LOGIN_MAX_DELAY_SECONDS=_int(env, "LOGIN_MAX_DELAY_SECONDS", 900),
            TRUSTED_DEVICE_DAYS=_int(env, "TRUSTED_DEVICE_DAYS", 180),
            PASSWORD_RESET_REQUEST_LIMIT=env.get("PASSWORD_RESET_REQUEST_LIMIT") or "10 per 15 minutes",
            MAIL_BACKEND=env.get("MAIL_BACKEND") or ("smtp" if production else "server.mail.OutboxEmailBackend"),
            MAIL_FILE_PATH=env.get("MAIL_FILE_PATH") or os.path.join(os.path.abspath(instance_path), "outbox"),
            MAIL_SERVER=env.get("MAIL_SERVER") or "localhost",
            MAIL_PORT=_int(env, "MAIL_PORT", 25),
            MAIL_USERNAME=env.get("MAIL_USERNAME") or None,
            MAIL_PASSWORD=env.get("MAIL_PASSWORD") or None,
            MAIL_USE_TLS=_bool(env.get("MAIL_USE_TLS"), False),
            MAIL_USE_SSL=_bool(env.get("MAIL_USE_SSL"), False),
            MAIL_TIMEOUT=_int(env, "MAIL_TIMEOUT", 10),
            MAIL_DEFAULT_SENDER=env.get("MAIL_DEFAULT_SENDER") or "Kulturrallye <noreply@localhost>",
            REQUEST_LOG=_bool(env.get("REQUEST_LOG"), True),
            METRICS_TOKEN=env.get("METRICS_TOKEN", ""),
            PG_BIN_DIR=env.get("PG_BIN_DIR", ""),
            GEOCODER=env.get("GEOCODER", "nominatim").strip().lower() or "none",
            GEOCODER_USER_AGENT=env.get("GEOCODER_USER_AGENT", ""),
        )

    def as_flask_config(self) -> dict:
        return asdict(self)
