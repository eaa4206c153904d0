"""GET /media/{name}: rally media by content-addressed name."""

from flask import Blueprint

bp = Blueprint("client_media", __name__)
