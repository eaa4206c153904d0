"""The web player: a PWA at /play that speaks only the public client API `/api/v1`.

The pages here only hand out the app shell; everything a team does goes through the
client API from JavaScript (server/static/player/), so the web player is one more phone
app of the same contract. The service worker is served from `/sw.js` so that its scope
can cover `/play`, `/join/<code>` and `/q/<token>` alike.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache

from flask import Blueprint, Flask, current_app, jsonify, render_template, request, url_for

bp = Blueprint("player", __name__)

PLAYER_STATIC = "player"
# The player's own languages; its texts live in static/player/i18n/<code>.json, shared with
# the JavaScript, so the server-rendered shell and the app say the same words.
PLAYER_LANGUAGES = (("de", "Deutsch"), ("en", "English"), ("tr", "Türkçe"), ("uk", "Українська"), ("ar", "العربية"))
PLAYER_CODES = tuple(code for code, _ in PLAYER_LANGUAGES)
RTL_LANGUAGES = frozenset({"ar"})
LANG_COOKIE = "player_lang"  # set by the player (i18n.js) when a pupil chooses a language


@lru_cache(maxsize=None)
def _catalogue(folder: str, code: str) -> dict:
    with open(os.path.join(folder, PLAYER_STATIC, "i18n", f"{code}.json"), encoding="utf-8") as handle:
        return json.load(handle)


def player_language() -> tuple[str, bool]:
    """`?lang=`, else the phone's remembered choice (cookie), else the browser's language, else German.

    The second value says whether the pupil chose it (then the app keeps it over the browser's).
    """
    wanted = request.args.get("lang")
    if wanted in PLAYER_CODES:
        return wanted, True
    stored = request.cookies.get(LANG_COOKIE)
    if stored in PLAYER_CODES:
        return stored, True
    return request.accept_languages.best_match(PLAYER_CODES) or "de", False


def player_texts() -> dict:
    """The pupil's language for a server-rendered page of the player's family (the player, the
    workshop): its code, direction, whether it was chosen, and `pt(key)` from the player's catalogues."""
    code, chosen = player_language()
    folder = current_app.static_folder
    texts, fallback = _catalogue(folder, code), _catalogue(folder, "de")

    def pt(key: str) -> str:
        return texts.get(key) or fallback.get(key, key)

    return {"pt": pt, "player_lang": code, "player_dir": "rtl" if code in RTL_LANGUAGES else "ltr",
            "lang_chosen": chosen, "player_languages": PLAYER_LANGUAGES}


def player_page(*, join_code: str | None = None, qr_token: str | None = None, **extra) -> str:
    """The player's HTML shell in the pupil's language; `extra` for the studio's preview."""
    return render_template("player/play.html", join_code=join_code, qr_token=qr_token, **player_texts(), **extra)


def remember_language(response):
    """A `?lang=` choice is kept (cookie) for the next page; the page varies by it."""
    if request.args.get("lang") in PLAYER_CODES:
        response.set_cookie(LANG_COOKIE, request.args["lang"], max_age=365 * 24 * 3600, samesite="Lax")
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response


def _shell(join_code: str | None, qr_token: str | None):
    return remember_language(current_app.make_response(player_page(join_code=join_code, qr_token=qr_token)))


@bp.route("/play")
def play():
    return _shell(None, None)


@bp.route("/join", defaults={"code": None})
@bp.route("/join/", defaults={"code": None})
@bp.route("/join/<code>")
def join(code: str | None):
    """The join poster's QR code opens the player with the code filled in."""
    return _shell(code, None)


@bp.route("/q/<token>")
def scanned_station(token: str):
    """A phone camera that scans a station code lands here; the player records the scan."""
    return _shell(None, token)


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


SW_VERSION_LINE = 'const VERSION = "v2";'


def shell_version(static_folder: str) -> str:
    """A hash of the player's files: a new release changes the service worker, so phones fetch the
    new shell as one set instead of mixing old and new modules from the cache."""
    digest = hashlib.sha256()
    root = os.path.join(static_folder, PLAYER_STATIC)
    for folder, subfolders, files in sorted(os.walk(root)):
        subfolders.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            digest.update(os.path.relpath(path, root).encode())
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=4)
def _service_worker_source(static_folder: str) -> str:
    with open(os.path.join(static_folder, PLAYER_STATIC, "sw.js"), encoding="utf-8") as handle:
        source = handle.read()
    return source.replace(SW_VERSION_LINE, f'const VERSION = "{shell_version(static_folder)}";')


@bp.route("/sw.js")
def service_worker():
    """The service worker, from the site root so that its scope may be `/`; always revalidated."""
    source = _service_worker_source(current_app.static_folder)
    if current_app.debug:  # the development server reloads code, not this cache
        _service_worker_source.cache_clear()
    response = current_app.response_class(source, mimetype="text/javascript")
    response.add_etag()
    response.make_conditional(request)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


def init_player(app: Flask) -> None:
    app.register_blueprint(bp)
