"""Pages of the creative workshop: the teacher's (open, watch drafts live, comment, copy) and the
pupils' simple editor in the web player's shell (/workshop, JavaScript on /api/v1/workshop…)."""

from __future__ import annotations

import datetime as dt

from rallies.messages import msg
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from client_api.files import send_stored
from rallies import access, authoring, workshops
from rallies.db import db, utcnow
from rallies.errors import DomainError, NotFound
from rallies.models import Workshop, WorkshopMedia, WorkshopTeam
from rallies.runtime import media_storage, setting
from server.auth import role_required
from server.i18n import say

bp = Blueprint("workshop", __name__)

teacher_only = role_required("teacher")


def _workshop(workshop_id: int) -> Workshop:
    return workshops.visible_workshop(current_user, db.session.get(Workshop, workshop_id))


def _error(error: DomainError) -> str:
    db.session.rollback()
    text = say(error.message)
    if error.errors:
        text += " " + "; ".join(f"{k}: {', '.join(say(v))}" for k, v in error.errors.items())
    return text


@bp.route("/teacher/workshops")
@teacher_only
def workshops_page():
    return render_template("pages/workshop/list.html", items=workshops.workshops_for(current_user), now=utcnow(),
                           default_retention=setting("RETENTION_DAYS_DEFAULT"), schools=current_user.schools)


@bp.route("/teacher/workshops", methods=["POST"])
@teacher_only
def workshop_open():
    """Open a workshop now for the given hours (a window like a class run's)."""
    school = next((s for s in current_user.schools if s.id == request.form.get("school_id", type=int)),
                  current_user.schools[0] if len(current_user.schools) == 1 else None)
    hours = request.form.get("hours", type=int) or 2
    now = utcnow()
    try:
        if school is None:
            raise NotFound(msg("Wählen Sie eine Ihrer Schulen."))
        workshop = workshops.open_workshop(
            school=school, teacher=current_user, class_label=request.form.get("class_label", ""),
            topic=request.form.get("topic", ""), starts_at=now, ends_at=now + dt.timedelta(hours=max(1, min(hours, 24 * 14))),
            retention_days=request.form.get("retention_days", type=int),
            max_retention_days=setting("RETENTION_DAYS_MAX"), default_retention_days=setting("RETENTION_DAYS_DEFAULT"))
    except DomainError as error:
        flash(_error(error), "error")
        return redirect(url_for("workshop.workshops_page"))
    db.session.commit()
    flash(_("Werkstatt geöffnet: Code %(code)s", code=workshop.join_code), "success")
    return redirect(url_for("workshop.workshop_page", workshop_id=workshop.id))


@bp.route("/teacher/workshops/<int:workshop_id>")
@teacher_only
def workshop_page(workshop_id: int):
    """Every team's draft as it is now (the page refreshes itself while nobody types)."""
    workshop = _workshop(workshop_id)
    rallies = [r for r in authoring.rallies_for(current_user)
               if r.school_id == workshop.school_id and access.EDIT in access.rally_permissions(current_user, r)]
    return render_template("pages/workshop/drafts.html", workshop=workshop, rallies=rallies, now=utcnow(),
                           join_url=url_for("workshop.pupils", code=workshop.join_code, _external=True))


@bp.route("/teacher/workshops/<int:workshop_id>/stations/<int:station_id>/comment", methods=["POST"])
@teacher_only
def workshop_comment(workshop_id: int, station_id: int):
    workshop = _workshop(workshop_id)
    station = workshops.teacher_station(current_user, station_id)
    if station.team.workshop_id != workshop.id:
        raise NotFound(msg("Diese Station gibt es nicht."))
    try:
        workshops.comment(station, request.form.get("comment", ""), actor=current_user)
    except DomainError as error:
        flash(_error(error), "error")
        return redirect(url_for("workshop.workshop_page", workshop_id=workshop.id))
    db.session.commit()
    flash(_("Kommentar gespeichert."), "success")
    return redirect(url_for("workshop.workshop_page", workshop_id=workshop.id) + f"#station-{station.id}")


@bp.route("/teacher/workshops/<int:workshop_id>/copy", methods=["POST"])
@teacher_only
def workshop_copy(workshop_id: int):
    """Copy a team's stations into a (new or existing) draft rally of the school; publishing stays the teacher's."""
    workshop = _workshop(workshop_id)
    team = db.session.get(WorkshopTeam, request.form.get("team_id", type=int) or 0)
    if team is None or team.workshop_id != workshop.id:
        raise NotFound(msg("Dieses Team gibt es nicht."))
    rally_id = request.form.get("rally_id", type=int)
    from rallies.models import Rally

    try:
        rally = workshops.copy_to_rally(
            team, actor=current_user, storage=media_storage(), rally=db.session.get(Rally, rally_id) if rally_id else None,
            title=(request.form.get("title") or "").strip() or None, credit_team=bool(request.form.get("credit_team")))
    except DomainError as error:
        flash(_error(error), "error")
        return redirect(url_for("workshop.workshop_page", workshop_id=workshop.id))
    db.session.commit()
    flash(_("Stationen kopiert. Prüfen Sie die Rallye und veröffentlichen Sie sie, wenn sie fertig ist."), "success")
    return redirect(url_for("editor.editor_rally", rally_id=rally.id))


@bp.route("/teacher/workshops/<int:workshop_id>/media/<media_id>")
@teacher_only
def workshop_media(workshop_id: int, media_id: str):
    """A team's photo or recording, for the teacher of the workshop only."""
    workshop = _workshop(workshop_id)
    item = db.session.get(WorkshopMedia, media_id)
    if item is None or db.session.get(WorkshopTeam, workshops.teacher_station(current_user, item.station_id).team_id
                                      ).workshop_id != workshop.id:
        raise NotFound(msg("Diese Datei gibt es nicht."))
    return send_stored(media_storage(), item.storage_name, item.content_type, cache_control="private, no-store")


@bp.route("/workshop")
@bp.route("/workshop/<code>")
def pupils(code: str | None = None):
    """The pupils' simple editor: the web player's look and languages, its own small JavaScript module."""
    from server.player import player_texts, remember_language

    return remember_language(make_response(render_template("workshop/edit.html", code=code or "", **player_texts())))
