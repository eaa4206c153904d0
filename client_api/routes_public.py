"""Client API routes: public."""

from flask_smorest import Blueprint

blp = Blueprint("client_public", __name__, description="public")
