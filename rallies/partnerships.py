"""The partnership programme's rules and the lifecycle of a cooperation agreement.

Every rule is checked on its own and all failures are reported together, so that the
office and the partners see at once everything that is missing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from rallies.db import db, utcnow
from rallies.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, RuleViolation
from rallies.models import ADMITTED_KINDS, REFUSED_KINDS, Institution, Partnership, PartnershipEvent, PartnershipMember, School

log = logging.getLogger(__name__)

MIN_DURATION_YEARS = 2
# Shared mailboxes are not a fixed contact person.
ROLE_MAILBOXES = {
    "info", "sekretariat", "poststelle", "kontakt", "verwaltung", "office", "mail", "post",
    "contact", "hello", "hallo", "service", "team", "buero", "büro", "schulleitung", "schule",
    "admin", "administration", "empfang", "zentrale", "noreply", "no-reply", "presse", "museum",
}

# Which transitions are allowed, and from where.
TRANSITIONS = {
    "submit": ({"draft"}, "submitted"),
    "return_to_draft": ({"submitted"}, "draft"),
    "register": ({"submitted"}, "registered"),
    "mark_evaluation_due": ({"registered"}, "evaluation_due"),
    "renew": ({"evaluation_due", "registered"}, "registered"),
    "end": ({"registered", "evaluation_due"}, "ended"),
}

# Who may take each step: the partners themselves submit their agreement; everything
# after that is the programme office's decision.
PARTIES_MAY = {"submit"}


class AgreementTooLarge(DomainError):
    """An agreement file over the configured limit (413, as for media uploads)."""

    status = 413
    code = "too_large"


@dataclass(frozen=True)
class RuleResult:
    code: str
    ok: bool
    message: str


def is_personal_email(email: str) -> bool:
    """A personal address names a person; role mailboxes such as info@ do not."""
    local, at, domain = (email or "").strip().lower().partition("@")
    if not at or not local or "." not in domain:
        return False
    return local not in ROLE_MAILBOXES and local.split("+")[0] not in ROLE_MAILBOXES


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_rules(partnership: Partnership) -> list[RuleResult]:
    """Every programme rule with whether it holds and, when not, why."""
    institutions = [m.institution for m in partnership.members]
    results = [
        RuleResult("agreement_pdf", bool(partnership.agreement_name),
                   "A written cooperation agreement is stored as a PDF."
                   if partnership.agreement_name else "The signed cooperation agreement (PDF) is missing."),
        RuleResult("agreement_signed", partnership.signed_by_both,
                   "The agreement is signed by both sides." if partnership.signed_by_both
                   else "The agreement must be signed by the school and every institution."),
        _duration_rule(partnership),
        _school_contact_rule(partnership),
        _institution_contacts_rule(partnership),
        RuleResult("open_to_all_pupils", partnership.open_to_all_pupils,
                   "The offer is open to all pupils of the school." if partnership.open_to_all_pupils
                   else "The offer must be open to all pupils of the school."),
        RuleResult("programme_named", partnership.programme_named,
                   "The agreement names the programme." if partnership.programme_named
                   else "The agreement must mention the programme by name."),
        _kinds_rule(institutions),
        _municipal_partner_rule(institutions),
    ]
    return results


def failed_rules(partnership: Partnership) -> list[RuleResult]:
    return [r for r in check_rules(partnership) if not r.ok]


def _duration_rule(p: Partnership) -> RuleResult:
    if not p.starts_on or not p.ends_on:
        return RuleResult("duration", False, "Start and end date of the agreement are required.")
    if p.ends_on < add_years(p.starts_on, MIN_DURATION_YEARS):
        return RuleResult("duration", False,
                          f"The agreement must run at least {MIN_DURATION_YEARS} years "
                          f"(from {p.starts_on:%Y-%m-%d}, until {add_years(p.starts_on, MIN_DURATION_YEARS):%Y-%m-%d} or later).")
    return RuleResult("duration", True, f"Runs from {p.starts_on:%Y-%m-%d} to {p.ends_on:%Y-%m-%d}.")


def _school_contact_rule(p: Partnership) -> RuleResult:
    if not p.school_contact_name.strip():
        return RuleResult("school_contact", False, "The school must name a fixed contact person.")
    if not is_personal_email(p.school_contact_email):
        return RuleResult("school_contact", False,
                          f"The school's contact needs a personal e-mail address, not "
                          f"'{p.school_contact_email or '(none)'}'.")
    return RuleResult("school_contact", True, f"School contact: {p.school_contact_name}.")


def _institution_contacts_rule(p: Partnership) -> RuleResult:
    problems = []
    for m in p.members:
        if not m.contact_name.strip():
            problems.append(f"{m.institution.name} names no contact person")
        elif not is_personal_email(m.contact_email):
            problems.append(f"{m.institution.name}'s contact needs a personal e-mail address, "
                            f"not '{m.contact_email or '(none)'}'")
    if not p.members:
        problems.append("no institution takes part")
    if problems:
        return RuleResult("institution_contacts", False, "; ".join(problems).capitalize() + ".")
    return RuleResult("institution_contacts", True, "Every institution names a contact person.")


def _kinds_rule(institutions: list[Institution]) -> RuleResult:
    refused = [i for i in institutions if i.kind not in ADMITTED_KINDS]
    if refused:
        reasons = "; ".join(
            f"{i.name}: {REFUSED_KINDS.get(i.kind, f'the kind {i.kind!r} is not admitted')}" for i in refused
        )
        return RuleResult("admitted_kinds", False, f"Institutions of kinds the programme does not admit: {reasons}")
    return RuleResult("admitted_kinds", True, "Every institution is of an admitted kind.")


def _municipal_partner_rule(institutions: list[Institution]) -> RuleResult:
    non_municipal = [i for i in institutions if not i.municipal]
    if non_municipal and not any(i.municipal for i in institutions):
        names = ", ".join(i.name for i in non_municipal)
        verb = "is" if len(non_municipal) == 1 else "are"
        return RuleResult("municipal_partner", False,
                          f"{names} {verb} not municipal, so a municipal institution must join as a third partner.")
    return RuleResult("municipal_partner", True, "Municipal participation is given.")


# --- Writing ---------------------------------------------------------------------------

EDITABLE_FIELDS = {
    "title", "starts_on", "ends_on", "evaluation_interval_years", "open_to_all_pupils",
    "programme_named", "signed_by_both", "school_contact_name", "school_contact_email",
}


def is_party(user, partnership: Partnership) -> bool:
    """The school's teachers and the member institutions' editors are the partnership's parties."""
    if user.role == "teacher":
        return partnership.school_id in user.school_ids
    if user.role == "editor":
        return bool(partnership.institution_ids & user.institution_ids)
    return False


def may_transition(user, partnership: Partnership, action: str) -> bool:
    """The office takes every step; the parties may only submit their own draft."""
    if user is None or user.role == "office":
        return True
    return action in PARTIES_MAY and is_party(user, partnership)


def list_partnerships(user, *, status: str | None = None, school_id: int | None = None,
                      institution_id: int | None = None) -> list[Partnership]:
    """The partnerships a user may see: the office all, teachers their schools', editors their institutions'."""
    query = db.select(Partnership).order_by(Partnership.id)
    if user.role == "teacher":
        query = query.where(Partnership.school_id.in_(sorted(user.school_ids)))
    elif user.role == "editor":
        query = query.where(Partnership.id.in_(
            db.select(PartnershipMember.partnership_id)
            .where(PartnershipMember.institution_id.in_(sorted(user.institution_ids)))))
    elif user.role != "office":
        return []
    if status:
        query = query.where(Partnership.status == status)
    if school_id is not None:
        query = query.where(Partnership.school_id == school_id)
    if institution_id is not None:
        query = query.where(Partnership.id.in_(
            db.select(PartnershipMember.partnership_id).where(PartnershipMember.institution_id == institution_id)))
    return list(db.session.scalars(query))


def create_partnership(*, school_id: int, members: list[dict], actor, **fields) -> Partnership:
    """Create a draft partnership between a school and one or more institutions."""
    school = db.session.get(School, school_id)
    if school is None:
        raise Invalid("Unknown school.", errors={"school_id": [f"Unknown school {school_id}."]})
    partnership = Partnership(school=school, status="draft", evaluation_interval_years=3)
    _apply_fields(partnership, fields)
    _set_members(partnership, members)
    db.session.add(partnership)
    db.session.flush()
    log.info("partnership %s created by user %s", partnership.id, getattr(actor, "id", None))
    return partnership


def update_partnership(partnership: Partnership, *, actor, members: list[dict] | None = None, **fields) -> Partnership:
    """Edit a partnership; only drafts (new or returned) can change their terms.

    The parties may fill in their draft; only the office changes who takes part.
    """
    if actor is not None and actor.role != "office":
        if not is_party(actor, partnership):
            raise NotFound("No such partnership.")
        if members is not None:
            raise Forbidden("Only the programme office changes which institutions take part.")
    if partnership.status not in ("draft",):
        raise Conflict("Only a draft partnership can be edited; return it to draft first.",
                       code="not_editable")
    _apply_fields(partnership, fields)
    if members is not None:
        _set_members(partnership, members)
    db.session.flush()
    log.info("partnership %s edited by user %s", partnership.id, getattr(actor, "id", None))
    return partnership


def _apply_fields(partnership: Partnership, fields: dict) -> None:
    """Check the fields against each other first, then change the partnership."""
    unknown = sorted(set(fields) - EDITABLE_FIELDS)
    if unknown:
        raise Invalid(f"Unknown field {unknown[0]}.", errors={name: ["Unknown field."] for name in unknown})
    starts_on = fields.get("starts_on", partnership.starts_on)
    ends_on = fields.get("ends_on", partnership.ends_on)
    if starts_on and ends_on and ends_on <= starts_on:
        raise Invalid("The end date must be after the start date.", errors={"ends_on": ["Must be after starts_on."]})
    interval = fields.get("evaluation_interval_years", partnership.evaluation_interval_years)
    if not isinstance(interval, int) or not 1 <= interval <= 10:
        raise Invalid("The evaluation interval is 1 to 10 years.",
                      errors={"evaluation_interval_years": ["Must be between 1 and 10."]})
    for name, value in fields.items():
        setattr(partnership, name, value)


def _set_members(partnership: Partnership, members: list[dict]) -> None:
    if not members:
        raise Invalid("At least one institution takes part.", errors={"members": ["At least one institution."]})
    seen = set()
    new_members = []
    for index, member in enumerate(members):
        institution = db.session.get(Institution, member["institution_id"])
        if institution is None:
            raise Invalid("Unknown institution.",
                          errors={f"members.{index}.institution_id": [f"Unknown institution {member['institution_id']}."]})
        if institution.id in seen:
            raise Invalid("An institution is listed twice.",
                          errors={f"members.{index}.institution_id": ["Listed twice."]})
        seen.add(institution.id)
        new_members.append(PartnershipMember(
            institution=institution, contact_name=member.get("contact_name", ""),
            contact_email=member.get("contact_email", ""),
        ))
    partnership.members = new_members


def attach_agreement(partnership: Partnership, data: bytes, *, storage, max_bytes: int, actor) -> Partnership:
    """Store the signed agreement; the file must really be a PDF."""
    if partnership.status not in ("draft",):
        raise Conflict("The agreement of a submitted partnership cannot be replaced.", code="not_editable")
    if not data:
        raise Invalid("The agreement file is empty.", errors={"file": ["Empty file."]})
    if len(data) > max_bytes:
        raise AgreementTooLarge(f"The agreement may be at most {_size(max_bytes)}.",
                                errors={"file": ["Too large."]}, limit=max_bytes)
    if not looks_like_pdf(data):
        raise Invalid("The agreement must be a PDF file.", code="not_a_pdf", errors={"file": ["Not a PDF."]})
    from media.storage import content_name, sha256_hex

    name = content_name(data, "pdf")
    storage.put(name, data)
    partnership.agreement_name = name
    partnership.agreement_sha256 = sha256_hex(data)
    log.info("agreement stored for partnership %s by user %s", partnership.id, getattr(actor, "id", None))
    return partnership


def _size(nbytes: int) -> str:
    return f"{nbytes // (1024 * 1024)} MB" if nbytes >= 1024 * 1024 else f"{nbytes} bytes"


def looks_like_pdf(data: bytes) -> bool:
    """A PDF starts with %PDF- and has an end-of-file marker near its end."""
    return data[:1024].lstrip().startswith(b"%PDF-") and b"%%EOF" in data[-2048:]


def transition(partnership: Partnership, action: str, *, actor, today: dt.date | None = None,
               note: str = "", **details) -> Partnership:
    """Move a partnership along its life; illegal steps are refused with the reason."""
    if action not in TRANSITIONS:
        raise Invalid(f"Unknown action {action!r}.", errors={"action": [f"One of {', '.join(TRANSITIONS)}."]})
    allowed_from, target = TRANSITIONS[action]
    if not may_transition(actor, partnership, action):
        raise Forbidden(f"Only the programme office may take the step {action!r}.")
    if partnership.status not in allowed_from:
        raise Conflict(
            f"A partnership that is {partnership.status} cannot be {_past(action)}; "
            f"this needs one that is {' or '.join(sorted(allowed_from))}.",
            code="illegal_transition",
        )
    today = today or utcnow().date()
    if action in ("submit", "register"):
        failures = failed_rules(partnership)
        if failures:
            raise RuleViolation("The partnership does not meet the programme's rules.",
                                [f.message for f in failures])
    previous = partnership.status
    _apply_transition(partnership, action, today, details)
    partnership.status = target
    partnership.events.append(PartnershipEvent(
        from_status=previous, to_status=target, actor_id=getattr(actor, "id", None), note=note or "",
    ))
    db.session.flush()
    log.info("partnership %s: %s -> %s by user %s", partnership.id, previous, target, getattr(actor, "id", None))
    return partnership


def _past(action: str) -> str:
    return {"submit": "submitted", "return_to_draft": "returned to draft", "register": "registered",
            "mark_evaluation_due": "marked for evaluation", "renew": "renewed", "end": "ended"}[action]


def _apply_transition(p: Partnership, action: str, today: dt.date, details: dict) -> None:
    if action == "register":
        p.registered_on = today
        p.next_evaluation_on = add_years(max(p.starts_on, today), p.evaluation_interval_years)
    elif action == "renew":
        new_end = details.get("ends_on")
        if new_end is not None:
            if new_end <= (p.ends_on or today):
                raise Invalid("A renewal extends the end date.", errors={"ends_on": ["Must be later than before."]})
            p.ends_on = new_end
        p.renewed_on = today
        p.last_evaluated_on = today
        p.next_evaluation_on = add_years(today, p.evaluation_interval_years)
    elif action == "end":
        ended_on = details.get("ended_on") or today
        notice = details.get("notice_given_on")
        if notice and notice > ended_on:
            raise Invalid("Notice is given before the end.", errors={"notice_given_on": ["After the end date."]})
        p.ended_on = ended_on
        p.notice_given_on = notice
        p.end_reason = details.get("reason", "") or ""


def refresh_due(today: dt.date | None = None, *, actor=None) -> list[Partnership]:
    """Flag registered partnerships whose evaluation date has come."""
    today = today or utcnow().date()
    due = db.session.scalars(
        db.select(Partnership).where(Partnership.status == "registered",
                                     Partnership.next_evaluation_on <= today)
    ).all()
    for partnership in due:
        transition(partnership, "mark_evaluation_due", actor=actor, today=today,
                   note="Evaluation date reached")
    return list(due)


def due_list(today: dt.date | None = None, *, within_days: int = 90) -> list[dict]:
    """Partnerships needing evaluation or renewal soon, with what is due and when."""
    today = today or utcnow().date()
    horizon = today + dt.timedelta(days=within_days)
    rows = []
    for p in db.session.scalars(db.select(Partnership).where(
            Partnership.status.in_(("registered", "evaluation_due"))).order_by(Partnership.id)):
        if p.status == "evaluation_due" or (p.next_evaluation_on and p.next_evaluation_on <= horizon):
            rows.append({"partnership": p, "due": "evaluation", "on": p.next_evaluation_on})
        if p.ends_on and p.ends_on <= horizon:
            rows.append({"partnership": p, "due": "renewal", "on": p.ends_on})
    rows.sort(key=lambda r: (r["on"] or today, r["partnership"].id))
    return rows


def is_current(p: Partnership, today: dt.date | None = None) -> bool:
    """Registered (or awaiting evaluation) and within its agreed dates."""
    today = today or utcnow().date()
    return (p.status in ("registered", "evaluation_due") and p.starts_on is not None
            and p.starts_on <= today and (p.ends_on is None or today <= p.ends_on))


def current_partnership(school_id: int, institution_id: int, today: dt.date | None = None) -> Partnership | None:
    """The registered, current partnership between a school and an institution, if any."""
    candidates = db.session.scalars(
        db.select(Partnership).join(PartnershipMember)
        .where(Partnership.school_id == school_id, PartnershipMember.institution_id == institution_id)
        .order_by(Partnership.id.desc())
    ).unique().all()
    return next((p for p in candidates if is_current(p, today)), None)


def get_partnership(partnership_id: int) -> Partnership:
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None:
        raise NotFound("No such partnership.")
    return partnership
