"""The studio: a whole rally on one page, saved through the management API, with the phone beside it.

The page itself is server-rendered (stations, tasks, checklist, links to the classic forms,
so it works without JavaScript); `static/studio/studio.js` edits in place through
`/api/manage/v1` with the session and the page's CSRF token. The routes here only serve
what the script needs that the API does not have: a task type's editor partial and its
form parser, the checklist with links, address search, and the phone preview's shell and
bundle.
"""

from __future__ import annotations

import json

from flask import jsonify, make_response, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from rallies import publishing
from rallies.errors import NotFound
from rallies.tasks import REGISTRY
from server import geocoding, tasktypes
from server.pages.editor import _rally, _task, bp, checklist_view, editor_only
from server.pages.forms_editor import TaskForm, row_count
from server.player import player_page
from server.security import CSP
from server.tasktypes import ConfigSyntaxError
from rallies.messages import msg

PHONE = {"width": 390, "height": 844}


@bp.route("/editor/rallies/<int:rally_id>/studio")
@editor_only
def editor_studio(rally_id: int):
    rally = _rally(rally_id)
    selected = request.args.get("station", type=int)
    station = next((s for s in rally.stations if s.id == selected), rally.stations[0] if rally.stations else None)
    return render_template(
        "pages/editor/studio.html", rally=rally, station=station, task_types=tasktypes.choices(),
        task_label=tasktypes.label, checklist=checklist_view(rally), phone=PHONE,
        geocoder=geocoding.enabled(), center=_centre(rally), phone_lang=str(get_locale() or "de"),
        studio_config=json.dumps({
            "rallyId": rally.id, "api": "/api/manage/v1",
            "phoneUrl": url_for("editor.editor_phone", rally_id=rally.id),
            "editorUrl": url_for("editor.editor_task_editor", type="__type__"),
            "checklistUrl": url_for("editor.editor_checklist", rally_id=rally.id),
            "geocodeUrl": url_for("editor.editor_geocode") if geocoding.enabled() else None,
            "center": _centre(rally), "selected": station.id if station else None,
            "phoneLang": str(get_locale() or "de"),
            "labels": dict(tasktypes.choices()),
            "pictureTypes": [name for name, _label in tasktypes.choices() if tasktypes.ui(name).picture],
            "sitePlanUrl": url_for("editor.editor_site_plan", rally_id=rally.id),
        }),
    )


def _centre(rally) -> list[float] | None:
    for lat, lon in [(rally.start_lat, rally.start_lon), (rally.owner.lat, rally.owner.lon),
                     *((s.lat, s.lon) for s in rally.stations)]:
        if lat is not None and lon is not None:
            return [lat, lon]
    return None


@bp.route("/editor/task-editor/<type>", methods=["GET", "POST"])
@editor_only
def editor_task_editor(type: str):  # noqa: A002 - the URL's word
    """GET: the type's editor partial for a config (JSON in `config`); POST: the posted form as a config."""
    if type not in REGISTRY:
        raise NotFound(msg("Unbekannter Aufgabentyp."))
    ui = tasktypes.ui(type)
    if request.method == "POST":
        try:
            return jsonify({"config": ui.parse(request.form)})
        except ConfigSyntaxError as error:
            return jsonify({"errors": {"_schema": [str(error)]}}), 422
    try:
        config = json.loads(request.args.get("config") or "null")
    except ValueError:
        config = None
    config = config if isinstance(config, dict) else ui.empty_config()
    rally = _rally(request.args.get("rally", type=int) or 0)  # partials may show the rally's place
    # A saved task's partial may show its pictures (the hotspot editor draws on the first one).
    task = _task(request.args.get("task", type=int)) if request.args.get("task") else None
    if task is not None and task.station.rally_id != rally.id:
        raise NotFound(msg("Diese Aufgabe gibt es nicht."))
    return render_template(ui.editor_template, cfg=config, cerr={}, row_count=row_count, task=task, task_type=type,
                           rally=rally,
                           config_json=json.dumps(config, ensure_ascii=False, indent=2), form=TaskForm(formdata=None))


@bp.route("/editor/rallies/<int:rally_id>/checklist")
@editor_only
def editor_checklist(rally_id: int):
    rally = _rally(rally_id)
    return jsonify({"items": checklist_view(rally)})


@bp.route("/editor/geocode")
@editor_only
def editor_geocode():
    """Places for an address, for the studio's map; a clear message when search is off or down."""
    try:
        return jsonify({"results": geocoding.search(request.args.get("q", ""))})
    except geocoding.GeocoderUnavailable:
        return jsonify({"results": [], "error": _("Die Adresssuche ist gerade nicht verfügbar. "
                                                  "Bitte klicken Sie in die Karte.")}), 503


@bp.route("/editor/rallies/<int:rally_id>/phone")
@editor_only
def editor_phone(rally_id: int):
    """The real web player, fed with the working copy instead of a team's bundle (studio preview)."""
    rally = _rally(rally_id)
    response = make_response(player_page(preview={
        "bundle_url": url_for("editor.editor_phone_bundle", rally_id=rally.id), "rally_id": rally.id,
        "title": rally.title, "team": _("Vorschau"), "user": current_user.id}))
    # Framed by the studio (same site only), unlike every other page.
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
    return response


@bp.route("/editor/rallies/<int:rally_id>/phone/bundle.json")
@editor_only
def editor_phone_bundle(rally_id: int):
    rally = _rally(rally_id)
    response = jsonify(publishing.preview_bundle(rally))
    response.headers["Cache-Control"] = "no-store"
    return response
