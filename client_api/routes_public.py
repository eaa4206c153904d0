"""Client API routes without a team: discovery, join, problem descriptions."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request

from client_api import limits
from client_api.auth import policy
from client_api.openapi import Blueprint
from client_api.problems import DESCRIPTIONS, say, title_for
from client_api.schemas import (
    DiscoveryPageSchema, DiscoveryQuerySchema, JoinResultSchema, JoinSchema, ProblemTypeSchema,
)
from rallies import play
from rallies.db import db
from rallies.errors import Invalid, NotFound
from rallies.messages import msg

blp = Blueprint("client_public", __name__, description="Discovery and joining; no token needed.")


def _near(text: str) -> tuple[float, float]:
    try:
        lat_text, lon_text = text.split(",")
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise Invalid("near must be LAT,LON.", errors={"near": [msg("BREITE,LÄNGE in Dezimalgrad.")]}) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid("near is out of range.", errors={"near": ["lat -90..90, lon -180..180."]})
    return lat, lon


@blp.route("/rallies")
@blp.arguments(DiscoveryQuerySchema, location="query")
@blp.response(200, DiscoveryPageSchema)
@blp.problems({422: "invalid_request"})
def discover(args):
    """Public, published rallies; with `near` nearest first within `radius_km` (default 50)."""
    near = _near(args["near"]) if args.get("near") else None
    items, more = play.discover(near=near, radius_km=args["radius_km"], q=args.get("q"), page=args["page"])
    next_path = None
    if more:
        query = {key: value for key, value in request.args.items() if key != "page"}
        query["page"] = args["page"] + 1
        next_path = f"{request.path}?{urlencode(query)}"
    return {"items": items, "next": next_path}


@blp.route("/join", methods=["POST"])
@blp.arguments(JoinSchema)
@blp.response(201, JoinResultSchema)
@blp.problems({
    404: "unknown_code: no class run or public rally has this code",
    409: "team_name_taken; run_not_open (with starts_at and ends_at)",
    422: "invalid_request; team_name_refused",
    429: "rate_limited: too many unknown codes from this address, or too many joins",
}, retry_after=True)
def join(body):
    """Join a class run or a public rally's free play as a new team."""
    try:
        team, token = play.join(body["code"], body["team_name"], policy=policy(), admit=limits.hit_join)
    except NotFound:
        db.session.rollback()
        limits.hit_failed_join()
        raise
    result = play.joined(team, token)
    db.session.commit()
    return result


@blp.route("/problems/<code>")
@blp.response(200, ProblemTypeSchema)
@blp.problems({404: "not_found"})
def problem_type(code):
    """What a problem `type` means, for people."""
    if code not in DESCRIPTIONS:
        raise NotFound(msg("Diesen Problemtyp gibt es nicht."))
    status, description = DESCRIPTIONS[code]
    return {"code": code, "status": status, "title": title_for(status), "description": say(description)}
