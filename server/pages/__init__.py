"""Server-rendered pages: the start page here; editor, teacher and office pages each in their own blueprint."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, render_template, url_for
from flask_login import current_user

bp = Blueprint("pages", __name__)


@bp.route("/")
def home():
    """Send each role to its own start page."""
    if not current_user.is_authenticated:
        return render_template("pages/landing.html")
    target = {
        "editor": "editor.editor_rallies",
        "teacher": "teacher.teacher_runs",
        "office": "office.office_partnerships",
    }[current_user.role]
    return redirect(url_for(target))


def init_pages(app: Flask) -> None:
    from server.pages import (  # noqa: F401 - site_plan, studio, visit add routes
        editor, library, office, office_accounts, site_plan, studio, teacher, visit, workshop,
    )

    app.register_blueprint(bp)
    for module in (editor, teacher, office, office_accounts, library, workshop):
        app.register_blueprint(module.bp)
    visit.register_filters(app)
