"""Management API: rallies."""

from flask_smorest import Blueprint

blp = Blueprint("manage_rallies", __name__, description="Rallies")
