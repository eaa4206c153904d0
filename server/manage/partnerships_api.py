"""Management API: partnerships, their agreement PDF, the programme's rules and their lifecycle.

The office sees and registers all partnerships; a school's teachers and a member
institution's editors see theirs, may fill in a draft and submit it.
"""

from __future__ import annotations

from flask import Response
from client_api.openapi import EdgeBlueprint as Blueprint

from rallies import partnerships
from rallies.access import require_role, visible_partnership
from rallies.errors import NotFound
from rallies.runtime import media_storage, setting
from server.manage.common import commit, current_api_user, guard
from server.manage.schemas_directory import (
    AgreementUploadSchema, DueItemSchema, DueQuerySchema, PartnershipCreateSchema,
    PartnershipDetailSchema, PartnershipQuerySchema, PartnershipSchema, PartnershipUpdateSchema,
    RuleCheckSchema, TransitionSchema,
)
from rallies.messages import msg

blp = Blueprint("manage_partnerships", __name__, description="Partnerships between schools and institutions")
guard(blp)


def _visible(user, partnership_id: int):
    return visible_partnership(user, partnerships.get_partnership(partnership_id))


@blp.route("/partnerships")
@blp.arguments(PartnershipQuerySchema, location="query")
@blp.response(200, PartnershipSchema(many=True))
def list_partnerships(query):
    """The partnerships the caller may see, optionally by status, school or institution."""
    return partnerships.list_partnerships(current_api_user(), **query)


@blp.route("/partnerships", methods=["POST"])
@blp.arguments(PartnershipCreateSchema)
@blp.response(201, PartnershipDetailSchema)
def create_partnership(data):
    """Start a draft partnership between a school and one or more institutions (office only)."""
    actor = current_api_user()
    require_role(actor, "office")
    partnership = partnerships.create_partnership(actor=actor, **data)
    commit()
    return partnership


@blp.route("/partnerships/due")
@blp.arguments(DueQuerySchema, location="query")
@blp.response(200, DueItemSchema(many=True))
def due(query):
    """Partnerships whose evaluation or renewal is due within `within_days` (office only)."""
    require_role(current_api_user(), "office")
    return partnerships.due_list(within_days=query["within_days"])


@blp.route("/partnerships/<int:partnership_id>")
@blp.response(200, PartnershipDetailSchema)
def get_partnership(partnership_id):
    return _visible(current_api_user(), partnership_id)


@blp.route("/partnerships/<int:partnership_id>", methods=["PATCH"])
@blp.arguments(PartnershipUpdateSchema)
@blp.response(200, PartnershipDetailSchema)
def update_partnership(data, partnership_id):
    """Change a draft's terms; its parties may too, but only the office changes `members`."""
    actor = current_api_user()
    partnership = partnerships.update_partnership(_visible(actor, partnership_id), actor=actor, **data)
    commit()
    return partnership


@blp.route("/partnerships/<int:partnership_id>/agreement", methods=["PUT"])
@blp.arguments(AgreementUploadSchema, location="files")
@blp.response(200, PartnershipDetailSchema)
def upload_agreement(files, partnership_id):
    """Store the signed agreement of a draft (multipart field `file`); it must be a PDF by content."""
    actor = current_api_user()
    partnership = _visible(actor, partnership_id)
    limit = setting("MAX_AGREEMENT_BYTES")
    data = files["file"].stream.read(limit + 1)  # one byte more tells "too large" without reading it all
    partnerships.attach_agreement(partnership, data, storage=media_storage(), max_bytes=limit, actor=actor)
    commit()
    return partnership


@blp.route("/partnerships/<int:partnership_id>/agreement")
@blp.response(200, content_type="application/pdf", description="The signed agreement (PDF).")
def download_agreement(partnership_id):
    """The agreement PDF, for the office and the partnership's own parties."""
    partnership = _visible(current_api_user(), partnership_id)
    if not partnership.agreement_name:
        raise NotFound(msg("Für diese Partnerschaft ist keine Vereinbarung gespeichert."), code="no_agreement")
    return Response(
        media_storage().get(partnership.agreement_name), mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="partnership-{partnership.id}-agreement.pdf"',
                 "Cache-Control": "private, no-store"},
    )


@blp.route("/partnerships/<int:partnership_id>/check")
@blp.response(200, RuleCheckSchema)
def check(partnership_id):
    """Every programme rule with whether it holds and why not: all failures at once."""
    results = partnerships.check_rules(_visible(current_api_user(), partnership_id))
    return {"ok": all(r.ok for r in results), "rules": results}


@blp.route("/partnerships/<int:partnership_id>/transitions", methods=["POST"])
@blp.arguments(TransitionSchema)
@blp.response(200, PartnershipDetailSchema)
@blp.alt_response(409, description="The step is not allowed from the current status (`illegal_transition`).")
@blp.alt_response(422, description="Invalid fields, or rules not met (`rule_violation` with `reasons`).")
def transition(data, partnership_id):
    """Take a lifecycle step: submit (parties or office); register, return_to_draft,
    mark_evaluation_due, renew, end (office)."""
    actor = current_api_user()
    partnership = _visible(actor, partnership_id)
    action = data.pop("action")
    partnerships.transition(partnership, action, actor=actor, **data)
    commit()
    return partnership
