"""Flask extensions as module-level objects, bound to the app in the factory."""

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from rallies.db import db
from server import ratelimit_storage  # noqa: F401 - registers memory-swept://
from server.login_throttle import network_key

migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
# Keyed by network (IPv4 address, IPv6 /64), hashed: a phone or laptop gets a whole /64.
limiter = Limiter(key_func=network_key, default_limits=[], headers_enabled=True)

__all__ = ["csrf", "db", "limiter", "login_manager", "migrate"]
