"""Teacher pages: class runs, live progress, grading, results, downloads."""

from flask import render_template

from server.auth import role_required
from server.pages import bp


@bp.route("/teacher/runs")
@role_required("teacher")
def teacher_runs():
    return render_template("pages/placeholder.html", title="Klassenläufe")
