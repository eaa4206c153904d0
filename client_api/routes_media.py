"""GET /media/{name}: rally media by content-addressed name, cacheable for ever, with ranges.

Only names that rally media own are served (originals, phone renditions, thumbnails);
pupils' uploads and agreements live in the same storage but are never reachable here.
"""

from __future__ import annotations

from client_api.files import send_stored
from client_api.openapi import Blueprint
from media.storage import check_name
from rallies.errors import NotFound
from rallies.media_library import find_servable
from rallies.runtime import media_storage
from rallies.messages import msg

bp = blp = Blueprint("client_media", __name__, description="Rally media; never pupils' uploads.")

IMMUTABLE = "public, max-age=31536000, immutable"
TYPES_BY_EXTENSION = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def content_type_of(asset, name: str) -> str:
    """The original keeps its sniffed type; renditions are typed by their extension."""
    if name == asset.name:
        return asset.content_type
    return TYPES_BY_EXTENSION.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


@blp.route("/media/<name>")
@blp.response(200, description="The whole file.", content_type="application/octet-stream",
              headers={"ETag": {"schema": {"type": "string"}}, "Cache-Control": {"schema": {"type": "string"}}})
@blp.alt_response(206, description="The requested byte range (Range: bytes=a-b).",
                  content_type="application/octet-stream", success=True)
@blp.alt_response(304, description="Not modified.")
@blp.problems({404: "not_found", 416: "range_not_satisfiable"})
@blp.doc(parameters=[{"in": "header", "name": "Range", "required": False, "schema": {"type": "string"},
                      "description": "bytes=START-END"}])
def media(name: str):
    """Rally media by content-addressed name."""
    try:
        check_name(name)
    except ValueError:
        raise NotFound(msg("Diese Mediendatei gibt es nicht.")) from None
    asset = find_servable(name)
    storage = media_storage()
    if asset is None:
        raise NotFound(msg("Diese Mediendatei gibt es nicht."))
    return send_stored(storage, name, content_type_of(asset, name), cache_control=IMMUTABLE,
                       etag=name.split(".", 1)[0])
