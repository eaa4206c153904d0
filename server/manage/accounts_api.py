"""Management API: the caller's own account and tokens, and (for the office) all accounts."""

from __future__ import annotations

from client_api.openapi import EdgeBlueprint as Blueprint

from rallies import accounts, audit
from rallies.access import require_role
from server import invitations
from server.manage.common import commit, current_api_user, guard
from server.manage.schemas_directory import (
    ApiTokenCreatedSchema, ApiTokenCreateSchema, ApiTokenSchema, AuditEventSchema, AuditQuerySchema,
    UserCreateSchema, UserInvitedSchema, UserQuerySchema, UserSchema, UserUpdateSchema,
)

blp = Blueprint("manage_accounts", __name__, description="Accounts and personal API tokens")
guard(blp)


@blp.route("/me")
@blp.response(200, UserSchema)
def me():
    """The caller: role, institutions and schools."""
    return current_api_user()


@blp.route("/me/tokens")
@blp.response(200, ApiTokenSchema(many=True))
def list_tokens():
    """The caller's personal API tokens, revoked ones included; secrets are never shown again."""
    return accounts.list_api_tokens(current_api_user())


@blp.route("/me/tokens", methods=["POST"])
@blp.arguments(ApiTokenCreateSchema)
@blp.response(201, ApiTokenCreatedSchema)
def create_token(data):
    """Issue a new personal API token; the response holds its secret this one time."""
    token, secret = accounts.issue_api_token(current_api_user(), data["name"])
    commit()
    return {"token": token, "secret": secret}


@blp.route("/me/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(204)
def revoke_token(token_id):
    """Revoke one of the caller's tokens; requests with it are refused from now on."""
    accounts.revoke_api_token(current_api_user(), token_id)
    commit()


@blp.route("/users")
@blp.arguments(UserQuerySchema, location="query")
@blp.response(200, UserSchema(many=True))
def list_users(query):
    """Every account (office only), optionally of one role."""
    require_role(current_api_user(), "office")
    return accounts.list_users(role=query.get("role"))


@blp.route("/users", methods=["POST"])
@blp.arguments(UserCreateSchema)
@blp.response(201, UserInvitedSchema)
def invite_user(data):
    """Invite a person (office only): the account is created without a password and a single-use link to set
    one is mailed to the address (valid `INVITATION_DAYS`). Editors need an institution, teachers a school.
    Nobody but the invitee ever sets or sees the password."""
    actor = current_api_user()
    require_role(actor, "office")
    user, mailed = invitations.invite(actor=actor, **data)
    return {"user": user, "mailed": mailed}


@blp.route("/users/<int:user_id>/invitation", methods=["POST"])
@blp.response(200, UserInvitedSchema)
def resend_invitation(user_id):
    """Mail a new invitation link to an account that has not set its password yet (office only); the old link
    stops working. 409 `invitation_accepted` once the password is set."""
    actor = current_api_user()
    require_role(actor, "office")
    user = accounts.get_user(user_id)
    mailed = invitations.resend(user, actor=actor)
    return {"user": user, "mailed": mailed}


@blp.route("/audit-log")
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditEventSchema(many=True))
def audit_log(query):
    """Changes to accounts, roles and memberships, newest first (office only); page back with `before_id`."""
    require_role(current_api_user(), "office")
    return audit.recent(limit=query["limit"], before_id=query.get("before_id"), subject_id=query.get("subject_id"))


@blp.route("/users/<int:user_id>")
@blp.response(200, UserSchema)
def get_user(user_id):
    """One account (office only)."""
    require_role(current_api_user(), "office")
    return accounts.get_user(user_id)


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
def update_user(data, user_id):
    """Change an account's role, memberships, name or whether it may log in (office only)."""
    actor = current_api_user()
    require_role(actor, "office")
    user = accounts.update_user(accounts.get_user(user_id), actor=actor, **data)
    commit()
    return user
