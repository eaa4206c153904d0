"""The library pages: public rallies of every institution and school, copied under their licence.

Editors copy into one of their institutions, teachers into one of their schools; the copy
records and shows whose work it is. The service is rallies.library and publishing.copy_rally.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from server.i18n import say
from flask_login import current_user

from rallies import library as service
from rallies import publishing
from rallies.db import db
from rallies.errors import DomainError
from rallies.models import Rally
from server.auth import role_required

bp = Blueprint("library", __name__)

authors_only = role_required("editor", "teacher")


def _owners():
    owners = current_user.institutions if current_user.role == "editor" else current_user.schools
    return sorted(owners, key=lambda o: o.name)


def _age(raw: str | None) -> int | None:
    try:
        age = int(raw) if raw else None
    except ValueError:
        return None
    return age if age is not None and 6 <= age <= 99 else None


@bp.route("/library")
@authors_only
def library():
    """Public rallies, filtered by text, subject, age and place (all optional)."""
    filters = {name: " ".join(request.args.get(name, "").split())[:200] for name in ("q", "subject", "place")}
    age = _age(request.args.get("age"))
    rallies = service.browse(q=filters["q"] or None, subject=filters["subject"] or None, age=age,
                             place=filters["place"] or None)
    return render_template("pages/library.html", items=[service.item(r) for r in rallies], filters=filters,
                           age=age, owners=_owners(), licences=service.LICENCE_NAMES, licence_urls=service.LICENCE_URLS)


@bp.route("/library/<int:rally_id>/copy", methods=["POST"])
@authors_only
def library_copy(rally_id: int):
    """Copy the rally's published version into one of the user's institutions or schools."""
    rally = service.library_rally(db.session.get(Rally, rally_id))
    owner_id = request.form.get("owner_id", type=int)
    owner = next((o for o in _owners() if o.id == owner_id), None)
    if owner is None:
        flash(_("Bitte wählen Sie, wohin kopiert wird."), "error")
        return redirect(url_for("library.library"))
    try:
        clone = publishing.copy_rally(rally, owner, actor=current_user, library=True)
    except DomainError as error:
        db.session.rollback()
        flash(say(error.message), "error")
        return redirect(url_for("library.library"))
    db.session.commit()
    flash(_("Kopiert: %(title)s. Die Herkunft steht auf der Rallye.", title=clone.title), "success")
    return redirect(url_for("editor.editor_rally", rally_id=clone.id))
