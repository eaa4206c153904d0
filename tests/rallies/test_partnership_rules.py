"""The programme's partnership rules and the lifecycle, at the service level."""

import datetime as dt

import pytest

from rallies import directory, partnerships
from rallies.errors import Conflict, Forbidden, Invalid, RuleViolation
from rallies.models import Institution, Partnership, PartnershipEvent

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
START = dt.date(2025, 8, 1)
ALL_RULES = ["agreement_pdf", "agreement_signed", "duration", "school_contact", "institution_contacts",
             "open_to_all_pupils", "programme_named", "admitted_kinds", "municipal_partner"]
ROLE_ADDRESSES = ["info", "sekretariat", "poststelle", "kontakt", "verwaltung"]


@pytest.fixture
def valid_partnership(db, school, make_institution, storage):
    """A partnership that meets every rule; tests break one thing at a time."""
    museum = make_institution(name="Stadtmuseum", kind="museum", municipal=True)
    partnership = partnerships.create_partnership(
        school_id=school.id, actor=None, title="Geschichte vor Ort",
        members=[{"institution_id": museum.id, "contact_name": "Eva Keller",
                  "contact_email": "eva.keller@stadtmuseum.example"}],
        starts_on=START, ends_on=dt.date(2027, 8, 1), open_to_all_pupils=True, programme_named=True,
        signed_by_both=True, school_contact_name="Jonas Weber", school_contact_email="j.weber@schule.example",
    )
    partnerships.attach_agreement(partnership, PDF, storage=storage, max_bytes=1_000_000, actor=None)
    db.session.commit()
    return partnership


def failing(partnership):
    return [r.code for r in partnerships.failed_rules(partnership)]


def _member(p):
    return p.members[0]


BREAKERS = {
    "agreement_pdf": lambda p: setattr(p, "agreement_name", None),
    "agreement_signed": lambda p: setattr(p, "signed_by_both", False),
    "duration": lambda p: setattr(p, "ends_on", dt.date(2027, 7, 31)),
    "school_contact": lambda p: setattr(p, "school_contact_email", "sekretariat@schule.example"),
    "institution_contacts": lambda p: setattr(_member(p), "contact_email", "info@stadtmuseum.example"),
    "open_to_all_pupils": lambda p: setattr(p, "open_to_all_pupils", False),
    "programme_named": lambda p: setattr(p, "programme_named", False),
    "admitted_kinds": lambda p: setattr(_member(p).institution, "kind", "kindergarten"),
    "municipal_partner": lambda p: setattr(_member(p).institution, "municipal", False),
}


def test_the_valid_partnership_passes_every_rule(valid_partnership):
    results = partnerships.check_rules(valid_partnership)
    assert [r.code for r in results] == ALL_RULES
    assert all(r.ok for r in results)


@pytest.mark.parametrize("rule", ALL_RULES)
def test_each_rule_fails_alone_with_a_reason(valid_partnership, rule):
    BREAKERS[rule](valid_partnership)
    failures = partnerships.failed_rules(valid_partnership)
    assert [f.code for f in failures] == [rule]
    assert failures[0].message and not failures[0].ok


def test_all_rules_fail_together_and_all_are_reported(valid_partnership):
    for breaker in BREAKERS.values():
        breaker(valid_partnership)
    assert failing(valid_partnership) == ALL_RULES
    with pytest.raises(RuleViolation) as caught:
        partnerships.transition(valid_partnership, "submit", actor=None)
    assert len(caught.value.reasons) == len(ALL_RULES)
    assert valid_partnership.status == "draft"


def test_missing_dates_fail_the_duration_rule(valid_partnership):
    valid_partnership.starts_on = None
    assert failing(valid_partnership) == ["duration"]
    assert "fehlen" in partnerships.failed_rules(valid_partnership)[0].message  # German, the catalogue's source


def test_exactly_two_years_is_long_enough(valid_partnership):
    valid_partnership.ends_on = dt.date(2027, 8, 1)
    assert failing(valid_partnership) == []


@pytest.mark.parametrize("mailbox", ROLE_ADDRESSES)
def test_role_addresses_are_not_personal(mailbox):
    assert not partnerships.is_personal_email(f"{mailbox}@schule.example")
    assert not partnerships.is_personal_email(f"{mailbox.title()}@Museum.example")


def test_role_addresses_fail_both_contact_rules(valid_partnership):
    for mailbox in ROLE_ADDRESSES:
        valid_partnership.school_contact_email = f"{mailbox}@schule.example"
        _member(valid_partnership).contact_email = f"{mailbox}@stadtmuseum.example"
        failures = partnerships.failed_rules(valid_partnership)
        assert [f.code for f in failures] == ["school_contact", "institution_contacts"]
        assert f"{mailbox}@schule.example" in failures[0].message
        assert f"Die Ansprechperson von Stadtmuseum braucht eine persönliche E-Mail-Adresse, nicht „{mailbox}@" \
            in failures[1].message


@pytest.mark.parametrize("address, personal", [
    ("eva.keller@museum.example", True), ("info@museum.example", False), ("info+x@museum.example", False),
    ("no-at-sign.example", False), ("", False),
])
def test_personal_email_recognition(address, personal):
    assert partnerships.is_personal_email(address) is personal


def test_a_member_without_contact_name_is_reported(valid_partnership):
    _member(valid_partnership).contact_name = "  "
    failures = partnerships.failed_rules(valid_partnership)
    assert [f.code for f in failures] == ["institution_contacts"]
    assert "Stadtmuseum nennt keine Ansprechperson" in failures[0].message


def test_non_municipal_institution_needs_a_municipal_third_partner(db, valid_partnership, make_institution):
    association = make_institution(name="Heimatverein e.V.", kind="museum", municipal=False)
    museum_member = _member(valid_partnership)
    partnerships.update_partnership(valid_partnership, actor=None, members=[
        {"institution_id": association.id, "contact_name": "Anna Berg", "contact_email": "anna.berg@verein.example"},
    ])
    failures = partnerships.failed_rules(valid_partnership)
    assert [f.code for f in failures] == ["municipal_partner"]
    assert "Nicht kommunal: Heimatverein e.V." in failures[0].message

    partnerships.update_partnership(valid_partnership, actor=None, members=[
        {"institution_id": association.id, "contact_name": "Anna Berg", "contact_email": "anna.berg@verein.example"},
        {"institution_id": museum_member.institution_id, "contact_name": "Eva Keller",
         "contact_email": "eva.keller@stadtmuseum.example"},
    ])
    assert failing(valid_partnership) == []


def test_kindergartens_and_day_care_are_refused_with_the_reason(db):
    for kind in ("kindergarten", "day_care"):
        with pytest.raises(Invalid) as caught:
            directory.create_institution(actor=None, name="Kita Sonnenschein", kind=kind)
        assert caught.value.code == "kind_not_admitted"
        assert "nicht zugelassen" in caught.value.message and caught.value.errors == {"kind": [caught.value.message]}
    db.session.rollback()
    assert db.session.query(Institution).count() == 0


def test_an_admitted_institution_cannot_become_a_kindergarten(db, institution):
    with pytest.raises(Invalid) as caught:
        directory.update_institution(institution, actor=None, kind="kindergarten")
    assert caught.value.code == "kind_not_admitted"
    assert institution.kind == "museum"


def test_agreement_must_be_a_pdf_by_content_and_is_not_stored_otherwise(valid_partnership, storage):
    valid_partnership.agreement_name = None
    fake = b"<html>not a pdf</html>"
    with pytest.raises(Invalid) as caught:
        partnerships.attach_agreement(valid_partnership, fake, storage=storage, max_bytes=1000, actor=None)
    assert caught.value.code == "not_a_pdf"
    with pytest.raises(partnerships.AgreementTooLarge) as too_large:
        partnerships.attach_agreement(valid_partnership, PDF + b" " * 1000, storage=storage, max_bytes=1000,
                                      actor=None)
    assert too_large.value.status == 413 and too_large.value.code == "too_large"
    assert valid_partnership.agreement_name is None
    from media.storage import content_name
    assert not storage.exists(content_name(fake, "pdf"))


def test_only_drafts_can_be_edited(db, valid_partnership):
    valid_partnership.status = "registered"
    with pytest.raises(Conflict) as caught:
        partnerships.update_partnership(valid_partnership, actor=None, title="Neu")
    assert caught.value.code == "not_editable"
    assert valid_partnership.title == "Geschichte vor Ort"


def test_an_end_before_the_start_is_refused_before_anything_changes(valid_partnership):
    with pytest.raises(Invalid) as caught:
        partnerships.update_partnership(valid_partnership, actor=None, title="Neu", ends_on=dt.date(2024, 1, 1))
    assert caught.value.errors == {"ends_on": ["Muss nach dem Beginn liegen."]}
    assert valid_partnership.title == "Geschichte vor Ort"
    assert valid_partnership.ends_on == dt.date(2027, 8, 1)


# --- Lifecycle -------------------------------------------------------------------------

STATUSES = ("draft", "submitted", "registered", "evaluation_due", "ended")


@pytest.mark.parametrize("action", list(partnerships.TRANSITIONS))
def test_each_transition_is_legal_from_its_statuses_and_refused_from_the_others(db, valid_partnership, action):
    """For one action, try it from every status: legal ones move on and are logged, others are 409."""
    sources, target = partnerships.TRANSITIONS[action]
    partnership_id = valid_partnership.id
    for status in STATUSES:
        partnership = db.session.get(Partnership, partnership_id)
        partnership.status = status
        partnership.next_evaluation_on = dt.date(2028, 8, 1)
        db.session.commit()
        if status in sources:
            partnerships.transition(partnership, action, actor=None, today=dt.date(2026, 1, 15), note=status)
            db.session.commit()
            assert partnership.status == target, status
            event = db.session.scalars(db.select(PartnershipEvent).order_by(PartnershipEvent.id.desc())).first()
            assert (event.from_status, event.to_status, event.note) == (status, target, status)
        else:
            events_before = db.session.query(PartnershipEvent).count()
            with pytest.raises(Conflict) as caught:
                partnerships.transition(partnership, action, actor=None)
            assert caught.value.code == "illegal_transition"
            assert f"im Status „{partnerships.STATUS_NAMES[status]}“ kann nicht" in caught.value.message
            db.session.rollback()
            assert db.session.get(Partnership, partnership_id).status == status
            assert db.session.query(PartnershipEvent).count() == events_before
    assert db.session.query(PartnershipEvent).count() == len(sources)


def test_a_transition_records_who_took_it(db, valid_partnership, office):
    partnerships.transition(valid_partnership, "submit", actor=office, note="Bitte prüfen")
    db.session.commit()
    event = db.session.scalar(db.select(PartnershipEvent))
    assert (event.actor_id, event.from_status, event.to_status, event.note) == (
        office.id, "draft", "submitted", "Bitte prüfen")


def test_an_unknown_action_is_invalid(valid_partnership):
    with pytest.raises(Invalid) as caught:
        partnerships.transition(valid_partnership, "approve", actor=None)
    assert "action" in caught.value.errors


def test_registering_sets_the_evaluation_date(db, valid_partnership, office):
    partnerships.transition(valid_partnership, "submit", actor=office, today=dt.date(2025, 6, 1))
    partnerships.transition(valid_partnership, "register", actor=office, today=dt.date(2025, 6, 10))
    assert valid_partnership.registered_on == dt.date(2025, 6, 10)
    assert valid_partnership.next_evaluation_on == dt.date(2028, 8, 1)  # 3 years after the start


def test_registering_rechecks_the_rules(db, valid_partnership, office):
    partnerships.transition(valid_partnership, "submit", actor=office)
    valid_partnership.signed_by_both = False
    with pytest.raises(RuleViolation) as caught:
        partnerships.transition(valid_partnership, "register", actor=office)
    assert caught.value.reasons == ["Die Vereinbarung muss von der Schule und jeder Einrichtung unterschrieben sein."]
    assert valid_partnership.status == "submitted"


def test_renewal_extends_the_end_date_and_refuses_an_earlier_one(db, valid_partnership, office):
    valid_partnership.status = "evaluation_due"
    with pytest.raises(Invalid):
        partnerships.transition(valid_partnership, "renew", actor=office, ends_on=dt.date(2027, 1, 1))
    assert valid_partnership.status == "evaluation_due"
    today = dt.date(2028, 7, 1)
    partnerships.transition(valid_partnership, "renew", actor=office, today=today, ends_on=dt.date(2030, 8, 1))
    assert (valid_partnership.status, valid_partnership.ends_on) == ("registered", dt.date(2030, 8, 1))
    assert valid_partnership.renewed_on == today == valid_partnership.last_evaluated_on
    assert valid_partnership.next_evaluation_on == dt.date(2031, 7, 1)


def test_ending_records_the_dates_notice_and_reason(db, valid_partnership, office):
    valid_partnership.status = "registered"
    with pytest.raises(Invalid) as caught:
        partnerships.transition(valid_partnership, "end", actor=office, ended_on=dt.date(2026, 1, 1),
                                notice_given_on=dt.date(2026, 2, 1))
    assert "notice_given_on" in caught.value.errors
    partnerships.transition(valid_partnership, "end", actor=office, ended_on=dt.date(2026, 7, 31),
                            notice_given_on=dt.date(2026, 1, 31), reason="Museum closes for renovation")
    assert valid_partnership.status == "ended"
    assert (valid_partnership.ended_on, valid_partnership.notice_given_on) == (dt.date(2026, 7, 31),
                                                                               dt.date(2026, 1, 31))
    assert valid_partnership.end_reason == "Museum closes for renovation"


def test_parties_may_submit_but_only_the_office_registers(db, valid_partnership, teacher, make_user):
    outsider = make_user("teacher", schools=[valid_partnership.school])  # same school: a party too
    partnerships.transition(valid_partnership, "submit", actor=outsider)
    assert valid_partnership.status == "submitted"
    with pytest.raises(Forbidden):
        partnerships.transition(valid_partnership, "register", actor=teacher)
    assert valid_partnership.status == "submitted"


def test_a_stranger_cannot_submit(db, valid_partnership, make_user, make_school):
    stranger = make_user("teacher", schools=[make_school()])
    with pytest.raises(Forbidden):
        partnerships.transition(valid_partnership, "submit", actor=stranger)
    assert valid_partnership.status == "draft"


def test_due_evaluations_are_flagged_and_listed(db, valid_partnership, office):
    partnerships.transition(valid_partnership, "submit", actor=office, today=dt.date(2025, 6, 1))
    partnerships.transition(valid_partnership, "register", actor=office, today=dt.date(2025, 6, 1))
    assert partnerships.due_list(dt.date(2026, 1, 1)) == []
    rows = partnerships.due_list(dt.date(2027, 6, 1))
    assert [(r["due"], r["on"]) for r in rows] == [("renewal", dt.date(2027, 8, 1))]
    flagged = partnerships.refresh_due(dt.date(2028, 8, 1))
    assert flagged == [valid_partnership] and valid_partnership.status == "evaluation_due"
    due = {r["due"] for r in partnerships.due_list(dt.date(2028, 8, 1))}
    assert due == {"evaluation", "renewal"}


def test_a_registered_current_partnership_is_found_for_its_school_and_institution(db, valid_partnership, office):
    institution_id = _member(valid_partnership).institution_id
    school_id = valid_partnership.school_id
    assert partnerships.current_partnership(school_id, institution_id, dt.date(2026, 1, 1)) is None
    valid_partnership.status = "registered"
    assert partnerships.current_partnership(school_id, institution_id, dt.date(2026, 1, 1)) is valid_partnership
    assert partnerships.current_partnership(school_id, institution_id, dt.date(2027, 8, 2)) is None
