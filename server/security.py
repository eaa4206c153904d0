"""Security headers on every response."""

from __future__ import annotations

from flask import Response, request

# Leaflet's tiles come from OpenStreetMap; everything else is served by us.
CSP = (
    "default-src 'self'; "
    "img-src 'self' data: blob: https://*.tile.openstreetmap.org; "
    "media-src 'self' blob:; "
    "style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; "
    "connect-src 'self'; "
    "worker-src 'self'; "
    "manifest-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    csp = CSP
    if request.path.startswith("/api/") and request.path.endswith("/docs"):
        csp = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")  # Swagger UI boots inline
    headers.setdefault("Content-Security-Policy", csp)
    headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=(self)")
    if request.path.startswith("/api/") and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response
