"""Schemas of the management API for accounts, institutions, schools and partnerships.

Input schemas check types and shapes (422 with field errors); the programme's rules
themselves live in `rallies/` so that pages, the CLI and the API all apply them alike.
Dates travel as ISO strings (`2025-08-01`), timestamps as ISO date-times in UTC.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, Schema, fields, pre_dump, validate

from rallies.models import ROLES, STATUSES
from rallies.partnerships import TRANSITIONS
from server.manage.common import Said


_email = validate.Email()


def _email_or_empty(value: str) -> None:
    """Contacts may still be blank in a draft, but a given address must look like one."""
    if value:
        _email(value)


def Name(**kw) -> fields.String:  # noqa: N802 - reads like a field class
    """A required-looking name: not empty, at most 200 characters."""
    return fields.String(validate=validate.Length(min=1, max=200), **kw)


def Text(max_length: int, **kw) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.Length(max=max_length), **kw)


# --- Accounts ---------------------------------------------------------------------------

class MembershipSchema(Schema):
    """An institution or school someone belongs to."""

    id = fields.Integer()
    name = fields.String()


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.String()
    display_name = fields.String()
    role = fields.String(metadata={"enum": list(ROLES)})
    active = fields.Boolean()
    locale = fields.String()
    institutions = fields.List(fields.Nested(MembershipSchema))
    schools = fields.List(fields.Nested(MembershipSchema))
    created_at = fields.DateTime()
    invitation_pending = fields.Function(lambda user: not user.has_password,
                                         metadata={"description": "True until the invitee has set a password."})


class QuerySchema(Schema):
    """Query strings ignore parameters they do not know (cache busters and the like)."""

    class Meta:
        unknown = EXCLUDE


class UserQuerySchema(QuerySchema):
    role = fields.String(validate=validate.OneOf(ROLES))


class UserCreateSchema(Schema):
    """An invitation: the invitee sets the password through the mailed link; nobody else ever sets one."""

    email = fields.Email(required=True, validate=validate.Length(max=254))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    display_name = Text(120, load_default="")
    locale = fields.String(load_default="de", validate=validate.OneOf(("de", "en")),
                           metadata={"description": "Language of the invitation mail and the pages."})
    institution_ids = fields.List(fields.Integer(), load_default=list)
    school_ids = fields.List(fields.Integer(), load_default=list)


class UserInvitedSchema(UserSchema):
    """The invited account, and whether the invitation mail went out (if not, resend it)."""

    invitation_mailed = fields.Boolean()

    @pre_dump
    def _with_mail_status(self, invited: dict, **kwargs):
        user = invited["user"]
        return SimpleNamespace(**{name: getattr(user, name) for name in
                                  ("id", "email", "display_name", "role", "active", "locale", "institutions",
                                   "schools", "created_at", "has_password")},
                               invitation_mailed=invited["mailed"])


class AuditEventSchema(Schema):
    """One change to an account, its role or memberships: who, what, when."""

    id = fields.Integer()
    at = fields.DateTime()
    action = fields.String()
    actor_id = fields.Integer(allow_none=True)
    actor_email = fields.String()
    subject_id = fields.Integer(allow_none=True)
    subject_email = fields.String()
    details = fields.Dict()


class AuditQuerySchema(QuerySchema):
    before_id = fields.Integer(validate=validate.Range(min=1, max=2**62))
    subject_id = fields.Integer(validate=validate.Range(min=1, max=2**62))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class UserUpdateSchema(Schema):
    display_name = Text(120)
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()
    locale = fields.String(validate=validate.OneOf(("de", "en")))
    institution_ids = fields.List(fields.Integer())
    school_ids = fields.List(fields.Integer())


class ApiTokenSchema(Schema):
    """A personal token as listed: never its secret."""

    id = fields.Integer()
    name = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    active = fields.Function(lambda token: token.revoked_at is None)


class ApiTokenCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))


class ApiTokenCreatedSchema(ApiTokenSchema):
    """The new token with its secret, which is shown this once and never again."""

    secret = fields.String()

    @pre_dump
    def _with_secret(self, issued: dict, **kwargs):
        """Dumps `{"token": ApiToken, "secret": str}`: the token's fields and its secret side by side."""
        token = issued["token"]
        return SimpleNamespace(**{name: getattr(token, name) for name in
                                  ("id", "name", "created_at", "last_used_at", "revoked_at")},
                               secret=issued["secret"])


# --- Institutions and schools -----------------------------------------------------------

class InstitutionKindSchema(Schema):
    kind = fields.String()
    label = fields.String()


class InstitutionSchema(Schema):
    """An institution as the office and its own editors see it."""

    id = fields.Integer(dump_only=True)
    name = fields.String()
    kind = fields.String()
    kind_label = Said()
    municipal = fields.Boolean()
    address = fields.String()
    region = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    created_at = fields.DateTime()


# Teachers see other institutions as public programme information: who and what, not more.
INSTITUTION_PUBLIC_FIELDS = ("id", "name", "kind", "kind_label", "municipal", "region")


class InstitutionCreateSchema(Schema):
    name = Name(required=True)
    # Not an enum here: the service refuses kindergartens with its reason (`kind_not_admitted`).
    kind = fields.String(required=True, metadata={"description": "One of GET /institution-kinds."})
    municipal = fields.Boolean(load_default=True)
    address = Text(300, load_default="")
    region = Text(120, load_default="")
    lat = fields.Float(allow_none=True, load_default=None)
    lon = fields.Float(allow_none=True, load_default=None)


class InstitutionUpdateSchema(Schema):
    name = Name()
    kind = fields.String()
    municipal = fields.Boolean()
    address = Text(300)
    region = Text(120)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class SchoolSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String()
    address = fields.String()
    region = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    created_at = fields.DateTime()


class SchoolCreateSchema(Schema):
    name = Name(required=True)
    address = Text(300, load_default="")
    region = Text(120, load_default="")
    lat = fields.Float(allow_none=True, load_default=None)
    lon = fields.Float(allow_none=True, load_default=None)


class SchoolUpdateSchema(Schema):
    name = Name()
    address = Text(300)
    region = Text(120)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


# --- Partnerships -----------------------------------------------------------------------

class PartnershipMemberSchema(Schema):
    institution_id = fields.Integer(required=True)
    institution_name = fields.Function(lambda m: m.institution.name, dump_only=True)
    institution_kind = fields.Function(lambda m: m.institution.kind, dump_only=True)
    municipal = fields.Function(lambda m: m.institution.municipal, dump_only=True)
    contact_name = Text(120, load_default="")
    contact_email = fields.String(load_default="", validate=[validate.Length(max=254), _email_or_empty])


class PartnershipEventSchema(Schema):
    from_status = fields.String()
    to_status = fields.String()
    actor_id = fields.Integer(allow_none=True)
    note = fields.String()
    at = fields.DateTime()


class AgreementSchema(Schema):
    """Whether the signed PDF is stored; fetch it from GET .../agreement."""

    present = fields.Function(lambda p: bool(p.agreement_name))
    sha256 = fields.String(attribute="agreement_sha256", allow_none=True)


class PartnershipSchema(Schema):
    id = fields.Integer()
    school = fields.Nested(MembershipSchema)
    title = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    evaluation_interval_years = fields.Integer()
    open_to_all_pupils = fields.Boolean()
    programme_named = fields.Boolean()
    signed_by_both = fields.Boolean()
    agreement = fields.Function(lambda p: AgreementSchema().dump(p),
                                metadata={"type": "object", "properties": {
                                    "present": {"type": "boolean"}, "sha256": {"type": "string"}}})
    school_contact_name = fields.String()
    school_contact_email = fields.String()
    members = fields.List(fields.Nested(PartnershipMemberSchema))
    registered_on = fields.Date(allow_none=True)
    last_evaluated_on = fields.Date(allow_none=True)
    next_evaluation_on = fields.Date(allow_none=True)
    renewed_on = fields.Date(allow_none=True)
    notice_given_on = fields.Date(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    end_reason = fields.String()
    created_at = fields.DateTime()


class PartnershipDetailSchema(PartnershipSchema):
    """One partnership with its history of lifecycle steps."""

    events = fields.List(fields.Nested(PartnershipEventSchema))


class PartnershipQuerySchema(QuerySchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    school_id = fields.Integer()
    institution_id = fields.Integer()


class _PartnershipTermsSchema(Schema):
    title = Text(200)
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    evaluation_interval_years = fields.Integer(strict=True, validate=validate.Range(min=1, max=10))
    open_to_all_pupils = fields.Boolean()
    programme_named = fields.Boolean()
    signed_by_both = fields.Boolean()
    school_contact_name = Text(120)
    school_contact_email = fields.String(validate=[validate.Length(max=254), _email_or_empty])
    members = fields.List(fields.Nested(PartnershipMemberSchema), validate=validate.Length(min=1))


class PartnershipCreateSchema(_PartnershipTermsSchema):
    school_id = fields.Integer(required=True, strict=True)
    members = fields.List(fields.Nested(PartnershipMemberSchema), required=True,
                          validate=validate.Length(min=1))


class PartnershipUpdateSchema(_PartnershipTermsSchema):
    """Only the fields given change; `members`, when given, replaces the whole list (office only)."""


class RuleResultSchema(Schema):
    code = fields.String()
    ok = fields.Boolean()
    message = fields.String()


class RuleCheckSchema(Schema):
    ok = fields.Boolean()
    rules = fields.List(fields.Nested(RuleResultSchema))


class TransitionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(tuple(TRANSITIONS)))
    note = Text(2000, load_default="")
    ends_on = fields.Date(metadata={"description": "renew: the new, later end date"})
    ended_on = fields.Date(metadata={"description": "end: when it ended (default today)"})
    notice_given_on = fields.Date(metadata={"description": "end: when notice was given"})
    reason = Text(2000, metadata={"description": "end: why it ended"})


class DueQuerySchema(QuerySchema):
    within_days = fields.Integer(load_default=90, validate=validate.Range(min=0, max=3650))


class PartnershipBriefSchema(Schema):
    """Enough of a partnership to find it in a list of what is due."""

    id = fields.Integer()
    title = fields.String()
    status = fields.String()
    school = fields.Nested(MembershipSchema)
    institutions = fields.Function(lambda p: [{"id": m.institution_id, "name": m.institution.name}
                                              for m in p.members],
                                   metadata={"type": "array", "items": {"type": "object"}})
    ends_on = fields.Date(allow_none=True)
    next_evaluation_on = fields.Date(allow_none=True)


class DueItemSchema(Schema):
    partnership = fields.Nested(PartnershipBriefSchema)
    due = fields.String(metadata={"enum": ["evaluation", "renewal"]})
    on = fields.Date(allow_none=True)


class AgreementUploadSchema(Schema):
    file = Upload(required=True, metadata={"description": "The signed agreement as a PDF."})
