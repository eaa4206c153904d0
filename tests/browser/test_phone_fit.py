"""Teacher and office pages on a 390 px phone: nothing wider than the screen, controls big enough to hit."""

from __future__ import annotations

import pytest

from tests.browser.conftest import _people

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "correct horse battery"


@pytest.fixture
def office_user(live_server):
    from rallies import accounts
    from rallies.db import db

    import datetime as dt

    from rallies.models import Partnership, PartnershipEvent, PartnershipMember

    institution, school, _, _ = _people()
    user = accounts.create_user(email="office@example.org", password=PASSWORD, role="office", display_name="Programmbüro",
                                institution_ids=[], school_ids=[])
    today = dt.date.today()
    partnership = Partnership(
        school=school, title="Kulturpartnerschaft", status="registered", starts_on=today,
        ends_on=today + dt.timedelta(days=800), open_to_all_pupils=True, programme_named=True, signed_by_both=True,
        school_contact_name="Frau Lehmann", school_contact_email="a.lehmann@schule.example", registered_on=today,
        next_evaluation_on=today + dt.timedelta(days=600),
        members=[PartnershipMember(institution=institution, contact_name="Herr Berg",
                                   contact_email="k.berg@museum.example")])
    db.session.add(partnership)
    db.session.flush()
    db.session.add_all([PartnershipEvent(partnership_id=partnership.id, from_status="draft", to_status="submitted",
                                         actor_id=user.id),
                        PartnershipEvent(partnership_id=partnership.id, from_status="submitted",
                                         to_status="registered", actor_id=user.id)])
    db.session.commit()
    return user


def _log_in(page, live_server, email):
    from playwright.sync_api import expect

    page.goto(live_server("/login"))
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Anmelden")).to_have_count(0)


def _too_small(page) -> list[str]:
    """Buttons, inputs, selects and navigation links lower than 44 px."""
    return page.evaluate("""() => [...document.querySelectorAll(
        'button, .button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, .topbar a, .filters a')]
      .filter(el => el.offsetParent && el.getBoundingClientRect().height < 43.5)
      .map(el => el.tagName + ' ' + (el.innerText || el.name || '').trim().slice(0, 30)
                 + ' ' + Math.round(el.getBoundingClientRect().height))""")


@pytest.mark.parametrize("language", ["de", "en"])
def test_office_pages_fit_a_phone_and_their_controls_are_44_px_high(live_server, phone, office_user, language):
    page = phone().new_page()
    _log_in(page, live_server, "office@example.org")
    for url in ("/office/institutions", "/office/partnerships", "/office/partnerships/1", "/office/accounts/invite"):
        page.goto(live_server(f"{url}?lang={language}"))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{url}: {overflow}px of horizontal scrolling"
        assert _too_small(page) == [], url
