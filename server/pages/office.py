"""Programme office pages: institutions, schools, partnerships, monitoring."""

from flask import render_template

from server.auth import role_required
from server.pages import bp


@bp.route("/office/partnerships")
@role_required("office")
def office_partnerships():
    return render_template("pages/placeholder.html", title="Partnerschaften")


@bp.route("/office/institutions")
@role_required("office")
def office_institutions():
    return render_template("pages/placeholder.html", title="Einrichtungen")


@bp.route("/office/schools")
@role_required("office")
def office_schools():
    return render_template("pages/placeholder.html", title="Schulen")
