"""Management API: rallies, stations, tasks, media, publishing, QR codes, exchange and the library.

Authors change their rallies: editors those of their institutions, teachers those of their
schools, and both sides of a co-owning partnership (rallies.access.rally_permissions says
who); everyone else gets 404 for them (403 for writes by the office). The programme office
reads published rallies and may withdraw one with a reason. Routes parse, check access,
call one service and commit.
"""

from __future__ import annotations

import hashlib
import json

from flask import Response, current_app, jsonify, request
from client_api.openapi import EdgeBlueprint as Blueprint

from rallies import authoring, changes, exchange, library, publishing, qrcodes
from rallies.access import EDIT, can_author_for, editable_rally, rally_permissions, readable_rally, require_role
from rallies.db import db
from rallies.errors import Forbidden, NotFound, PreconditionFailed
from rallies.media_library import add_media
from rallies.models import Institution, MediaAsset, Partnership, Rally, School, Station, Task
from rallies.runtime import media_limits, media_storage
from client_api.problems import say
from server.manage.common import commit, current_api_user, guard
from server.manage.schemas_rallies import (
    AttachMediaSchema, ChangeGroupSchema, CopySchema, LibraryItemSchema, LibraryQuerySchema, CoverSchema, ImportFileSchema, ImportFormSchema, MediaAssetSchema,
    MediaFileSchema, MediaLinkSchema, MediaUploadFormSchema, PublishSchema, RallyCreateSchema,
    RallyQuerySchema, RallySchema, RallySummarySchema, RallyWriteSchema, StationOrderSchema, StationSchema,
    TaskOrderSchema,
    StationWriteSchema, TaskSchema, TaskWriteSchema, UnpublishSchema, VersionSchema,
)
from rallies.messages import msg

blp = Blueprint("manage_rallies", __name__, description="Rallies, stations, tasks, media and QR codes")
guard(blp)


# --- Two authors: every answer about a rally carries its ETag; writes may send If-Match ----

WRITES = ("POST", "PUT", "PATCH", "DELETE")


def rally_etag(rally: Rally) -> str:
    """A strong ETag of the working copy: changes with any field, station, task or media link."""
    body = json.dumps(RallySchema().dump(rally), sort_keys=True, default=str)
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:24] + '"'


def _rally_of_request() -> Rally | None:
    """The rally a route works on, from its URL (rally, station or task id)."""
    args = request.view_args or {}
    if "rally_id" in args:
        return db.session.get(Rally, args["rally_id"])
    if "station_id" in args:
        station = db.session.get(Station, args["station_id"])
        return station.rally if station is not None else None
    if "task_id" in args:
        task = db.session.get(Task, args["task_id"])
        return task.station.rally if task is not None else None
    return None


@blp.before_request
def _check_if_match():
    """A write with `If-Match` goes through only if the rally is still as the caller saw it (else 412)."""
    expected = request.headers.get("If-Match")
    if request.method not in WRITES or not expected:
        return
    rally = _rally_of_request()
    if rally is None:
        return
    editable_rally(current_api_user(), rally)
    current = rally_etag(rally)
    tags = [tag.strip().removeprefix("W/") for tag in expected.split(",")]
    if "*" not in tags and current not in tags:
        raise PreconditionFailed(msg("Die Rallye wurde inzwischen von jemand anderem geändert; bitte neu laden."),
                                 current_etag=current)


@blp.after_request
def _send_etag(response: Response) -> Response:
    if response.status_code < 400 and request.view_args is not None:
        try:
            rally = _rally_of_request()
        except Exception:  # noqa: BLE001 - an ETag is a courtesy; never fail the answer for it
            rally = None
        if rally is not None and rally.id is not None and rally in db.session:
            response.headers["ETag"] = rally_etag(rally)
    return response


# --- Access ----------------------------------------------------------------------------

def _editor():
    """The calling author (an editor or a teacher); the office may not change rally content (403)."""
    user = current_api_user()
    require_role(user, "editor", "teacher")
    return user


def _rally_to_edit(rally_id: int) -> tuple[object, Rally]:
    user = _editor()
    return user, editable_rally(user, db.session.get(Rally, rally_id))


def _station_to_edit(station_id: int) -> tuple[object, Station]:
    user = _editor()
    station = db.session.get(Station, station_id)
    editable_rally(user, station.rally if station is not None else None)
    return user, station


def _task_to_edit(task_id: int) -> tuple[object, Task]:
    user = _editor()
    task = db.session.get(Task, task_id)
    editable_rally(user, task.station.rally if task is not None else None)
    return user, task


def _own_owner(user, data: dict) -> Institution | School:
    """The institution (editors) or school (teachers) the caller authors for; 403 for any other."""
    if data.get("institution_id") is not None:
        owner = db.session.get(Institution, data["institution_id"])
        if owner is None or not can_author_for(user, institution_id=owner.id):
            raise Forbidden(msg("Sie bearbeiten nur Inhalte Ihrer eigenen Einrichtungen."))
        return owner
    owner = db.session.get(School, data.get("school_id") or 0)
    if owner is None or not can_author_for(user, school_id=owner.id):
        raise Forbidden(msg("Sie bearbeiten nur Inhalte Ihrer eigenen Schulen."))
    return owner


def _partnership(data: dict) -> Partnership | None:
    """The partnership named as co-owner (the service checks it is the owner's and registered)."""
    partnership_id = data.pop("partnership_id", None)
    if partnership_id is None:
        return None
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None:
        from rallies.errors import Invalid

        raise Invalid(msg("Nur eine registrierte, laufende Partnerschaft der Eigentümerin kann Miteigentümerin sein."),
                      code="not_a_partnership", errors={"partnership_id": ["A registered partnership of the owner."]})
    return partnership


def _file(data: dict) -> bytes:
    return data["file"].read()


def _download(body: bytes, mimetype: str, filename: str | None = None, *, cache: bool = False) -> Response:
    response = Response(body, mimetype=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store" if not cache else "private, max-age=60"
    return response


# --- Rallies ---------------------------------------------------------------------------

@blp.route("/rallies")
@blp.arguments(RallyQuerySchema, location="query")
@blp.response(200, RallySummarySchema(many=True))
def list_rallies(query):
    """Authors: their own and co-owned rallies (drafts too). Office and teachers: published rallies they may see."""
    return authoring.rallies_for(current_api_user(), institution_id=query.get("institution_id"),
                                 school_id=query.get("school_id"))


@blp.route("/rallies", methods=["POST"])
@blp.arguments(RallyCreateSchema)
@blp.response(201, RallySchema)
def create_rally(data):
    """A new draft rally: editors give one of their institutions, teachers one of their schools (`school_id`).

    `partnership_id` names a registered partnership of that owner as co-owner.
    """
    user = _editor()
    owner = _own_owner(user, data)
    data.pop("institution_id", None), data.pop("school_id", None)
    partnership = _partnership(data)
    rally = authoring.create_rally(owner, actor=user, partnership=partnership, **data)
    commit()
    return rally


@blp.route("/rallies/<int:rally_id>")
@blp.response(200, RallySchema)
def get_rally(rally_id):
    """The working copy with its stations and tasks (solutions included) for its editors and
    the office; teachers see the summary only, never unpublished edits or solutions."""
    user = current_api_user()
    rally = readable_rally(user, db.session.get(Rally, rally_id))
    if user.role == "teacher" and EDIT not in rally_permissions(user, rally):
        return jsonify(RallySummarySchema().dump(rally))
    return rally


@blp.route("/rallies/<int:rally_id>", methods=["PATCH"])
@blp.arguments(RallyWriteSchema)
@blp.response(200, RallySchema)
def update_rally(data, rally_id):
    """Change fields and settings of the working copy; classes keep playing the published version."""
    user, rally = _rally_to_edit(rally_id)
    if "partnership_id" in data:
        authoring.set_partnership(rally, _partnership(data), actor=user)
    authoring.update_rally(rally, actor=user, **data)
    commit()
    return rally


@blp.route("/rallies/<int:rally_id>", methods=["DELETE"])
@blp.response(204)
def delete_rally(rally_id):
    """Delete a rally no class has played (409 rally_in_use otherwise: unpublish it instead)."""
    user, rally = _rally_to_edit(rally_id)
    authoring.delete_rally(rally, actor=user)
    commit()


@blp.route("/rallies/<int:rally_id>/cover", methods=["POST"])
@blp.arguments(CoverSchema)
@blp.response(200, RallySchema)
def set_cover(data, rally_id):
    """Show an uploaded image as cover (alt required), or remove it with `media_id: null`."""
    user, rally = _rally_to_edit(rally_id)
    authoring.set_cover(rally, data["media_id"], data["alt"], actor=user)
    commit()
    return rally


@blp.route("/rallies/<int:rally_id>/site-plan", methods=["POST"])
@blp.arguments(CoverSchema)
@blp.response(200, RallySchema)
def set_site_plan(data, rally_id):
    """Show an uploaded image as the site plan (alt required), or remove it (and the stations' places) with `media_id: null`."""
    user, rally = _rally_to_edit(rally_id)
    authoring.set_site_plan(rally, data["media_id"], data["alt"], actor=user)
    commit()
    return rally


@blp.route("/rallies/<int:rally_id>/publish", methods=["POST"])
@blp.arguments(PublishSchema)
@blp.response(200, RallySchema)
def publish_rally(data, rally_id):
    """Freeze the working copy as a new version (the version number goes up by one)."""
    user, rally = _rally_to_edit(rally_id)
    publishing.publish(rally, actor=user, visibility=data["visibility"])
    commit()
    return rally


@blp.route("/rallies/<int:rally_id>/unpublish", methods=["POST"])
@blp.arguments(UnpublishSchema)
@blp.response(200, RallySchema)
def unpublish_rally(data, rally_id):
    """Withdraw a rally: its editors, or the programme office with a reason the editors see."""
    user = current_api_user()
    rally = db.session.get(Rally, rally_id)
    if user.role == "office":
        readable_rally(user, rally)
    else:
        user, rally = _rally_to_edit(rally_id)
    publishing.unpublish(rally, actor=user, reason=data["reason"])
    commit()
    return rally


@blp.route("/rallies/<int:rally_id>/copy", methods=["POST"])
@blp.arguments(CopySchema)
@blp.response(201, RallySchema)
def copy_rally(data, rally_id):
    """A new draft with the same content in one of the author's institutions or schools."""
    user, rally = _rally_to_edit(rally_id)
    target = _own_owner(user, data)
    clone = publishing.copy_rally(rally, target, actor=user)
    commit()
    return clone


@blp.route("/rallies/<int:rally_id>/changes")
@blp.response(200, ChangeGroupSchema(many=True))
def list_changes(rally_id):
    """Who changed what: unpublished changes first (version null), then each version's, newest first."""
    rally = readable_rally(current_api_user(), db.session.get(Rally, rally_id))
    return changes.change_list(rally)


@blp.route("/library")
@blp.arguments(LibraryQuerySchema, location="query")
@blp.response(200, LibraryItemSchema(many=True))
def browse_library(query):
    """Public rallies of every institution and school, by subject, age, place and text."""
    current_api_user()
    return [library.item(rally) for rally in library.browse(**query)]


@blp.route("/library/<int:library_rally_id>/copy", methods=["POST"])
@blp.arguments(CopySchema)
@blp.response(201, RallySchema)
def copy_from_library(data, library_rally_id):
    """Copy a public rally's published version into one of your institutions or schools, with attribution.

    409 `licence_forbids_copy` when its author keeps all rights.
    """
    user = _editor()
    rally = library.library_rally(db.session.get(Rally, library_rally_id))
    target = _own_owner(user, data)
    clone = publishing.copy_rally(rally, target, actor=user, library=True)
    commit()
    return clone


@blp.route("/rallies/<int:rally_id>/preview")
@blp.response(200, description="The client API bundle built from the working copy, as pupils would get it.")
def preview_rally(rally_id):
    """The working copy as a team's bundle (without solutions unless offline feedback is on)."""
    _, rally = _rally_to_edit(rally_id)
    return publishing.preview_bundle(rally)


@blp.route("/rallies/<int:rally_id>/versions")
@blp.response(200, VersionSchema(many=True))
def list_versions(rally_id):
    """Every published version, newest first; runs keep the version they started with."""
    rally = readable_rally(current_api_user(), db.session.get(Rally, rally_id))
    return publishing.versions(rally)


@blp.route("/rallies/<int:rally_id>/station-order", methods=["PUT"])
@blp.arguments(StationOrderSchema)
@blp.response(200, RallySchema)
def reorder_stations(data, rally_id):
    """Put the stations in this order; the list names every station exactly once."""
    user, rally = _rally_to_edit(rally_id)
    authoring.reorder_stations(rally, data["station_ids"], actor=user)
    commit()
    return rally


@blp.route("/stations/<int:station_id>/task-order", methods=["PUT"])
@blp.arguments(TaskOrderSchema)
@blp.response(200, StationSchema)
def reorder_tasks(data, station_id):
    """Put the station's tasks in this order; the list names every task exactly once."""
    user, station = _station_to_edit(station_id)
    authoring.reorder_tasks(station, data["task_ids"], actor=user)
    commit()
    return station


# --- Stations --------------------------------------------------------------------------

@blp.route("/rallies/<int:rally_id>/stations", methods=["POST"])
@blp.arguments(StationWriteSchema)
@blp.response(201, StationSchema)
def add_station(data, rally_id):
    """Append a station; QR stations get their unguessable code at once."""
    user, rally = _rally_to_edit(rally_id)
    station = authoring.add_station(rally, actor=user, **data)
    commit()
    return station


@blp.route("/stations/<int:station_id>")
@blp.response(200, StationSchema)
def get_station(station_id):
    return _station_to_edit(station_id)[1]


@blp.route("/stations/<int:station_id>", methods=["PATCH"])
@blp.arguments(StationWriteSchema)
@blp.response(200, StationSchema)
def update_station(data, station_id):
    user, station = _station_to_edit(station_id)
    authoring.update_station(station, actor=user, **data)
    commit()
    return station


@blp.route("/stations/<int:station_id>", methods=["DELETE"])
@blp.response(204)
def delete_station(station_id):
    """Remove a station; conditions waiting for it are removed too."""
    user, station = _station_to_edit(station_id)
    authoring.delete_station(station, actor=user)
    commit()


@blp.route("/stations/<int:station_id>/media", methods=["POST"])
@blp.arguments(AttachMediaSchema)
@blp.response(201, MediaLinkSchema)
def attach_station_media(data, station_id):
    """Show an uploaded file on the station; images need `alt`."""
    user, station = _station_to_edit(station_id)
    link = authoring.attach_station_media(station, data["media_id"], data["alt"], actor=user)
    commit()
    return link


@blp.route("/stations/<int:station_id>/media/<int:link_id>", methods=["DELETE"])
@blp.response(204)
def detach_station_media(station_id, link_id):
    user, station = _station_to_edit(station_id)
    authoring.detach_station_media(station, link_id, actor=user)
    commit()


# --- QR codes --------------------------------------------------------------------------

def _public_url() -> str:
    return current_app.config["PUBLIC_URL"]


@blp.route("/stations/<int:station_id>/qr.png")
@blp.response(200, content_type="image/png", description="The station's QR code as PNG.")
def station_qr_png(station_id):
    """The code holds `{PUBLIC_URL}/q/{token}` (422 not_a_qr_station for other stations)."""
    station = _station_to_edit(station_id)[1]
    return _download(qrcodes.station_png(_public_url(), station), "image/png")


@blp.route("/stations/<int:station_id>/qr.svg")
@blp.response(200, content_type="image/svg+xml", description="The station's QR code as SVG.")
def station_qr_svg(station_id):
    station = _station_to_edit(station_id)[1]
    return _download(qrcodes.station_svg(_public_url(), station), "image/svg+xml")


@blp.route("/stations/<int:station_id>/qr/regenerate", methods=["POST"])
@blp.response(200, StationSchema)
def regenerate_qr(station_id):
    """A new code: the old printed one stops working at once (reprint the sign)."""
    user, station = _station_to_edit(station_id)
    authoring.regenerate_qr_token(station, actor=user)
    commit()
    return station


@blp.route("/rallies/<int:rally_id>/qr-kit.pdf")
@blp.response(200, content_type="application/pdf", description="A4: overview sheet, then one page per QR station.")
def qr_kit(rally_id):
    _, rally = _rally_to_edit(rally_id)
    pdf = qrcodes.kit_pdf(_public_url(), rally, say=say)
    commit()
    return _download(pdf, "application/pdf", f"qr-kit-rally-{rally.id}.pdf")


# --- Tasks -----------------------------------------------------------------------------

@blp.route("/stations/<int:station_id>/tasks", methods=["POST"])
@blp.arguments(TaskWriteSchema)
@blp.response(201, TaskSchema)
def add_task(data, station_id):
    """Add a task of any type; its config is checked by the type (422 with `config.<path>` errors)."""
    user, station = _station_to_edit(station_id)
    task = authoring.add_task(station, actor=user, **data)
    commit()
    return task


@blp.route("/tasks/<int:task_id>")
@blp.response(200, TaskSchema)
def get_task(task_id):
    return _task_to_edit(task_id)[1]


@blp.route("/tasks/<int:task_id>", methods=["PATCH"])
@blp.arguments(TaskWriteSchema)
@blp.response(200, TaskSchema)
def update_task(data, task_id):
    user, task = _task_to_edit(task_id)
    authoring.update_task(task, actor=user, **data)
    commit()
    return task


@blp.route("/tasks/<int:task_id>", methods=["DELETE"])
@blp.response(204)
def delete_task(task_id):
    user, task = _task_to_edit(task_id)
    authoring.delete_task(task, actor=user)
    commit()


@blp.route("/tasks/<int:task_id>/media", methods=["POST"])
@blp.arguments(AttachMediaSchema)
@blp.response(201, MediaLinkSchema)
def attach_task_media(data, task_id):
    """Show an uploaded file with the task; images need `alt`."""
    user, task = _task_to_edit(task_id)
    link = authoring.attach_task_media(task, data["media_id"], data["alt"], actor=user)
    commit()
    return link


@blp.route("/tasks/<int:task_id>/media/<int:link_id>", methods=["DELETE"])
@blp.response(204)
def detach_task_media(task_id, link_id):
    user, task = _task_to_edit(task_id)
    authoring.detach_task_media(task, link_id, actor=user)
    commit()


# --- Media -----------------------------------------------------------------------------

@blp.route("/media", methods=["POST"])
@blp.arguments(MediaUploadFormSchema, location="form")
@blp.arguments(MediaFileSchema, location="files")
@blp.response(201, MediaAssetSchema)
def upload_media(form, files):
    """Upload an image, audio or video for one of your institutions or schools (413 too_large, 415 unsupported_media)."""
    user = _editor()
    owner = _own_owner(user, form)
    key = {"institution_id": owner.id} if isinstance(owner, Institution) else {"school_id": owner.id}
    asset = add_media(_file(files), storage=media_storage(), limits=media_limits(), **key)
    commit()
    return asset


@blp.route("/media/<int:media_id>")
@blp.response(200, MediaAssetSchema)
def get_media(media_id):
    user = _editor()
    asset = db.session.get(MediaAsset, media_id)
    if asset is None or not (asset.institution_ids & user.institution_ids if user.role == "editor"
                             else asset.school_ids & user.school_ids):
        raise NotFound(msg("Diese Mediendatei gibt es nicht."))
    return asset


# --- Exchange --------------------------------------------------------------------------

@blp.route("/rallies/<int:rally_id>/export.zip")
@blp.response(200, content_type="application/zip", description="rally.json (format_version 1) and media/<name>.")
def export_rally(rally_id):
    _, rally = _rally_to_edit(rally_id)
    return _download(exchange.export_rally(rally, storage=media_storage()), "application/zip",
                     exchange.archive_name(rally))


@blp.route("/rallies/import", methods=["POST"])
@blp.arguments(ImportFormSchema, location="form")
@blp.arguments(ImportFileSchema, location="files")
@blp.response(201, RallySchema)
def import_rally(form, files):
    """Recreate an exported rally as a new draft (new ids and QR codes); all or nothing.

    The archive's `rights` (licence, attribution, source) follow the library's copy rule: one's own
    rally comes back with its licence and attribution; into another owner only a CC licence lets it
    in (the copy records the original's owner, title and version), else 409 `licence_forbids_copy`.
    Archives without `rights` import under the default licence.
    """
    user = _editor()
    owner = _own_owner(user, form)
    rally = exchange.import_rally(_file(files), owner, actor=user, storage=media_storage(),
                                  limits=media_limits())
    commit()
    return rally
