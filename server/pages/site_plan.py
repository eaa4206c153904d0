"""The rally's site plan on the editor pages: upload a plan image, place stations on it by clicking.

Without JavaScript each station has two number fields (percent from the left and from the
top); `static/js/site-plan.js` turns a click on the plan into those numbers and saves.
"""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rallies import authoring
from rallies.errors import Invalid
from rallies.messages import msg
from server.formatting import parse_number
from server.pages.actions import submit
from server.pages.editor import _rally, _station, _upload, bp, editor_only
from server.pages.forms_editor import SitePlanForm


def _render(rally, status: int = 200, form=None):
    chosen = request.args.get("chosen", type=int)
    if chosen not in {station.id for station in rally.stations}:
        chosen = rally.stations[0].id if rally.stations else None
    return render_template("pages/editor/site_plan.html", rally=rally, chosen=chosen,
                           plan_form=form or SitePlanForm(formdata=None)), status


@bp.route("/editor/rallies/<int:rally_id>/site-plan")
@editor_only
def editor_site_plan(rally_id: int):
    return _render(_rally(rally_id))


@bp.route("/editor/rallies/<int:rally_id>/site-plan", methods=["POST"])
@editor_only
def editor_site_plan_upload(rally_id: int):
    rally = _rally(rally_id)
    form = SitePlanForm()

    def store_plan():
        asset = _upload(form, rally, image_only=True)
        authoring.set_site_plan(rally, asset.id, form.alt.data, actor=current_user)

    return submit(store_plan, form=form, default_field="file", again=lambda failed: _render(rally, 422, form),
                  done=_("Lageplan gespeichert. Klicken Sie nun in den Plan, um die Stationen zu setzen."),
                  to=url_for("editor.editor_site_plan", rally_id=rally.id))


@bp.route("/editor/rallies/<int:rally_id>/site-plan/remove", methods=["POST"])
@editor_only
def editor_site_plan_remove(rally_id: int):
    rally = _rally(rally_id)
    return submit(lambda: authoring.set_site_plan(rally, None, actor=current_user),
                  done=_("Lageplan entfernt."), to=url_for("editor.editor_site_plan", rally_id=rally.id))


def _percent(name: str):
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = parse_number(raw)
    except ValueError:
        raise Invalid(msg("Bitte eine Zahl von 0 bis 100."), errors={name: [msg("Bitte eine Zahl von 0 bis 100.")]})
    if not 0 <= value <= 100:
        raise Invalid(msg("Bitte eine Zahl von 0 bis 100."), errors={name: [msg("Bitte eine Zahl von 0 bis 100.")]})
    return round(value / 100, 4)


@bp.route("/editor/stations/<int:station_id>/plan-place", methods=["POST"])
@editor_only
def editor_station_plan_place(station_id: int):
    """Put a station on the plan (x and y in percent), or take it off with both fields empty."""
    station = _station(station_id)
    stations = station.rally.stations
    # The next station is chosen on the reloaded page, so placing a whole rally is one click each.
    following = stations[(stations.index(station) + 1) % len(stations)]
    back = url_for("editor.editor_site_plan", rally_id=station.rally_id)
    return submit(lambda: authoring.update_station(station, actor=current_user, plan_x=_percent("x"),
                                                   plan_y=_percent("y")),
                  back=back, done=_("Station „%(title)s“ auf dem Plan gesetzt.", title=station.title),
                  to=url_for("editor.editor_site_plan", rally_id=station.rally_id, chosen=following.id)
                  + f"#place-{following.id}")
