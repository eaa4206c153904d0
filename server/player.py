"""The web player: a PWA at /play that speaks only the public client API."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

bp = Blueprint("player", __name__)


@bp.route("/play")
def play():
    return render_template("player/play.html", join_code=None, qr_token=None)


@bp.route("/join/<code>")
def join(code: str):
    """The join poster's QR code opens the player with the code filled in."""
    return render_template("player/play.html", join_code=code, qr_token=None)


@bp.route("/q/<token>")
def scanned_station(token: str):
    """A phone camera that scans a station code lands here; the player records the scan."""
    return render_template("player/play.html", join_code=None, qr_token=token)


def init_player(app: Flask) -> None:
    app.register_blueprint(bp)
