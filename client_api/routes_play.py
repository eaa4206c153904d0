"""Client API routes: play."""

from flask_smorest import Blueprint

blp = Blueprint("client_play", __name__, description="play")
