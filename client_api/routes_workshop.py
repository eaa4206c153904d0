"""The creative workshop's team endpoints: join with the code, then edit only the team's own draft."""

from __future__ import annotations

from flask import current_app, request

from client_api import limits
from client_api.files import send_stored
from client_api.openapi import Blueprint
from client_api.schemas_workshop import (
    WorkshopDraftSchema, WorkshopJoinResultSchema, WorkshopJoinSchema, WorkshopMediaFormSchema,
    WorkshopMediaSchema, WorkshopStationSchema, WorkshopStationWriteSchema, WorkshopTaskSchema,
    WorkshopTaskWriteSchema,
)
from rallies import workshops
from rallies.db import db
from rallies.runtime import media_limits, media_storage

blp = Blueprint("client_workshop", __name__, description="The pupils' creative workshop (team token of "
                                                          "POST /workshop/join; a team reads only its own draft).")

SECURITY = [{"workshopToken": []}]
AUTH = {401: "unauthorized; token_expired (the workshop is over: the draft is read-only)"}


@blp.before_request
def authenticate():
    """Every route but joining needs the team's workshop token; writes only within the window."""
    if request.endpoint and request.endpoint.endswith(".join_workshop"):
        return
    writing = request.method not in ("GET", "HEAD", "OPTIONS")
    team = workshops.team_for_token(request.headers.get("Authorization"), for_write=writing)
    request.workshop_team = team
    if writing:
        limits.hit_team_write(team.token_hash)


def _team():
    return request.workshop_team


@blp.route("/workshop/join", methods=["POST"])
@blp.arguments(WorkshopJoinSchema)
@blp.response(201, WorkshopJoinResultSchema)
@blp.problems({404: "unknown_code", 409: "team_name_taken; workshop_not_started; workshop_ended",
               422: "invalid_request; team_name_refused", 429: "rate_limited"}, retry_after=True)
def join_workshop(body):
    """Join a creative workshop as a new team with the code the teacher shows."""
    limits.hit_join()
    blocklist = tuple(word.casefold() for word in current_app.config.get("TEAM_NAME_BLOCKLIST") or ())
    team, token = workshops.join(body["code"], body["team_name"], blocklist=blocklist)
    db.session.commit()
    view = workshops.draft(team)
    return {"team": view["team"], "token": token, "workshop": view["workshop"]}


@blp.route("/workshop/draft")
@blp.response(200, WorkshopDraftSchema)
@blp.problems(AUTH)
@blp.doc(security=SECURITY)
def get_draft():
    """The team's own draft with the teacher's comments."""
    return workshops.draft(_team())


@blp.route("/workshop/stations", methods=["POST"])
@blp.arguments(WorkshopStationWriteSchema)
@blp.response(201, WorkshopStationSchema)
@blp.problems({**AUTH, 409: "too_many", 422: "invalid_request", 429: "rate_limited"}, retry_after=True)
@blp.doc(security=SECURITY)
def add_station(body):
    station = workshops.add_station(_team(), title=body.get("title"), body=body.get("body", ""))
    db.session.commit()
    return workshops.station_view(station)


@blp.route("/workshop/stations/<int:station_id>", methods=["PATCH"])
@blp.arguments(WorkshopStationWriteSchema)
@blp.response(200, WorkshopStationSchema)
@blp.problems({**AUTH, 404: "not_found: not a station of this team", 422: "invalid_request"})
@blp.doc(security=SECURITY)
def update_station(body, station_id):
    station = workshops.update_station(workshops.team_station(_team(), station_id), **body)
    db.session.commit()
    return workshops.station_view(station)


@blp.route("/workshop/stations/<int:station_id>", methods=["DELETE"])
@blp.response(204)
@blp.problems({**AUTH, 404: "not_found: not a station of this team"})
@blp.doc(security=SECURITY)
def delete_station(station_id):
    workshops.delete_station(workshops.team_station(_team(), station_id), storage=media_storage())
    db.session.commit()


@blp.route("/workshop/stations/<int:station_id>/tasks", methods=["POST"])
@blp.arguments(WorkshopTaskWriteSchema)
@blp.response(201, WorkshopTaskSchema)
@blp.problems({**AUTH, 404: "not_found", 409: "too_many", 422: "invalid_request"})
@blp.doc(security=SECURITY)
def add_task(body, station_id):
    """A single-choice, text, photo or hotspot task; its config is checked by the task type.

    A hotspot task names one of the station's photos (`image_id`) and the circles or polygons that
    count as right; copied into a rally, the photo becomes the task's picture.
    """
    task = workshops.add_task(workshops.team_station(_team(), station_id), **body)
    db.session.commit()
    return workshops.task_view(task)


@blp.route("/workshop/tasks/<int:task_id>", methods=["DELETE"])
@blp.response(204)
@blp.problems({**AUTH, 404: "not_found: not a task of this team"})
@blp.doc(security=SECURITY)
def delete_task(task_id):
    workshops.delete_task(workshops.team_task(_team(), task_id))
    db.session.commit()


@blp.route("/workshop/stations/<int:station_id>/media", methods=["POST"])
@blp.arguments(WorkshopMediaFormSchema, location="form", content_type="multipart/form-data")
@blp.response(201, WorkshopMediaSchema)
@blp.problems({**AUTH, 404: "not_found", 409: "too_many", 413: "too_large", 415: "unsupported_media",
               422: "invalid_request; alt_required"})
@blp.doc(security=SECURITY)
def add_media(form, station_id):
    """A photo taken in the browser or a recording; checked by content, metadata (EXIF, GPS) removed."""
    station = workshops.team_station(_team(), station_id)
    item = workshops.add_media(station, form["file"].read(), alt=form.get("alt", ""), storage=media_storage(),
                               limits=media_limits())
    db.session.commit()
    return next(m for m in workshops.station_view(station)["media"] if m["id"] == item.id)


@blp.route("/workshop/media/<media_id>")
@blp.response(200, description="The team's own file, metadata removed.", content_type="application/octet-stream")
@blp.problems({**AUTH, 404: "not_found: no file of this team has this id"})
@blp.doc(security=SECURITY)
def get_media(media_id):
    item = workshops.team_media(_team(), media_id)
    return send_stored(media_storage(), item.storage_name, item.content_type, cache_control="private, no-store")
