"""Management API: accounts."""

from flask_smorest import Blueprint

blp = Blueprint("manage_accounts", __name__, description="Accounts")
