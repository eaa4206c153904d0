"""Management API: office."""

from flask_smorest import Blueprint

blp = Blueprint("manage_office", __name__, description="Office")
