"""Management API: partnerships."""

from flask_smorest import Blueprint

blp = Blueprint("manage_partnerships", __name__, description="Partnerships")
