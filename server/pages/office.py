"""Programme office pages: institutions, schools, partnerships, due list, rallies, figures.

Routes stay thin: parse the form, call one service of `rallies/`, commit, redirect with a
message; a DomainError rolls back and is shown on the form, never as a server error.
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_babel import gettext as _

from rallies import directory, partnerships, publishing
from rallies.db import db
from rallies.errors import DomainError, NotFound, RuleViolation
from rallies.models import STATUSES, Institution, Partnership, Rally, School, User
from rallies.runtime import media_storage
from server.auth import role_required
from server.i18n import say
from server.pages.actions import submit
from server.pages.forms import attach_errors
from server.pages.forms_office import (
    ACTION_LABELS, STATUS_LABELS, AgreementForm, InstitutionForm, PartnershipForm, SchoolForm, TransitionForm,
    WithdrawForm, kind_label,
)
from rallies.messages import msg

bp = Blueprint("office", __name__)

office_only = role_required("office")


def _monitoring():
    """The monitoring figures service, once it exists."""
    try:
        from rallies import monitoring
    except ImportError:
        return None
    return monitoring


@bp.app_context_processor
def _office_nav():
    return {"office_has_figures": _monitoring() is not None}


def _failed(error: DomainError, form, *, default_field: str | None = None) -> list[str]:
    db.session.rollback()
    return attach_errors(form, error, default_field=default_field)


# --- Institutions --------------------------------------------------------------------

def _institutions():
    return db.session.scalars(db.select(Institution).order_by(Institution.name)).all()


def _schools():
    return db.session.scalars(db.select(School).order_by(School.name)).all()


@bp.route("/office/institutions")
@office_only
def office_institutions(form=None, status: int = 200):
    return render_template("pages/office/institutions.html", institutions=_institutions(),
                           form=form or InstitutionForm(formdata=None), kind_label=kind_label), status


@bp.route("/office/institutions/new", methods=["POST"])
@office_only
def office_institution_create():
    form = InstitutionForm()
    return submit(lambda: directory.create_institution(actor=current_user, **form.service_fields()),
                  form=form, default_field="name", again=lambda failed: office_institutions(form, 422),
                  done=lambda institution: _("Einrichtung angelegt: %(name)s", name=institution.name),
                  to=url_for("office.office_institutions"))


@bp.route("/office/institutions/<int:institution_id>", methods=["GET", "POST"])
@office_only
def office_institution(institution_id: int):
    institution = directory.get_institution(institution_id)
    if request.method == "GET":
        form = InstitutionForm(formdata=None, obj=institution)
    else:
        form = InstitutionForm()
        if form.validate_on_submit():
            try:
                directory.update_institution(institution, actor=current_user, **form.service_fields())
            except DomainError as error:
                _failed(error, form, default_field="name")
            else:
                db.session.commit()
                flash(_("Gespeichert."), "success")
                return redirect(url_for("office.office_institution", institution_id=institution.id))
    rallies = db.session.scalars(db.select(Rally).filter_by(institution_id=institution.id).order_by(Rally.title)).all()
    return render_template("pages/office/institution.html", institution=institution, form=form, rallies=rallies,
                           kind_label=kind_label), (422 if form.errors else 200)


# --- Schools -------------------------------------------------------------------------

@bp.route("/office/schools")
@office_only
def office_schools(form=None, status: int = 200):
    return render_template("pages/office/schools.html", schools=_schools(),
                           form=form or SchoolForm(formdata=None)), status


@bp.route("/office/schools/new", methods=["POST"])
@office_only
def office_school_create():
    form = SchoolForm()
    return submit(lambda: directory.create_school(actor=current_user, **form.service_fields()),
                  form=form, default_field="name", again=lambda failed: office_schools(form, 422),
                  done=lambda school: _("Schule angelegt: %(name)s", name=school.name),
                  to=url_for("office.office_schools"))


@bp.route("/office/schools/<int:school_id>", methods=["GET", "POST"])
@office_only
def office_school(school_id: int):
    school = directory.get_school(school_id)
    if request.method == "GET":
        form = SchoolForm(formdata=None, obj=school)
    else:
        form = SchoolForm()
        if form.validate_on_submit():
            try:
                directory.update_school(school, actor=current_user, **form.service_fields())
            except DomainError as error:
                _failed(error, form, default_field="name")
            else:
                db.session.commit()
                flash(_("Gespeichert."), "success")
                return redirect(url_for("office.office_school", school_id=school.id))
    school_partnerships = db.session.scalars(
        db.select(Partnership).filter_by(school_id=school.id).order_by(Partnership.id.desc())).all()
    return render_template("pages/office/school.html", school=school, form=form, partnerships=school_partnerships,
                           status_labels=STATUS_LABELS), (422 if form.errors else 200)


# --- Partnerships --------------------------------------------------------------------

@bp.route("/office/partnerships")
@office_only
def office_partnerships():
    status = request.args.get("status", "")
    query = db.select(Partnership).order_by(Partnership.id.desc())
    if status in STATUSES:
        query = query.filter_by(status=status)
    else:
        status = ""
    rows = db.session.scalars(query).all()
    counts = dict(db.session.execute(
        db.select(Partnership.status, db.func.count(Partnership.id)).group_by(Partnership.status)).all())
    return render_template("pages/office/partnerships.html", partnerships=rows, status=status, statuses=STATUSES,
                           status_labels=STATUS_LABELS, counts=counts,
                           failed={p.id: len(partnerships.failed_rules(p)) for p in rows if p.status == "draft"})


def _partnership_form_page(form, partnership=None, *, errors=(), status=200):
    return render_template("pages/office/partnership_form.html", form=form, partnership=partnership,
                           errors=list(errors), has_schools=bool(form.school_id.choices)), status


@bp.route("/office/partnerships/new", methods=["GET", "POST"])
@office_only
def office_partnership_new():
    form = PartnershipForm() if request.method == "POST" else PartnershipForm(formdata=None)
    form.set_choices(_schools(), _institutions())
    if request.method == "GET":
        return _partnership_form_page(form)
    if not form.validate_on_submit():
        return _partnership_form_page(form, status=422)
    try:
        partnership = partnerships.create_partnership(school_id=form.school_id.data, members=form.member_rows(),
                                                      actor=current_user, **form.service_fields())
    except DomainError as error:
        leftovers = _failed(error, form)
        return _partnership_form_page(form, errors=[say(error.message), *leftovers] if error.errors else leftovers, status=422)
    db.session.commit()
    flash(_("Partnerschaft als Entwurf angelegt."), "success")
    return redirect(url_for("office.office_partnership", partnership_id=partnership.id))


@bp.route("/office/partnerships/<int:partnership_id>/edit", methods=["GET", "POST"])
@office_only
def office_partnership_edit(partnership_id: int):
    partnership = partnerships.get_partnership(partnership_id)
    form = PartnershipForm() if request.method == "POST" else PartnershipForm.for_partnership(partnership)
    form.set_choices(_schools(), _institutions())
    if request.method == "GET":
        return _partnership_form_page(form, partnership)
    if not form.validate_on_submit():
        return _partnership_form_page(form, partnership, status=422)
    fields = form.service_fields()
    try:
        if form.school_id.data != partnership.school_id:
            # The school is fixed once created: a partnership with another school is another agreement.
            form.school_id.errors = [_("Die Schule kann nicht geändert werden.")]
            return _partnership_form_page(form, partnership, status=422)
        partnerships.update_partnership(partnership, actor=current_user, members=form.member_rows(), **fields)
    except DomainError as error:
        leftovers = _failed(error, form)
        return _partnership_form_page(form, partnership, errors=[say(error.message), *leftovers] if error.errors else leftovers, status=422)
    db.session.commit()
    flash(_("Gespeichert."), "success")
    return redirect(url_for("office.office_partnership", partnership_id=partnership.id))


def _legal_actions(partnership: Partnership) -> list[str]:
    return [action for action, (sources, _) in partnerships.TRANSITIONS.items() if partnership.status in sources]


def _render_partnership(partnership: Partnership, status: int = 200, *, agreement_form=None, action_error=None,
                        transition_form=None):
    actor_ids = {e.actor_id for e in partnership.events if e.actor_id}
    actors = {u.id: (u.display_name or u.email) for u in
              db.session.scalars(db.select(User).where(User.id.in_(actor_ids))).all()} if actor_ids else {}
    return render_template(
        "pages/office/partnership.html", p=partnership, rules=partnerships.check_rules(partnership),
        actions=_legal_actions(partnership), action_labels=ACTION_LABELS, status_labels=STATUS_LABELS,
        agreement_form=agreement_form or AgreementForm(formdata=None),
        transition_form=transition_form or TransitionForm(formdata=None), action_error=action_error,
        actors=actors, kind_label=kind_label,
    ), status


@bp.route("/office/partnerships/<int:partnership_id>")
@office_only
def office_partnership(partnership_id: int):
    return _render_partnership(partnerships.get_partnership(partnership_id))


@bp.route("/office/partnerships/<int:partnership_id>/agreement", methods=["POST"])
@office_only
def office_partnership_agreement(partnership_id: int):
    partnership = partnerships.get_partnership(partnership_id)
    form = AgreementForm()
    if not form.validate_on_submit():
        return _render_partnership(partnership, 422, agreement_form=form)
    try:
        partnerships.attach_agreement(partnership, form.file.data.read(), storage=media_storage(),
                                      max_bytes=current_app.config["MAX_AGREEMENT_BYTES"], actor=current_user)
    except DomainError as error:
        db.session.rollback()
        form.file.errors = [say(error.message)]
        return _render_partnership(partnership, 422, agreement_form=form)
    db.session.commit()
    flash(_("Vereinbarung gespeichert."), "success")
    return redirect(url_for("office.office_partnership", partnership_id=partnership.id))


@bp.route("/office/partnerships/<int:partnership_id>/agreement.pdf")
@office_only
def office_partnership_agreement_pdf(partnership_id: int):
    partnership = partnerships.get_partnership(partnership_id)
    if not partnership.agreement_name:
        raise NotFound(msg("Es ist keine Vereinbarung hochgeladen."))
    try:
        data = media_storage().get(partnership.agreement_name)
    except (FileNotFoundError, KeyError):
        raise NotFound(msg("Die Datei der Vereinbarung fehlt im Speicher.")) from None
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"kooperationsvereinbarung-{partnership.id}.pdf")


@bp.route("/office/partnerships/<int:partnership_id>/transition", methods=["POST"])
@office_only
def office_partnership_transition(partnership_id: int):
    partnership = partnerships.get_partnership(partnership_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        return _render_partnership(partnership, 422, transition_form=form,
                                   action_error={"message": _("Ungültige Eingabe."),
                                                 "reasons": [f"{k}: {', '.join(v)}" for k, v in form.errors.items()]})
    action = form.action.data
    try:
        partnerships.transition(partnership, action, actor=current_user, note=(form.note.data or "").strip(),
                                **form.details())
    except DomainError as error:
        db.session.rollback()
        reasons = say(list(error.reasons)) if isinstance(error, RuleViolation) else \
            [m for messages in say(error.errors or {}).values() for m in messages]
        return _render_partnership(partnership, 409 if error.status == 409 else 422,
                                   action_error={"message": say(error.message), "reasons": reasons,
                                                 "action": ACTION_LABELS.get(action, action)})
    db.session.commit()
    flash(_("%(action)s: jetzt %(status)s.", action=ACTION_LABELS[action], status=STATUS_LABELS[partnership.status]), "success")
    return redirect(url_for("office.office_partnership", partnership_id=partnership.id))


@bp.route("/office/due")
@office_only
def office_due():
    try:
        days = max(1, min(int(request.args.get("days", 90)), 3650))
    except ValueError:
        days = 90
    return render_template("pages/office/due.html", rows=partnerships.due_list(within_days=days), days=days,
                           status_labels=STATUS_LABELS)


@bp.route("/office/due/refresh", methods=["POST"])
@office_only
def office_due_refresh():
    flagged = partnerships.refresh_due(actor=current_user)
    db.session.commit()
    flash(_("%(count)s Partnerschaft(en) auf „Evaluation fällig“ gesetzt.", count=len(flagged)), "success")
    return redirect(url_for("office.office_due"))


# --- Rallies -------------------------------------------------------------------------

def _render_rallies(status: int = 200, *, failed_form=None, failed_id=None):
    published = db.session.scalars(
        db.select(Rally).where(Rally.visibility != "draft").order_by(Rally.visibility.desc(), Rally.title)).all()
    withdrawn = db.session.scalars(
        db.select(Rally).where(Rally.visibility == "draft", Rally.review_note != "").order_by(Rally.title)).all()
    return render_template("pages/office/rallies.html", published=published, withdrawn=withdrawn,
                           failed_form=failed_form, failed_id=failed_id), status


@bp.route("/office/rallies")
@office_only
def office_rallies():
    return _render_rallies()


@bp.route("/office/rallies/<int:rally_id>/withdraw", methods=["POST"])
@office_only
def office_rally_withdraw(rally_id: int):
    rally = db.session.get(Rally, rally_id)
    if rally is None:
        raise NotFound(msg("Diese Rallye gibt es nicht."))
    form = WithdrawForm()
    return submit(lambda: publishing.unpublish(rally, actor=current_user, reason=form.reason.data),
                  form=form, default_field="reason",
                  again=lambda failed: _render_rallies(422, failed_form=form, failed_id=rally.id),
                  done=_("Zurückgezogen: %(title)s", title=rally.title), to=url_for("office.office_rallies"))


# --- Figures -------------------------------------------------------------------------

@bp.route("/office/figures")
@office_only
def office_figures():
    monitoring = _monitoring()
    if monitoring is None:
        abort(404)
    rows = monitoring.figures()
    totals = monitoring.totals(rows) if hasattr(monitoring, "totals") else None
    peak = {name: max([r[name] for r in rows] + [1]) for name in ("rallies_published", "runs_held", "teams")}
    return render_template("pages/office/figures.html", rows=rows, totals=totals, peak=peak, kind_label=kind_label,
                           has_csv=hasattr(monitoring, "figures_csv"))


@bp.route("/office/figures.csv")
@office_only
def office_figures_csv():
    monitoring = _monitoring()
    if monitoring is None or not hasattr(monitoring, "figures_csv"):
        abort(404)
    sep = ";" if request.args.get("sep") == "semicolon" else ","
    data = monitoring.figures_csv(monitoring.figures(), sep=sep, say=say)
    return send_file(io.BytesIO(data), mimetype="text/csv", as_attachment=True, download_name="kennzahlen.csv")
