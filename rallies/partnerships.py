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
from rallies.messages import Msg, msg
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
    message: Msg


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
                   msg("Eine schriftliche Kooperationsvereinbarung liegt als PDF vor.")
                   if partnership.agreement_name else msg("Die unterschriebene Kooperationsvereinbarung (PDF) fehlt.")),
        RuleResult("agreement_signed", partnership.signed_by_both,
                   msg("Die Vereinbarung ist von beiden Seiten unterschrieben.") if partnership.signed_by_both
                   else msg("Die Vereinbarung muss von der Schule und jeder Einrichtung unterschrieben sein.")),
        _duration_rule(partnership),
        _school_contact_rule(partnership),
        _institution_contacts_rule(partnership),
        RuleResult("open_to_all_pupils", partnership.open_to_all_pupils,
                   msg("Das Angebot steht allen Schülerinnen und Schülern der Schule offen.")
                   if partnership.open_to_all_pupils
                   else msg("Das Angebot muss allen Schülerinnen und Schülern der Schule offenstehen.")),
        RuleResult("programme_named", partnership.programme_named,
                   msg("Die Vereinbarung nennt das Programm.") if partnership.programme_named
                   else msg("Die Vereinbarung muss das Programm namentlich nennen.")),
        _kinds_rule(institutions),
        _municipal_partner_rule(institutions),
    ]
    return results


def failed_rules(partnership: Partnership) -> list[RuleResult]:
    return [r for r in check_rules(partnership) if not r.ok]


def _duration_rule(p: Partnership) -> RuleResult:
    if not p.starts_on or not p.ends_on:
        return RuleResult("duration", False, msg("Beginn und Ende der Vereinbarung fehlen."))
    if p.ends_on < add_years(p.starts_on, MIN_DURATION_YEARS):
        return RuleResult("duration", False, msg(
            "Die Vereinbarung muss mindestens %(years)s Jahre laufen (ab %(start)s also bis %(end)s oder länger).",
            years=MIN_DURATION_YEARS, start=p.starts_on, end=add_years(p.starts_on, MIN_DURATION_YEARS)))
    return RuleResult("duration", True, msg("Läuft vom %(start)s bis zum %(end)s.", start=p.starts_on, end=p.ends_on))


def _school_contact_rule(p: Partnership) -> RuleResult:
    if not p.school_contact_name.strip():
        return RuleResult("school_contact", False, msg("Die Schule muss eine feste Ansprechperson nennen."))
    if not is_personal_email(p.school_contact_email):
        return RuleResult("school_contact", False, msg(
            "Die Ansprechperson der Schule braucht eine persönliche E-Mail-Adresse, nicht „%(email)s“.",
            email=p.school_contact_email or "–"))
    return RuleResult("school_contact", True, msg("Ansprechperson der Schule: %(name)s.", name=p.school_contact_name))


def _institution_contacts_rule(p: Partnership) -> RuleResult:
    problems = []
    for m in p.members:
        if not m.contact_name.strip():
            problems.append(msg("%(institution)s nennt keine Ansprechperson.", institution=m.institution.name))
        elif not is_personal_email(m.contact_email):
            problems.append(msg("Die Ansprechperson von %(institution)s braucht eine persönliche E-Mail-Adresse, "
                                "nicht „%(email)s“.", institution=m.institution.name, email=m.contact_email or "–"))
    if not p.members:
        problems.append(msg("Keine Einrichtung nimmt teil."))
    if problems:
        return RuleResult("institution_contacts", False, _joined(problems))
    return RuleResult("institution_contacts", True, msg("Jede Einrichtung nennt eine Ansprechperson."))


def _joined(messages: list[Msg]) -> Msg:
    """Several sentences as one message (each said in the reader's language)."""
    if len(messages) == 1:
        return messages[0]
    return msg("%(first)s %(rest)s", first=messages[0], rest=_joined(messages[1:]))


def _kinds_rule(institutions: list[Institution]) -> RuleResult:
    refused = [i for i in institutions if i.kind not in ADMITTED_KINDS]
    if refused:
        reasons = [msg("%(institution)s: %(reason)s", institution=i.name,
                       reason=REFUSED_KINDS.get(i.kind) or msg("Diese Art von Einrichtung ist nicht zugelassen."))
                   for i in refused]
        return RuleResult("admitted_kinds", False, msg(
            "Einrichtungen einer Art, die das Programm nicht zulässt: %(reasons)s", reasons=_joined(reasons)))
    return RuleResult("admitted_kinds", True, msg("Jede Einrichtung ist von einer zugelassenen Art."))


def _municipal_partner_rule(institutions: list[Institution]) -> RuleResult:
    non_municipal = [i for i in institutions if not i.municipal]
    if non_municipal and not any(i.municipal for i in institutions):
        names = ", ".join(i.name for i in non_municipal)
        return RuleResult("municipal_partner", False, msg(
            "Nicht kommunal: %(names)s – deshalb muss eine kommunale Einrichtung als dritte Partnerin dazukommen.",
            names=names))
    return RuleResult("municipal_partner", True, msg("Eine kommunale Einrichtung ist beteiligt."))


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
        raise Invalid(msg("Unbekannte Schule."), errors={"school_id": [msg("Unbekannte Schule %(id)s.", id=school_id)]})
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
            raise NotFound(msg("Diese Partnerschaft gibt es nicht."))
        if members is not None:
            raise Forbidden(msg("Nur das Programmbüro ändert, welche Einrichtungen teilnehmen."))
    if partnership.status not in ("draft",):
        raise Conflict(msg("Nur ein Entwurf kann bearbeitet werden; bitte zuerst in den Entwurf zurückgeben."),
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
        raise Invalid(msg("Unbekanntes Feld %(name)s.", name=unknown[0]), errors={name: [msg("Unbekanntes Feld.")] for name in unknown})
    starts_on = fields.get("starts_on", partnership.starts_on)
    ends_on = fields.get("ends_on", partnership.ends_on)
    if starts_on and ends_on and ends_on <= starts_on:
        raise Invalid(msg("Das Ende muss nach dem Beginn liegen."), errors={"ends_on": [msg("Muss nach dem Beginn liegen.")]})
    interval = fields.get("evaluation_interval_years", partnership.evaluation_interval_years)
    if not isinstance(interval, int) or not 1 <= interval <= 10:
        raise Invalid(msg("Die Evaluation ist alle 1 bis 10 Jahre."),
                      errors={"evaluation_interval_years": [msg("1 bis 10 Jahre.")]})
    for name, value in fields.items():
        setattr(partnership, name, value)


def _set_members(partnership: Partnership, members: list[dict]) -> None:
    if not members:
        raise Invalid(msg("Mindestens eine Einrichtung nimmt teil."), errors={"members": [msg("Mindestens eine Einrichtung.")]})
    seen = set()
    new_members = []
    for index, member in enumerate(members):
        institution = db.session.get(Institution, member["institution_id"])
        if institution is None:
            raise Invalid(msg("Unbekannte Einrichtung."), errors={f"members.{index}.institution_id": [
                msg("Unbekannte Einrichtung %(id)s.", id=member["institution_id"])]})
        if institution.id in seen:
            raise Invalid(msg("Eine Einrichtung ist doppelt genannt."),
                          errors={f"members.{index}.institution_id": [msg("Doppelt genannt.")]})
        seen.add(institution.id)
        new_members.append(PartnershipMember(
            institution=institution, contact_name=member.get("contact_name", ""),
            contact_email=member.get("contact_email", ""),
        ))
    partnership.members = new_members


def attach_agreement(partnership: Partnership, data: bytes, *, storage, max_bytes: int, actor) -> Partnership:
    """Store the signed agreement; the file must really be a PDF."""
    if partnership.status not in ("draft",):
        raise Conflict(msg("Die Vereinbarung einer eingereichten Partnerschaft kann nicht ersetzt werden."), code="not_editable")
    if not data:
        raise Invalid(msg("Die Datei der Vereinbarung ist leer."), errors={"file": [msg("Leere Datei.")]})
    if len(data) > max_bytes:
        raise AgreementTooLarge(msg("Die Vereinbarung darf höchstens %(megabytes)s MB groß sein.",
                                    megabytes=round(max_bytes / (1024 * 1024), 1)),
                                errors={"file": [msg("Zu groß.")]}, limit=max_bytes)
    if not looks_like_pdf(data):
        raise Invalid(msg("Die Vereinbarung muss eine PDF-Datei sein."), code="not_a_pdf", errors={"file": [msg("Keine PDF-Datei.")]})
    from media.storage import content_name, sha256_hex

    name = content_name(data, "pdf")
    storage.put(name, data)
    partnership.agreement_name = name
    partnership.agreement_sha256 = sha256_hex(data)
    log.info("agreement stored for partnership %s by user %s", partnership.id, getattr(actor, "id", None))
    return partnership


def looks_like_pdf(data: bytes) -> bool:
    """A PDF starts with %PDF- and has an end-of-file marker near its end."""
    return data[:1024].lstrip().startswith(b"%PDF-") and b"%%EOF" in data[-2048:]


def transition(partnership: Partnership, action: str, *, actor, today: dt.date | None = None,
               note: str = "", **details) -> Partnership:
    """Move a partnership along its life; illegal steps are refused with the reason."""
    if action not in TRANSITIONS:
        raise Invalid(msg("Unbekannter Schritt %(action)s.", action=action),
                      errors={"action": [msg("Muss einer dieser Werte sein: %(choices)s.", choices=", ".join(TRANSITIONS))]})
    allowed_from, target = TRANSITIONS[action]
    if not may_transition(actor, partnership, action):
        raise Forbidden(msg("Diesen Schritt (%(action)s) geht nur das Programmbüro.", action=ACTION_NAMES.get(action, action)))
    if partnership.status not in allowed_from:
        raise Conflict(
            msg("Eine Partnerschaft im Status „%(status)s“ kann nicht %(done)s werden; dafür muss sie %(needed)s sein.",
                status=STATUS_NAMES[partnership.status], done=_past(action),
                needed=_either([STATUS_NAMES[s] for s in sorted(allowed_from)])),
            code="illegal_transition",
        )
    today = today or utcnow().date()
    if action in ("submit", "register"):
        failures = failed_rules(partnership)
        if failures:
            raise RuleViolation(msg("Die Partnerschaft erfüllt die Regeln des Programms nicht."),
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


STATUS_NAMES = {
    "draft": msg("Entwurf"), "submitted": msg("Eingereicht"), "registered": msg("Registriert"),
    "evaluation_due": msg("Evaluation fällig"), "ended": msg("Beendet"),
}
ACTION_NAMES = {
    "submit": msg("Einreichen"), "return_to_draft": msg("Zurück in den Entwurf"), "register": msg("Registrieren"),
    "mark_evaluation_due": msg("Evaluation fällig setzen"), "renew": msg("Verlängern"), "end": msg("Beenden"),
}


def _past(action: str) -> Msg:
    return {"submit": msg("eingereicht"), "return_to_draft": msg("in den Entwurf zurückgegeben"),
            "register": msg("registriert"), "mark_evaluation_due": msg("zur Evaluation markiert"),
            "renew": msg("verlängert"), "end": msg("beendet")}[action]


def _either(names: list[Msg]) -> Msg:
    """„Entwurf“ oder „Eingereicht“, in the reader's language."""
    if len(names) == 1:
        return msg("„%(name)s“", name=names[0])
    return msg("„%(first)s“ oder %(rest)s", first=names[0], rest=_either(names[1:]))


def _apply_transition(p: Partnership, action: str, today: dt.date, details: dict) -> None:
    if action == "register":
        p.registered_on = today
        p.next_evaluation_on = add_years(max(p.starts_on, today), p.evaluation_interval_years)
    elif action == "renew":
        new_end = details.get("ends_on")
        if new_end is not None:
            if new_end <= (p.ends_on or today):
                raise Invalid(msg("Eine Verlängerung verschiebt das Ende nach hinten."), errors={"ends_on": [msg("Muss später als bisher sein.")]})
            p.ends_on = new_end
        p.renewed_on = today
        p.last_evaluated_on = today
        p.next_evaluation_on = add_years(today, p.evaluation_interval_years)
    elif action == "end":
        ended_on = details.get("ended_on") or today
        notice = details.get("notice_given_on")
        if notice and notice > ended_on:
            raise Invalid(msg("Die Kündigung erfolgt vor dem Ende."), errors={"notice_given_on": [msg("Liegt nach dem Ende.")]})
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
                   note="Evaluationstermin erreicht")
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
        raise NotFound(msg("Diese Partnerschaft gibt es nicht."))
    return partnership
