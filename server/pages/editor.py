"""Editor pages: rallies, stations, tasks, media, QR kits, publishing."""

from flask import render_template

from server.auth import role_required
from server.pages import bp


@bp.route("/editor/rallies")
@role_required("editor")
def editor_rallies():
    return render_template("pages/placeholder.html", title="Rallyes")
