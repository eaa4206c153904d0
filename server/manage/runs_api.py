"""Management API: runs."""

from flask_smorest import Blueprint

blp = Blueprint("manage_runs", __name__, description="Runs")
