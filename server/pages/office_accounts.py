"""Office pages for accounts: list, invite, change role and memberships, resend an invitation, audit log.

The office invites and never sets or sees a password; the invitee chooses it through the mailed link.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from rallies import accounts, audit
from rallies.db import db
from rallies.errors import DomainError
from rallies.models import Institution, School, User
from server import invitations
from server.i18n import say
from server.auth import role_required
from server.i18n import say
from server.pages.forms_accounts import LOCALE_LABELS, AccountForm, InviteForm

bp = Blueprint("office_accounts", __name__)
office_only = role_required("office")
AUDIT_PAGE = 50


@bp.app_template_filter("local_datetime")
def local_datetime(value) -> str:
    """A moment in the reader's language and the operator's time zone (Europe/Berlin by default)."""
    if value is None:
        return "–"
    zone = ZoneInfo(current_app.config.get("TIMEZONE", "Europe/Berlin"))
    return format_datetime(value, format="medium", tzinfo=zone, locale=str(get_locale() or "de"))


def _directory():
    schools = db.session.scalars(db.select(School).order_by(School.name)).all()
    institutions = db.session.scalars(db.select(Institution).order_by(Institution.name)).all()
    return schools, institutions


def _form_errors(form, error: DomainError) -> None:
    """A service refusal shown on the form in the reader's language."""
    db.session.rollback()
    if error.code == "email_taken":
        form.email.errors = [*form.email.errors, _("Es gibt schon ein Konto mit dieser E-Mail-Adresse.")]
    elif error.code == "self_lockout":
        form.role.errors = [*form.role.errors,
                            _("Sie können Ihr eigenes Konto nicht deaktivieren und Ihre eigene Rolle nicht ändern.")]
    else:
        form.role.errors = [*form.role.errors, _("Die Angaben passen nicht zusammen: %(detail)s",
                                                 detail=say(error.message))]


@bp.route("/office/accounts")
@office_only
def accounts_list():
    role = request.args.get("role", "")
    users = accounts.list_users(role=role if role in ("office", "editor", "teacher") else None)
    return render_template("pages/office/accounts.html", users=users, role=role)


@bp.route("/office/accounts/invite", methods=["GET", "POST"])
@office_only
def invite():
    form = InviteForm() if request.method == "POST" else InviteForm(formdata=None)
    form.set_choices(*_directory())
    if request.method == "POST" and form.validate_on_submit():
        try:
            user, mailed = invitations.invite(actor=current_user._get_current_object(), **form.service_fields())
        except DomainError as error:
            _form_errors(form, error)
        else:
            if mailed:
                flash(_("Einladung an %(email)s verschickt. Der Link gilt %(days)s Tage.", email=user.email,
                        days=current_app.config["INVITATION_DAYS"]), "success")
            else:
                flash(_("Das Konto ist angelegt, aber die E-Mail konnte nicht verschickt werden. "
                        "Bitte später erneut senden."), "error")
            return redirect(url_for("office_accounts.account", user_id=user.id))
    return render_template("pages/office/invite.html", form=form), (422 if form.errors else 200)


@bp.route("/office/accounts/<int:user_id>", methods=["GET", "POST"])
@office_only
def account(user_id: int):
    user = accounts.get_user(user_id)
    form = AccountForm() if request.method == "POST" else AccountForm.for_user(user)
    form.set_choices(*_directory())
    if request.method == "POST" and form.validate_on_submit():
        try:
            accounts.update_user(user, actor=current_user._get_current_object(), **form.service_fields())
        except DomainError as error:
            _form_errors(form, error)
        else:
            db.session.commit()
            flash(_("Gespeichert."), "success")
            return redirect(url_for("office_accounts.account", user_id=user.id))
    events = audit.recent(limit=20, subject_id=user.id)
    return render_template("pages/office/account.html", user=user, form=form, events=events,
                           describe=_describer()), (422 if form.errors else 200)


@bp.route("/office/accounts/<int:user_id>/invitation", methods=["POST"])
@office_only
def resend_invitation(user_id: int):
    user = accounts.get_user(user_id)
    try:
        mailed = invitations.resend(user, actor=current_user._get_current_object())
    except DomainError:
        db.session.rollback()
        flash(_("Dieses Konto hat sein Passwort schon festgelegt."), "error")
    else:
        flash(_("Neue Einladung an %(email)s verschickt; der alte Link gilt nicht mehr.", email=user.email)
              if mailed else _("Die E-Mail konnte nicht verschickt werden. Bitte später erneut versuchen."),
              "success" if mailed else "error")
    return redirect(url_for("office_accounts.account", user_id=user.id))


@bp.route("/office/audit")
@office_only
def audit_log():
    before = request.args.get("before", "")
    before_id = int(before) if before.isdigit() and len(before) < 16 else None
    events = audit.recent(limit=AUDIT_PAGE + 1, before_id=before_id)
    more = len(events) > AUDIT_PAGE
    events = events[:AUDIT_PAGE]
    return render_template("pages/office/audit.html", events=events, describe=_describer(),
                           older=events[-1].id if more else None)


ACTION_LABELS = {
    "account_created": lambda: _("Konto angelegt (Kommandozeile)"),
    "account_invited": lambda: _("Eingeladen"),
    "invitation_resent": lambda: _("Einladung erneut verschickt"),
    "invitation_accepted": lambda: _("Einladung angenommen, Passwort festgelegt"),
    "role_changed": lambda: _("Rolle geändert"),
    "memberships_changed": lambda: _("Zugehörigkeit geändert"),
    "account_deactivated": lambda: _("Deaktiviert"),
    "account_reactivated": lambda: _("Wieder aktiviert"),
    "profile_changed": lambda: _("Name oder Sprache geändert"),
    "password_changed": lambda: _("Passwort geändert"),
    "password_reset": lambda: _("Passwort über E-Mail-Link neu gesetzt"),
}


def _describer():
    """`describe(event)` → (what happened, the details) in the reader's language, with names for ids."""
    from server.auth import role_label

    names = {("school_ids", s.id): s.name for s in db.session.scalars(db.select(School))}
    names.update({("institution_ids", i.id): i.name for i in db.session.scalars(db.select(Institution))})

    def named(kind: str, ids) -> str:
        return ", ".join(names.get((kind, i), f"#{i}") for i in ids)

    def describe(event) -> tuple[str, str]:
        label = ACTION_LABELS.get(event.action, lambda: event.action)()
        details = event.details or {}
        if event.action == "role_changed":
            return label, f"{role_label(details.get('before', ''))} → {role_label(details.get('after', ''))}"
        if event.action == "memberships_changed":
            kind = details.get("kind", "")
            parts = []
            if details.get("added"):
                parts.append("+ " + named(kind, details["added"]))
            if details.get("removed"):
                parts.append("− " + named(kind, details["removed"]))
            return label, "; ".join(parts)
        if event.action in ("account_invited", "account_created"):
            members = named("institution_ids", details.get("institution_ids", [])) or \
                named("school_ids", details.get("school_ids", []))
            return label, role_label(details.get("role", "")) + (f" ({members})" if members else "")
        if event.action == "profile_changed":
            fields = {"display_name": _("Name"), "locale": _("Sprache")}
            return label, ", ".join(fields.get(f, f) for f in details.get("fields", []))
        return label, ""

    return describe


@bp.app_context_processor
def _labels():
    return {"locale_labels": LOCALE_LABELS}
