"""Client API routes of a team: bundle, scans, check-ins, uploads, answers, progress, finish."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from client_api.auth import TEAM_SECURITY, authenticate_team, current_team, policy
from client_api import metrics
from client_api.files import send_stored, upload_disposition
from client_api.openapi import Blueprint
from client_api.problems import say
from client_api.schemas import (
    AnswerBatchResultSchema, AnswerBatchSchema, BundleSchema, CheckinResultSchema, CheckinSchema,
    FinishResultSchema, FinishSchema, ProgressSchema, ScanResultSchema, ScanSchema, UploadFormSchema,
    UploadResultSchema,
)
from client_api import limits
from rallies import play, quotas
from rallies.db import db
from rallies.runtime import media_limits, media_storage, setting

blp = Blueprint("client_play", __name__, description="A team's game; needs the team token.")
blp.before_request(authenticate_team)

AUTH = {401: "unauthorized; token_expired"}
WRITE = {**AUTH, 429: "rate_limited: more than 120 writes a minute from this team"}
UPLOAD = {**AUTH, 429: "rate_limited: more than 120 writes or 30 uploads a minute from this team"}


@blp.route("/rallies/<int:id>/bundle")
@blp.response(200, BundleSchema, description="Everything needed to play offline; strong ETag.",
              headers={"ETag": {"description": "Strong validator of this bundle.", "schema": {"type": "string"}}})
@blp.alt_response(304, description="Not modified: the If-None-Match ETag is current; no body.")
@blp.problems({**AUTH, 404: "not_found: not the team's rally"})
@blp.doc(security=TEAM_SECURITY, parameters=[{
    "in": "header", "name": "If-None-Match", "required": False, "schema": {"type": "string"},
    "description": "The ETag of the bundle the phone has."}])
def bundle(id):  # noqa: A002 - the contract names the path parameter `id`
    """The team's rally version in its station order; solutions only with offline feedback."""
    team = current_team()
    body, etag = play.team_bundle(team, id, cache=current_app.extensions["client_bundles"])
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if request.if_none_match and (request.if_none_match.contains_weak(etag.strip('"'))
                                  or request.if_none_match.star_tag):
        return Response(status=304, headers=headers)
    return Response(body, status=200, headers=headers, mimetype="application/json")


@blp.route("/team/scans", methods=["POST"])
@blp.arguments(ScanSchema)
@blp.response(200, ScanResultSchema)
@blp.problems({**WRITE, 404: "unknown_code: no station of the team's rally has this code",
               409: "id_reused", 422: "invalid_request"}, retry_after=True)
@blp.doc(security=TEAM_SECURITY)
def scan(body):
    """A QR code read by the phone."""
    team = current_team()
    result = play.scan(team, client_id=body["id"], payload=body["payload"], scanned_at=body["scanned_at"])
    db.session.commit()
    return result


@blp.route("/team/checkins", methods=["POST"])
@blp.arguments(CheckinSchema)
@blp.response(200, CheckinResultSchema)
@blp.problems({**WRITE, 404: "not_found: no such station in the team's rally", 409: "id_reused",
               422: "invalid_request; not_a_location_station"}, retry_after=True)
@blp.doc(security=TEAM_SECURITY)
def checkin(body):
    """The phone's position at a location station."""
    team = current_team()
    result = play.checkin(team, client_id=body["id"], station_id=body["station_id"], lat=body["lat"],
                          lon=body["lon"], accuracy_m=body["accuracy_m"], at=body["at"])
    db.session.commit()
    return result


@blp.route("/team/uploads", methods=["POST"])
@blp.arguments(UploadFormSchema, location="form", content_type="multipart/form-data")
@blp.response(201, UploadResultSchema, description="Accepted.")
@blp.alt_response(200, schema=UploadResultSchema, description="Duplicate: the same id and file again.",
                  success=True)
@blp.problems({**UPLOAD, 404: "not_found: no such task in the team's rally",
               409: "station_locked; finished; id_reused", 413: "too_large; quota_exceeded: the run's uploads "
               "reached the operator's storage quota", 415: "unsupported_media",
               422: "invalid_request; wrong_task_type"}, retry_after=True)
@blp.doc(security=TEAM_SECURITY)
def upload(form):
    """A photo, audio or video for an answer, checked by content and stripped of metadata."""
    team = current_team()
    limits.hit_team_upload(team.token_hash)
    data = form["file"].read()
    quotas.check_upload_quota(team, client_id=form["id"], incoming_bytes=len(data),
                              run_quota=setting("RUN_UPLOAD_QUOTA_BYTES"),
                              free_play_quota=setting("FREE_PLAY_UPLOAD_QUOTA_BYTES"))
    result, created = play.upload(team, client_id=form["id"], task_id=form["task_id"], data=data,
                                  storage=media_storage(), limits=media_limits())
    db.session.commit()
    metrics.observe_upload("accepted" if created else "duplicate", len(data))
    return result, 201 if created else 200


@blp.route("/team/uploads/<media_id>")
@blp.response(200, description="The stored file, metadata stripped.",
              content_type="application/octet-stream")
@blp.problems({**AUTH, 404: "not_found: no upload of this team has this id"})
@blp.doc(security=TEAM_SECURITY)
def team_upload(media_id):
    """The team's own stored upload."""
    team = current_team()
    row = play.team_upload(team, media_id)
    return send_stored(media_storage(), row.storage_name, row.content_type, cache_control="private, no-store",
                       extra_headers=upload_disposition(row.content_type))


@blp.route("/team/answers", methods=["POST"])
@blp.arguments(AnswerBatchSchema)
@blp.response(200, AnswerBatchResultSchema)
@blp.problems({**WRITE, 422: "invalid_request: not 1 to 100 answers"}, retry_after=True)
@blp.doc(security=TEAM_SECURITY)
def answers(body):
    """A batch of answers, each validated, checked and scored on its own, in order."""
    team = current_team()
    result = play.submit_answers(team, body["answers"], policy=policy())
    db.session.commit()
    metrics.observe_answers(result["results"])
    # The service already returns the documented shape (the schemathesis test checks it);
    # skipping the schema's second pass keeps the hottest route cheap. A rejected answer's
    # `error.message` is a Msg, said here in the request's language; the progress carries
    # none, so it is not walked (it was an eighth of the route's CPU).
    return jsonify({**result, "results": say(result["results"])})


@blp.route("/team/progress")
@blp.response(200, ProgressSchema)
@blp.problems(AUTH)
@blp.doc(security=TEAM_SECURITY)
def progress():
    """Score and station states."""
    return play.progress(current_team())


@blp.route("/team/finish", methods=["POST"])
@blp.arguments(FinishSchema, required=False)
@blp.response(200, FinishResultSchema)
@blp.problems({**WRITE, 422: "invalid_request"}, retry_after=True)
@blp.doc(security=TEAM_SECURITY)
def finish(body):
    """End the team's game; finishing again answers the same finished_at."""
    team = current_team()
    result = play.finish(team)
    db.session.commit()
    return result
