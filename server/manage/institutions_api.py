"""Management API: the directory of institutions and schools.

The office registers and edits both. Editors see their own institutions; teachers see
every institution's name and kind (public programme information) and their own schools.
"""

from __future__ import annotations

from flask import jsonify

from client_api.openapi import EdgeBlueprint as Blueprint

from rallies import directory
from rallies.access import require_role, visible_institution, visible_school
from server.manage.common import commit, current_api_user, guard
from server.manage.schemas_directory import (
    INSTITUTION_PUBLIC_FIELDS, InstitutionCreateSchema, InstitutionKindSchema, InstitutionSchema,
    InstitutionUpdateSchema, SchoolCreateSchema, SchoolSchema, SchoolUpdateSchema,
)

blp = Blueprint("manage_institutions", __name__, description="Institutions and schools")
guard(blp)

_PUBLIC_NOTE = ("Teachers see other institutions with only " + ", ".join(INSTITUTION_PUBLIC_FIELDS) + ".")


def _institutions_for(user, institutions, *, many: bool):
    """The office and an institution's own editors see it whole; teachers see its public fields."""
    if user.role == "teacher":
        schema = InstitutionSchema(many=many, only=INSTITUTION_PUBLIC_FIELDS)
        return jsonify(schema.dump(institutions))
    return institutions


@blp.route("/institution-kinds")
@blp.response(200, InstitutionKindSchema(many=True))
def institution_kinds():
    """The kinds of institution the programme admits, with labels; kindergartens and day care are not admitted."""
    return directory.admitted_kinds()


@blp.route("/institutions")
@blp.response(200, InstitutionSchema(many=True), description=_PUBLIC_NOTE)
def list_institutions():
    """The institutions the caller may see: office and teachers all, editors their own."""
    user = current_api_user()
    return _institutions_for(user, directory.list_institutions(user), many=True)


@blp.route("/institutions", methods=["POST"])
@blp.arguments(InstitutionCreateSchema)
@blp.response(201, InstitutionSchema)
def create_institution(data):
    """Register an institution of an admitted kind (office only)."""
    actor = current_api_user()
    require_role(actor, "office")
    institution = directory.create_institution(actor=actor, **data)
    commit()
    return institution


@blp.route("/institutions/<int:institution_id>")
@blp.response(200, InstitutionSchema, description=_PUBLIC_NOTE)
def get_institution(institution_id):
    user = current_api_user()
    institution = visible_institution(user, directory.get_institution(institution_id))
    return _institutions_for(user, institution, many=False)


@blp.route("/institutions/<int:institution_id>", methods=["PATCH"])
@blp.arguments(InstitutionUpdateSchema)
@blp.response(200, InstitutionSchema)
def update_institution(data, institution_id):
    """Change an institution (office only); the kind must stay an admitted one."""
    actor = current_api_user()
    institution = visible_institution(actor, directory.get_institution(institution_id))
    require_role(actor, "office")
    institution = directory.update_institution(institution, actor=actor, **data)
    commit()
    return institution


@blp.route("/schools")
@blp.response(200, SchoolSchema(many=True))
def list_schools():
    """The schools the caller may see: the office all, teachers their own."""
    return directory.list_schools(current_api_user())


@blp.route("/schools", methods=["POST"])
@blp.arguments(SchoolCreateSchema)
@blp.response(201, SchoolSchema)
def create_school(data):
    """Register a school (office only)."""
    actor = current_api_user()
    require_role(actor, "office")
    school = directory.create_school(actor=actor, **data)
    commit()
    return school


@blp.route("/schools/<int:school_id>")
@blp.response(200, SchoolSchema)
def get_school(school_id):
    return visible_school(current_api_user(), directory.get_school(school_id))


@blp.route("/schools/<int:school_id>", methods=["PATCH"])
@blp.arguments(SchoolUpdateSchema)
@blp.response(200, SchoolSchema)
def update_school(data, school_id):
    """Change a school (office only)."""
    actor = current_api_user()
    school = visible_school(actor, directory.get_school(school_id))
    require_role(actor, "office")
    school = directory.update_school(school, actor=actor, **data)
    commit()
    return school
