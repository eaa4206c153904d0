"""Management API: institutions."""

from flask_smorest import Blueprint

blp = Blueprint("manage_institutions", __name__, description="Institutions")
