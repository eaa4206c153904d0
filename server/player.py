"""The web player: a PWA at /play that speaks only the public client API `/api/v1`.

The pages here only hand out the app shell; everything a team does goes through the
client API from JavaScript (server/static/player/), so the web player is one more phone
app of the same contract. The service worker is served from `/sw.js` so that its scope
can cover `/play`, `/join/<code>` and `/q/<token>` alike.
"""

from __future__ import annotations

import os

from flask import Blueprint, Flask, current_app, jsonify, render_template, send_from_directory, url_for

bp = Blueprint("player", __name__)

PLAYER_STATIC = "player"


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


@bp.route("/play/manifest.webmanifest")
def manifest():
    """The web app manifest, so a team can put the player on the home screen."""
    icon = lambda size: {"src": url_for("static", filename=f"player/icon-{size}.png"),  # noqa: E731
                         "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any maskable"}
    response = jsonify({
        "name": "Kulturrallye",
        "short_name": "Rallye",
        "description": "Rallyes und Quizze spielen – auch ohne Netz.",
        "lang": "de",
        "start_url": url_for("player.play"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f5f2",
        "theme_color": "#14213d",
        "icons": [icon(192), icon(512)],
    })
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/sw.js")
def service_worker():
    """The service worker, from the site root so that its scope may be `/`; always revalidated."""
    folder = os.path.join(current_app.static_folder, PLAYER_STATIC)
    response = send_from_directory(folder, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


def init_player(app: Flask) -> None:
    app.register_blueprint(bp)
