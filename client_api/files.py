"""Sending a stored file with the HTTP a phone or browser player expects: ETag, ranges, streaming."""

from __future__ import annotations

from flask import Response, request
from werkzeug.wsgi import wrap_file

from client_api.problems import problem
from rallies.errors import NotFound
from rallies.messages import msg


def send_stored(storage, name: str, mimetype: str, *, cache_control: str, etag: str | None = None,
                extra_headers: dict | None = None) -> Response:
    """The whole file (streamed), a single byte range (206), or 416; 304 when the ETag matches.

    Audio and video players seek with ranges, so every stored file is served this way.
    """
    try:
        size = storage.size(name)
    except FileNotFoundError:
        raise NotFound(msg("Diese Datei gibt es nicht.")) from None
    headers = {"Cache-Control": cache_control, "Accept-Ranges": "bytes", **(extra_headers or {})}
    if etag is not None:
        headers["ETag"] = f'"{etag}"'
        if request.if_none_match and (request.if_none_match.contains_weak(etag) or request.if_none_match.star_tag):
            return Response(status=304, headers=headers)
    byte_range = request.range if request.headers.get("Range") else None
    if byte_range is not None and request.headers.get("If-Range") and request.if_range.etag != etag:
        byte_range = None  # the client's partial copy is of other bytes: send the whole file
    if byte_range is not None and len(byte_range.ranges) == 1:
        span = byte_range.range_for_length(size)
        if span is None:
            return problem(416, "range_not_satisfiable", f"The file has {size} bytes.",
                           headers={**headers, "Content-Range": f"bytes */{size}"})
        start, stop = span
        data = storage.read_range(name, start, stop - 1)
        return Response(data, status=206, mimetype=mimetype, headers={
            **headers, "Content-Range": f"bytes {start}-{stop - 1}/{size}", "Content-Length": str(len(data))})
    response = Response(wrap_file(request.environ, storage.open(name)), mimetype=mimetype, headers=headers,
                        direct_passthrough=True)
    response.content_length = size
    return response


def upload_disposition(content_type: str) -> dict:
    """Pupils' images show inline; audio and video are downloads when opened as a page, so a
    file a browser might sniff as something else never renders on our origin (an <audio> or
    <video> element still plays them)."""
    inline = content_type.startswith("image/")
    return {"Content-Disposition": "inline" if inline else "attachment", "X-Content-Type-Options": "nosniff"}
