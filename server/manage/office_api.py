"""Management API: the programme office's anonymous figures and the partnerships due.

Only the office calls these; they hold counts per region and institution kind, never an
answer, a team or anything else about pupils.
"""

from __future__ import annotations

from flask import Response
from client_api.openapi import EdgeBlueprint as Blueprint

from rallies import monitoring
from rallies.access import require_role
from server.manage.common import current_api_user, guard
from server.manage.schemas_runs import OfficeDueQuerySchema, OfficeDueSchema, FiguresCsvQuerySchema, FiguresSchema

blp = Blueprint("manage_office", __name__, description="Programme office: figures and partnerships due")
guard(blp)


def _office() -> None:
    require_role(current_api_user(), "office")


@blp.route("/office/figures", methods=["GET"])
@blp.response(200, FiguresSchema)
def figures():
    """Rallies published, runs held, teams and completion rate per region and institution kind."""
    _office()
    rows = monitoring.figures()
    return {"rows": rows, "totals": monitoring.totals(rows)}


@blp.route("/office/figures.csv", methods=["GET"])
@blp.arguments(FiguresCsvQuerySchema, location="query")
@blp.doc(responses={"200": {"description": "The figures as CSV, UTF-8 with BOM", "content": {"text/csv": {}}}})
def figures_csv(query):
    """The figures as CSV; `sep=;` for German spreadsheet programs."""
    _office()
    return Response(monitoring.figures_csv(monitoring.figures(), sep=query["sep"]), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="programme-figures.csv"',
                             "Cache-Control": "private, no-store"})


@blp.route("/office/due", methods=["GET"])
@blp.arguments(OfficeDueQuerySchema, location="query")
@blp.response(200, OfficeDueSchema)
def due(query):
    """Partnerships due for evaluation or renewal within `within_days` (default 90)."""
    _office()
    return {"items": monitoring.partnerships_due(within_days=query["within_days"])}
