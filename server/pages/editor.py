"""Editor pages: rallies, stations, tasks, media, QR kits, publishing.

Routes stay thin: parse the form, call one service of `rallies/`, commit, redirect with a
message. A DomainError rolls everything back and shows its message and field errors on
the form the editor just sent. Everything outside the editor's institutions is 404.
"""

from __future__ import annotations

import io
import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_babel import gettext as _

from media.errors import MediaError
from media.sniff import sniff
from rallies import access, authoring, changes, media_library, publishing, qrcodes
from rallies.library import LICENCE_NAMES, LICENCE_URLS
from rallies.bundle import build_bundle
from rallies.checklist import checklist
from rallies.db import db
from rallies.errors import DomainError, Invalid, NotFound
from rallies.models import Partnership, Rally, Station, Task
from rallies.runtime import media_limits, media_storage
from rallies.tasks import REGISTRY
from server.auth import role_required
from server.i18n import say
from server.pages.actions import submit
from server.pages.forms import attach_errors
from server.pages.forms_editor import (
    CopyRallyForm, CoverForm, ImportForm, MediaForm, NewRallyForm, NewStationForm, PublishForm,
    RallyForm, StationForm, TaskForm, row_count,
)
from rallies.messages import msg
from server import tasktypes
from server.tasktypes import ConfigSyntaxError

bp = Blueprint("editor", __name__)

# Teachers author their school's rallies on the same pages; rallies.access says which rallies.
editor_only = role_required("editor", "teacher")


@bp.app_context_processor
def _task_types():
    """Templates ask a task type's UI module for its partials (`task_ui(t.type).preview_template`)."""
    return {"task_ui": tasktypes.ui}


def _exchange():
    """The rally export/import service, once it exists."""
    try:
        from rallies import exchange
    except ImportError:
        return None
    return exchange


# --- Lookups: everything outside the editor's institutions is "not found" ------------

def _rally(rally_id: int) -> Rally:
    return access.editable_rally(current_user, db.session.get(Rally, rally_id))


def _station(station_id: int) -> Station:
    station = db.session.get(Station, station_id)
    if station is None:
        raise NotFound(msg("Diese Station gibt es nicht."))
    access.editable_rally(current_user, station.rally)
    return station


def _task(task_id: int) -> Task:
    task = db.session.get(Task, task_id)
    if task is None:
        raise NotFound(msg("Diese Aufgabe gibt es nicht."))
    access.editable_rally(current_user, task.station.rally)
    return task


def _owners():
    """Whom the user authors for: an editor's institutions, a teacher's schools."""
    owners = current_user.institutions if current_user.role == "editor" else current_user.schools
    return sorted(owners, key=lambda o: o.name)


def _institution_choices() -> list[tuple[int, str]]:
    """Choices of the forms' owner field (named institution_id; a teacher's are schools)."""
    return [(o.id, o.name) for o in _owners()]


def _owner(owner_id: int):
    return next(o for o in _owners() if o.id == owner_id)


def _owner_label(form_field) -> None:
    if current_user.role == "teacher":
        form_field.label.text = _("Schule")


def _partnership_choices() -> list[tuple[int, str]]:
    """Registered, current partnerships the user's side belongs to, as co-owner choices."""
    from rallies.partnerships import is_current, list_partnerships

    rows = [p for p in list_partnerships(current_user) if is_current(p)]
    return [(0, _("keine – nur wir"))] + [
        (p.id, f"{p.school.name} + {', '.join(m.institution.name for m in p.members)}") for p in rows]


def _upload(form, rally: Rally, *, image_only: bool = False):
    """Store an uploaded rally file; an image without alternative text is refused before storing."""
    data = form.file.data.read()
    if image_only and not _is_image(data):
        raise Invalid(msg("Das Titelbild muss ein Bild sein (JPEG, PNG, WebP oder GIF)."), code="not_an_image",
                      errors={"file": [_("Bitte eine Bilddatei.")]})
    if not (form.alt.data or "").strip() and _is_image(data):
        raise Invalid(msg("Jedes Bild braucht einen Alternativtext."), code="alt_required",
                      errors={"alt": [_("Beschreiben Sie das Bild für Menschen, die es nicht sehen.")]})
    asset = media_library.add_media(data, storage=media_storage(), limits=media_limits(),
                                    institution_id=rally.institution_id, school_id=rally.school_id)
    media_library.grant_to_owner(asset, rally)
    return asset


def _is_image(data: bytes) -> bool:
    try:
        return sniff(data).kind == "image"
    except MediaError:
        return False


# --- Rallies -------------------------------------------------------------------------

def _render_list(status: int = 200, *, new_form=None, import_form=None):
    rallies = [r for r in authoring.rallies_for(current_user)
               if access.owns_rally(current_user, r) or access.in_co_owning_partnership(current_user, r)]
    choices = _institution_choices()
    new_form = new_form or NewRallyForm(formdata=None)
    new_form.institution_id.choices = choices
    new_form.partnership_id.choices = _partnership_choices()
    _owner_label(new_form.institution_id)
    import_form = import_form or ImportForm(formdata=None)
    import_form.institution_id.choices = choices
    _owner_label(import_form.institution_id)
    copy_form = CopyRallyForm(formdata=None)
    copy_form.institution_id.choices = choices
    exchange = _exchange()
    return render_template(
        "pages/editor/rallies.html", rallies=rallies, new_form=new_form, copy_form=copy_form,
        import_form=import_form, can_import=bool(exchange and hasattr(exchange, "import_rally")),
        can_export=bool(exchange and hasattr(exchange, "export_rally")),
    ), status


@bp.route("/editor/rallies")
@editor_only
def editor_rallies():
    return _render_list()


@bp.route("/editor/rallies/new", methods=["POST"])
@editor_only
def editor_rally_create():
    form = NewRallyForm()
    form.institution_id.choices = _institution_choices()
    form.partnership_id.choices = _partnership_choices()
    if not form.validate_on_submit():
        return _render_list(422, new_form=form)
    owner = _owner(form.institution_id.data)
    partnership = db.session.get(Partnership, form.partnership_id.data) if form.partnership_id.data else None
    return submit(
        lambda: authoring.create_rally(
            owner, actor=current_user, partnership=partnership, title=form.title.data, theme=form.theme.data or "",
            about=form.about.data, language=form.language.data, age_min=form.age_min.data, age_max=form.age_max.data,
        ),
        form=form, default_field="title", again=lambda failed: _render_list(422, new_form=form),
        # Straight on to the studio: building the stations is what comes next (it works without JS too).
        done=_("Rallye angelegt."), to=lambda rally: url_for("editor.editor_studio", rally_id=rally.id))


@bp.route("/editor/rallies/import", methods=["POST"])
@editor_only
def editor_rally_import():
    exchange = _exchange()
    if exchange is None or not hasattr(exchange, "import_rally"):
        abort(404)
    form = ImportForm()
    form.institution_id.choices = _institution_choices()
    if not form.validate_on_submit():
        return _render_list(422, import_form=form)
    return submit(
        lambda: exchange.import_rally(form.file.data.read(), _owner(form.institution_id.data), actor=current_user,
                                      storage=media_storage(), limits=media_limits()),
        form=form, default_field="file", again=lambda failed: _render_list(422, import_form=form),
        done=_("Rallye importiert."), to=lambda rally: url_for("editor.editor_rally", rally_id=rally.id))


@bp.route("/editor/rallies/<int:rally_id>/export.zip")
@editor_only
def editor_rally_export(rally_id: int):
    rally = _rally(rally_id)
    exchange = _exchange()
    if exchange is None or not hasattr(exchange, "export_rally"):
        abort(404)
    data = exchange.export_rally(rally, storage=media_storage())
    name = exchange.archive_name(rally) if hasattr(exchange, "archive_name") else f"rally-{rally.id}.zip"
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=name)


@bp.route("/editor/rallies/<int:rally_id>/copy", methods=["POST"])
@editor_only
def editor_rally_copy(rally_id: int):
    rally = _rally(rally_id)
    form = CopyRallyForm()
    form.institution_id.choices = _institution_choices()
    if not form.validate_on_submit():
        flash(_("Bitte eine Ihrer Einrichtungen wählen."), "error")
        return redirect(url_for("editor.editor_rallies"))
    target = _owner(form.institution_id.data)
    return submit(lambda: publishing.copy_rally(rally, target, actor=current_user),
                  back=url_for("editor.editor_rallies"),
                  done=lambda clone: _("Kopie angelegt: %(title)s", title=clone.title),
                  to=lambda clone: url_for("editor.editor_rally", rally_id=clone.id))


@bp.route("/editor/rallies/<int:rally_id>/delete", methods=["POST"])
@editor_only
def editor_rally_delete(rally_id: int):
    rally = _rally(rally_id)
    return submit(lambda: authoring.delete_rally(rally, actor=current_user),
                  error_text=lambda error: _("Nicht gelöscht: %(reason)s", reason=say(error.message)),
                  done=_("Rallye gelöscht: %(title)s", title=rally.title), to=url_for("editor.editor_rallies"))


def _reorder_targets(rally: Rally) -> dict[int, dict[str, list[int]]]:
    """For each station, the whole new order that its up and down buttons post."""
    ids = [s.id for s in rally.stations]
    targets = {}
    for index, station_id in enumerate(ids):
        moves = {}
        if index > 0:
            up = list(ids)
            up[index - 1], up[index] = up[index], up[index - 1]
            moves["up"] = up
        if index < len(ids) - 1:
            down = list(ids)
            down[index + 1], down[index] = down[index], down[index + 1]
            moves["down"] = down
        targets[station_id] = moves
    return targets


def describe_problems(rally: Rally, problems: dict[str, list[str]]) -> list[str]:
    """Publish problems by field path, said with station and task names."""
    lines = []
    for path, messages in problems.items():
        parts = path.split(".")
        where = path
        if parts[0] == "stations" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(rally.stations):
            station = rally.stations[int(parts[1])]
            where = _("Station %(number)s „%(title)s“", number=int(parts[1]) + 1, title=station.title)
            if len(parts) > 3 and parts[2] == "tasks" and parts[3].isdigit():
                where += ", " + _("Aufgabe %(number)s", number=int(parts[3]) + 1)
        elif path == "stations":
            where = _("Stationen")
        elif path == "about":
            where = _("Über die Rallye")
        elif path == "cover_alt":
            where = _("Titelbild")
        lines.extend(f"{where}: {message}" for message in say(messages))
    return lines


# --- The publish checklist, with the place to fix each item ---------------------------

def _fix_url(rally, item) -> str:
    """Where to fix a checklist item: the studio's station or task (the classic page without JS)."""
    anchor = f"task-{item.task_id}" if item.task_id else (f"station-{item.station_id}" if item.station_id else "stations")
    return url_for("editor.editor_studio", rally_id=rally.id) + f"#{anchor}"


def checklist_view(rally) -> list[dict]:
    """The checklist in the reader's language, each item with its link."""
    return [{"code": item.code, "text": item.message.render(_), "blocking": item.blocking, "path": item.path,
             "station_id": item.station_id, "task_id": item.task_id, "field": item.field,
             "url": _fix_url(rally, item),
             "page_url": (url_for("editor.editor_task", task_id=item.task_id) if item.task_id else
                          url_for("editor.editor_station", station_id=item.station_id) if item.station_id else
                          url_for("editor.editor_rally", rally_id=rally.id))}
            for item in checklist(rally)]


def _render_rally(rally: Rally, status: int = 200, *, form=None, cover_form=None, station_form=None,
                  publish_form=None, publish_errors=None):
    exchange = _exchange()
    checklist_items = checklist_view(rally)
    return render_template(
        "pages/editor/rally.html", rally=rally,
        form=form or RallyForm.for_rally(rally),
        cover_form=cover_form or CoverForm(formdata=None),
        station_form=station_form or NewStationForm(formdata=None),
        publish_form=_publish_form(rally, publish_form),
        change_list=changes.change_list(rally), licences=LICENCE_NAMES, licence_urls=LICENCE_URLS,
        problems=describe_problems(rally, {path: messages for path, messages in publishing.publish_problems(rally).items()
                                           if path not in {item["path"] for item in checklist_items}}),
        checklist=checklist_items,
        publish_errors=publish_errors, reorder=_reorder_targets(rally),
        qr_count=sum(1 for s in rally.stations if s.unlock_mode == "qr"),
        can_export=bool(exchange and hasattr(exchange, "export_rally")),
    ), status


def _publish_form(rally: Rally, form=None) -> PublishForm:
    """The audiences this rally's owner may publish for (a school's: itself or everyone)."""
    allowed = publishing.publish_visibilities(rally)
    form = form or PublishForm(formdata=None, visibility=rally.visibility if rally.visibility in allowed else allowed[0])
    labels = dict(form.visibility.choices)
    labels.setdefault("school", _("Unsere Schule"))
    if rally.partnership_id is not None:
        labels["partners"] = _("Die Schule der Partnerschaft")
    form.visibility.choices = [(value, labels[value]) for value in allowed]
    return form


@bp.route("/editor/rallies/<int:rally_id>", methods=["GET", "POST"])
@editor_only
def editor_rally(rally_id: int):
    rally = _rally(rally_id)
    if request.method == "GET":
        return _render_rally(rally)
    form = RallyForm()
    return submit(lambda: authoring.update_rally(rally, actor=current_user, **form.service_fields()),
                  form=form, default_field="title", again=lambda failed: _render_rally(rally, 422, form=form),
                  done=_("Gespeichert."), to=url_for("editor.editor_rally", rally_id=rally.id))


@bp.route("/editor/rallies/<int:rally_id>/cover", methods=["POST"])
@editor_only
def editor_rally_cover(rally_id: int):
    rally = _rally(rally_id)
    form = CoverForm()

    def store_cover():
        asset = _upload(form, rally, image_only=True)
        authoring.set_cover(rally, asset.id, form.alt.data, actor=current_user)

    return submit(store_cover, form=form, default_field="file",
                  again=lambda failed: _render_rally(rally, 422, cover_form=form),
                  done=_("Titelbild gespeichert."), to=url_for("editor.editor_rally", rally_id=rally.id))


@bp.route("/editor/rallies/<int:rally_id>/cover/remove", methods=["POST"])
@editor_only
def editor_rally_cover_remove(rally_id: int):
    rally = _rally(rally_id)
    return submit(lambda: authoring.set_cover(rally, None, actor=current_user),
                  done=_("Titelbild entfernt."), to=url_for("editor.editor_rally", rally_id=rally.id))


@bp.route("/editor/rallies/<int:rally_id>/stations", methods=["POST"])
@editor_only
def editor_station_add(rally_id: int):
    rally = _rally(rally_id)
    form = NewStationForm()
    return submit(lambda: authoring.add_station(rally, actor=current_user, **form.service_fields()),
                  form=form, default_field="title", again=lambda failed: _render_rally(rally, 422, station_form=form),
                  done=_("Station angelegt."), to=lambda station: url_for("editor.editor_station", station_id=station.id))


@bp.route("/editor/rallies/<int:rally_id>/reorder", methods=["POST"])
@editor_only
def editor_rally_reorder(rally_id: int):
    rally = _rally(rally_id)
    back = url_for("editor.editor_rally", rally_id=rally.id)
    try:
        order = [int(value) for value in request.form.getlist("station_ids")]
    except ValueError:
        flash(_("Ungültige Reihenfolge."), "error")
        return redirect(back)
    return submit(lambda: authoring.reorder_stations(rally, order, actor=current_user), back=back,
                  error_text=lambda error: f"{say(error.message)} " + _("Bitte neu laden."),
                  done=_("Reihenfolge gespeichert."), to=back + "#stations")


@bp.route("/editor/rallies/<int:rally_id>/publish", methods=["POST"])
@editor_only
def editor_rally_publish(rally_id: int):
    rally = _rally(rally_id)
    form = _publish_form(rally, PublishForm())

    def again(failed):
        error = failed.error
        if error is None:
            return _render_rally(rally, 422, publish_form=form)
        problems = describe_problems(rally, error.errors or {}) if error.code == "not_publishable" else []
        return _render_rally(rally, 422, publish_form=form,
                             publish_errors={"message": say(error.message), "problems": problems})

    return submit(lambda: publishing.publish(rally, actor=current_user, visibility=form.visibility.data),
                  form=form, again=again,
                  done=lambda version: _("Veröffentlicht als Version %(version)s.", version=version.version),
                  to=url_for("editor.editor_rally", rally_id=rally.id))


@bp.route("/editor/rallies/<int:rally_id>/unpublish", methods=["POST"])
@editor_only
def editor_rally_unpublish(rally_id: int):
    rally = _rally(rally_id)
    return submit(lambda: publishing.unpublish(rally, actor=current_user),
                  done=_("Zurückgezogen: keine neuen Klassenläufe."),
                  to=url_for("editor.editor_rally", rally_id=rally.id))


@bp.route("/editor/rallies/<int:rally_id>/preview")
@editor_only
def editor_rally_preview(rally_id: int):
    rally = _rally(rally_id)
    bundle = build_bundle(publishing.build_snapshot(rally), rally.version)
    return render_template("pages/editor/preview.html", rally=rally, bundle=bundle)


def _public_url() -> str:
    return current_app.config["PUBLIC_URL"]


@bp.route("/editor/rallies/<int:rally_id>/qr-kit.pdf")
@editor_only
def editor_rally_qr_kit(rally_id: int):
    rally = _rally(rally_id)
    try:
        pdf = qrcodes.kit_pdf(_public_url(), rally, say=say)
    except DomainError as error:
        flash(f"{say(error.message)} " + _("Diese Rallye hat keine QR-Stationen."), "error")
        return redirect(url_for("editor.editor_rally", rally_id=rally.id))
    db.session.commit()
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"qr-codes-rallye-{rally.id}.pdf")


# --- Stations ------------------------------------------------------------------------

def _render_station(station: Station, status: int = 200, *, form=None, media_form=None):
    rally = station.rally
    if form is None:
        form = StationForm.for_station(station)
    form.after_stations.choices = [(s.id, f"{s.position + 1}. {s.title}") for s in rally.stations if s.id != station.id]
    return render_template(
        "pages/editor/station.html", station=station, rally=rally, form=form,
        media_form=media_form or MediaForm(formdata=None), task_types=tasktypes.choices(), task_label=tasktypes.label,
        qr_url=qrcodes.station_url(_public_url(), station) if station.unlock_mode == "qr" and station.qr_token else None,
    ), status


@bp.route("/editor/stations/<int:station_id>", methods=["GET", "POST"])
@editor_only
def editor_station(station_id: int):
    station = _station(station_id)
    if request.method == "GET":
        return _render_station(station)
    form = StationForm()
    form.after_stations.choices = [(s.id, s.title) for s in station.rally.stations if s.id != station.id]
    return submit(lambda: authoring.update_station(station, actor=current_user, **form.service_fields()),
                  form=form, default_field="title", again=lambda failed: _render_station(station, 422, form=form),
                  done=_("Station gespeichert."), to=url_for("editor.editor_station", station_id=station.id))


@bp.route("/editor/stations/<int:station_id>/delete", methods=["POST"])
@editor_only
def editor_station_delete(station_id: int):
    station = _station(station_id)
    rally_id = station.rally_id
    return submit(lambda: authoring.delete_station(station, actor=current_user),
                  done=_("Station gelöscht."), to=url_for("editor.editor_rally", rally_id=rally_id) + "#stations")


@bp.route("/editor/stations/<int:station_id>/media", methods=["POST"])
@editor_only
def editor_station_media(station_id: int):
    station = _station(station_id)
    form = MediaForm()

    def attach():
        asset = _upload(form, station.rally)
        authoring.attach_station_media(station, asset.id, form.alt.data, actor=current_user)

    return submit(attach, form=form, default_field="file",
                  again=lambda failed: _render_station(station, 422, media_form=form),
                  done=_("Datei hinzugefügt."), to=url_for("editor.editor_station", station_id=station.id) + "#media")


@bp.route("/editor/stations/<int:station_id>/media/<int:link_id>/delete", methods=["POST"])
@editor_only
def editor_station_media_delete(station_id: int, link_id: int):
    station = _station(station_id)
    return submit(lambda: authoring.detach_station_media(station, link_id, actor=current_user),
                  done=_("Datei entfernt."), to=url_for("editor.editor_station", station_id=station.id) + "#media")


@bp.route("/editor/stations/<int:station_id>/qr.png")
@editor_only
def editor_station_qr(station_id: int):
    station = _station(station_id)
    if station.unlock_mode != "qr" or not station.qr_token:
        raise NotFound(msg("Diese Station hat keinen QR-Code."))
    response = send_file(io.BytesIO(qrcodes.station_png(_public_url(), station)), mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/editor/stations/<int:station_id>/sign.pdf")
@editor_only
def editor_station_sign(station_id: int):
    """One station's printable sign (QR code and short code), e.g. after regenerating its code."""
    station = _station(station_id)
    if station.unlock_mode != "qr" or not station.qr_token:
        raise NotFound(msg("Diese Station hat keinen QR-Code."))
    pdf = qrcodes.sign_pdf(_public_url(), station, say=say)
    db.session.commit()  # the code counts as printed (publish checklist)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"station-{station.id}-schild.pdf")


@bp.route("/editor/stations/<int:station_id>/qr/regenerate", methods=["POST"])
@editor_only
def editor_station_qr_regenerate(station_id: int):
    station = _station(station_id)
    return submit(lambda: authoring.regenerate_qr_token(station, actor=current_user),
                  back=url_for("editor.editor_station", station_id=station.id),
                  done=_("Neuer QR-Code: bitte neu ausdrucken, der alte gilt nicht mehr."),
                  to=url_for("editor.editor_station", station_id=station.id) + "#qr")


# --- Tasks ---------------------------------------------------------------------------

def _split_task_errors(form: TaskForm, error: DomainError) -> tuple[dict[str, list[str]], list[str]]:
    """Config errors by their path inside the config (for the type's fields), the rest onto the form."""
    config_errors: dict[str, list[str]] = {}
    other = {}
    for path, messages in say(error.errors or {}).items():
        if path == "config" or path.startswith("config."):
            config_errors.setdefault(path[len("config."):] or "_schema", []).extend(messages)
        else:
            other[path] = messages
    if not error.errors:
        return config_errors, [say(error.message)]
    leftovers = attach_errors(form, Invalid(say(error.message), errors=other)) if other else []
    return config_errors, leftovers


def _config_error_list(config_errors: dict[str, list[str]]) -> list[str]:
    """Config errors for the list above the form, with the field path people can follow."""
    lines = []
    for path, messages in config_errors.items():
        where = _humanise_path(path)
        lines.extend(f"{where}: {m}" if where else m for m in messages)
    return lines


def _humanise_path(path: str) -> str:
    if path == "_schema":
        return ""
    words = {"options": "Option", "pairs": _("Paar"), "text": "Text", "left": _("links"),
             "right": _("rechts"), "accepted_answers": _("Akzeptierte Antwort"),
             "scale": _("Skala"), "id": "ID"}
    out = []
    for part in path.split("."):
        out.append(str(int(part) + 1) if part.isdigit() else words.get(part, part))
    return " ".join(out)


def _render_task(station: Station, task_type: str, status: int = 200, *, task=None, form=None, config=None,
                 config_errors=None, errors=None, raw_json=None, media_form=None):
    ui = tasktypes.ui(task_type)
    config = config if config is not None else (task.config if task is not None else ui.empty_config())
    preview = None
    if task is not None and status == 200:
        preview = _task_preview(task)
    return render_template(
        "pages/editor/task.html", station=station, rally=station.rally, task=task, task_type=task_type,
        type_label=ui.label, form=form or (TaskForm.for_task(task) if task else TaskForm(formdata=None)),
        editor_template=ui.editor_template, cfg=config,
        cerr=config_errors or {}, config_error_list=_config_error_list(config_errors or {}), errors=errors or [],
        config_json=raw_json if raw_json is not None else json.dumps(config, ensure_ascii=False, indent=2),
        row_count=row_count, preview=preview, media_form=media_form or MediaForm(formdata=None),
        earns_points=REGISTRY[task_type].earns_points,
    ), status


def _task_preview(task: Task) -> dict | None:
    """The task as the phone shows it: built from the working copy's bundle, without solutions."""
    rally = task.station.rally
    bundle = build_bundle(publishing.build_snapshot(rally), rally.version)
    for station in bundle["stations"]:
        for view in station["tasks"]:
            if view["id"] == task.id:
                view.pop("solution", None)
                view.pop("feedback", None)
                return view
    return None


def _save_task(station: Station, task_type: str, task: Task | None):
    """Parse the common fields and the type's config, then add or update the task."""
    form = TaskForm()
    raw_json = request.form.get("config_json")
    try:
        config = tasktypes.ui(task_type).parse(request.form)
    except ConfigSyntaxError as error:
        return _render_task(station, task_type, 422, task=task, form=form, config={},
                            config_errors={"_schema": [str(error)]}, raw_json=raw_json)
    if not form.validate_on_submit():
        return _render_task(station, task_type, 422, task=task, form=form, config=config, raw_json=raw_json)
    try:
        if task is None:
            task = authoring.add_task(station, actor=current_user, type=task_type, config=config,
                                      **form.service_fields())
        else:
            authoring.update_task(task, actor=current_user, config=config, **form.service_fields())
    except DomainError as error:
        db.session.rollback()
        config_errors, leftovers = _split_task_errors(form, error)
        return _render_task(station, task_type, 422, task=task if task is not None and task.id else None, form=form,
                            config=config, config_errors=config_errors, errors=leftovers, raw_json=raw_json)
    db.session.commit()
    if not (task.prompt_md or "").strip():
        # Saved, but not valid for a class: the publish checklist lists it too.
        flash(_("Gespeichert, aber der Aufgabentext fehlt noch – so lässt sich die Rallye nicht veröffentlichen."),
              "error")
    else:
        flash(_("Aufgabe gespeichert."), "success")
    return redirect(url_for("editor.editor_task", task_id=task.id))


@bp.route("/editor/stations/<int:station_id>/tasks/new", methods=["GET", "POST"])
@editor_only
def editor_task_new(station_id: int):
    station = _station(station_id)
    task_type = request.values.get("type", "")
    if task_type not in REGISTRY:
        raise NotFound(msg("Unbekannter Aufgabentyp."))
    if request.method == "GET":
        return _render_task(station, task_type)
    return _save_task(station, task_type, None)


@bp.route("/editor/tasks/<int:task_id>", methods=["GET", "POST"])
@editor_only
def editor_task(task_id: int):
    task = _task(task_id)
    if request.method == "GET":
        return _render_task(task.station, task.type, task=task)
    return _save_task(task.station, task.type, task)


@bp.route("/editor/tasks/<int:task_id>/delete", methods=["POST"])
@editor_only
def editor_task_delete(task_id: int):
    task = _task(task_id)
    station_id = task.station_id
    return submit(lambda: authoring.delete_task(task, actor=current_user),
                  done=_("Aufgabe gelöscht."), to=url_for("editor.editor_station", station_id=station_id) + "#tasks")


@bp.route("/editor/tasks/<int:task_id>/media", methods=["POST"])
@editor_only
def editor_task_media(task_id: int):
    task = _task(task_id)
    form = MediaForm()

    def attach():
        asset = _upload(form, task.station.rally)
        authoring.attach_task_media(task, asset.id, form.alt.data, actor=current_user)

    return submit(attach, form=form, default_field="file",
                  again=lambda failed: _render_task(task.station, task.type, 422, task=task, media_form=form),
                  done=_("Datei hinzugefügt."), to=url_for("editor.editor_task", task_id=task.id) + "#media")


@bp.route("/editor/tasks/<int:task_id>/media/<int:link_id>/delete", methods=["POST"])
@editor_only
def editor_task_media_delete(task_id: int, link_id: int):
    task = _task(task_id)
    return submit(lambda: authoring.detach_task_media(task, link_id, actor=current_user),
                  done=_("Datei entfernt."), to=url_for("editor.editor_task", task_id=task.id) + "#media")
