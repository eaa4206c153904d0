"""Programme office pages: institutions, schools, partnerships with the rule check, due list, rallies, crawl."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from tests.pages.helpers import crawl, login, text

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def office_client(client, office):
    login(client, office)
    return client


def partnership_form(school, institution, **overrides) -> dict:
    data = {
        "school_id": school.id, "title": "Museum trifft Schule", "starts_on": "2026-01-01", "ends_on": "2028-12-31",
        "evaluation_interval_years": "3", "school_contact_name": "Aylin Yılmaz",
        "school_contact_email": "a.yilmaz@schule.example", "open_to_all_pupils": "y", "programme_named": "y",
        "signed_by_both": "y", "members-0-institution_id": institution.id, "members-0-contact_name": "Jana Meier",
        "members-0-contact_email": "j.meier@museum.example", "members-1-institution_id": "0",
        "members-2-institution_id": "0",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_partnership(db, office, school, institution, storage):
    """A partnership through the services, by default meeting every rule, in the given status."""
    from rallies import partnerships

    def make(status: str = "draft", **fields):
        values = {"title": "Kulturpartner", "starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2029, 1, 1),
                  "open_to_all_pupils": True, "programme_named": True, "signed_by_both": True,
                  "school_contact_name": "Frau Schmidt", "school_contact_email": "m.schmidt@schule.example"}
        values.update(fields)
        p = partnerships.create_partnership(school_id=school.id, actor=office, members=[
            {"institution_id": institution.id, "contact_name": "Herr Roth", "contact_email": "k.roth@museum.example"}],
            **values)
        partnerships.attach_agreement(p, PDF, storage=storage, max_bytes=10_000_000, actor=office)
        steps = {"draft": [], "submitted": ["submit"], "registered": ["submit", "register"],
                 "evaluation_due": ["submit", "register", "mark_evaluation_due"]}[status]
        for action in steps:
            partnerships.transition(p, action, actor=office, today=dt.date(2026, 2, 1))
        db.session.commit()
        return p

    return make


# --- Institutions and schools ------------------------------------------------------------

def test_office_creates_an_institution_and_kindergarten_is_refused_with_the_reason(office_client, db):
    from rallies.models import Institution

    response = office_client.post("/office/institutions/new", data={
        "name": "Stadtarchiv Nord", "kind": "archive", "municipal": "y", "region": "Nord",
        "address": "Archivweg 1", "lat": "52,6", "lon": "13.3"})
    assert response.status_code == 302
    archive = db.session.scalar(db.select(Institution).filter_by(name="Stadtarchiv Nord"))
    assert (archive.kind, archive.municipal, archive.region, archive.lat) == ("archive", True, "Nord", 52.6)
    assert "Stadtarchiv Nord" in text(office_client.get("/office/institutions"))

    refused = office_client.post("/office/institutions/new", data={"name": "Kita Sonnenschein", "kind": "kindergarten"})
    assert refused.status_code == 422
    assert "Kindergärten sind nicht zugelassen: Das Programm ist für Schülerinnen und Schüler." in text(refused)
    assert db.session.scalar(db.select(Institution).filter_by(name="Kita Sonnenschein")) is None


def test_office_edits_an_institution_and_bad_coordinates_are_refused(office_client, db, institution):
    url = f"/office/institutions/{institution.id}"
    assert institution.name in text(office_client.get(url))

    saved = office_client.post(url, data={"name": "Stadtmuseum Neu", "kind": "museum", "region": "Süd"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert (institution.name, institution.municipal, institution.region) == ("Stadtmuseum Neu", False, "Süd")

    refused = office_client.post(url, data={"name": "X", "kind": "day_care", "municipal": "y"})
    assert refused.status_code == 422 and "Kitas sind nicht zugelassen" in text(refused)
    half = office_client.post(url, data={"name": "X", "kind": "museum", "lat": "52.5", "lon": ""})
    assert half.status_code == 422 and "Give both coordinates or neither." in text(half)
    db.session.expire_all()
    assert institution.name == "Stadtmuseum Neu"


def test_office_creates_and_edits_a_school(office_client, db):
    from rallies.models import School

    assert office_client.post("/office/schools/new", data={"name": "Grundschule am See", "region": "Ost"}).status_code == 302
    school = db.session.scalar(db.select(School).filter_by(name="Grundschule am See"))
    assert school.region == "Ost"

    assert office_client.post("/office/schools/new", data={"name": ""}).status_code == 422
    office_client.post(f"/office/schools/{school.id}", data={"name": "Oberschule am See", "region": "Ost"})
    db.session.expire_all()
    assert school.name == "Oberschule am See"
    assert db.session.scalar(db.select(db.func.count(School.id))) == 1


# --- Partnerships -------------------------------------------------------------------------

def test_partnership_from_form_to_registration_with_checklist_and_agreement(office_client, db, school, institution,
                                                                           storage):
    from rallies.models import Partnership

    created = office_client.post("/office/partnerships/new", data=partnership_form(school, institution))
    assert created.status_code == 302, text(created)
    p = db.session.scalar(db.select(Partnership))
    assert (p.school_id, p.status, p.ends_on, p.open_to_all_pupils) == (school.id, "draft", dt.date(2028, 12, 31), True)
    assert [(m.institution_id, m.contact_email) for m in p.members] == [(institution.id, "j.meier@museum.example")]

    page = text(office_client.get(f"/office/partnerships/{p.id}"))
    assert "1 von 9 Regeln nicht erfüllt" in page
    assert "✗" in page and "Die unterschriebene Kooperationsvereinbarung (PDF) fehlt." in page
    assert "✓" in page and "Jede Einrichtung ist von einer zugelassenen Art." in page

    not_pdf = office_client.post(f"/office/partnerships/{p.id}/agreement",
                                 data={"file": (io.BytesIO(b"Hallo, ich bin kein PDF"), "vertrag.pdf")},
                                 content_type="multipart/form-data")
    assert not_pdf.status_code == 422 and "Die Vereinbarung muss eine PDF-Datei sein." in text(not_pdf)
    db.session.expire_all()
    assert p.agreement_name is None

    uploaded = office_client.post(f"/office/partnerships/{p.id}/agreement",
                                  data={"file": (io.BytesIO(PDF), "vertrag.pdf")}, content_type="multipart/form-data")
    assert uploaded.status_code == 302
    db.session.expire_all()
    assert storage.get(p.agreement_name) == PDF
    page = text(office_client.get(f"/office/partnerships/{p.id}"))
    assert "Alle Regeln erfüllt." in page
    download = office_client.get(f"/office/partnerships/{p.id}/agreement.pdf")
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"

    for action in ("submit", "register"):
        response = office_client.post(f"/office/partnerships/{p.id}/transition", data={"action": action, "note": action})
        assert response.status_code == 302, text(response)
    db.session.expire_all()
    assert p.status == "registered" and p.registered_on is not None
    page = text(office_client.get(f"/office/partnerships/{p.id}"))
    assert "Registriert" in page and "Eingereicht → Registriert" in page
    # only the legal next steps are offered
    assert 'value="renew"' in page and 'value="end"' in page and 'value="submit"' not in page


def test_illegal_action_is_refused_with_a_message(office_client, db, make_partnership):
    p = make_partnership("draft")

    response = office_client.post(f"/office/partnerships/{p.id}/transition", data={"action": "end"})

    assert response.status_code == 409
    assert "Eine Partnerschaft im Status „Entwurf“ kann nicht beendet werden" in text(response)
    db.session.expire_all()
    assert p.status == "draft" and p.events == []


def test_submitting_a_partnership_that_breaks_rules_lists_every_reason(office_client, db, make_partnership):
    p = make_partnership("draft", open_to_all_pupils=False, school_contact_email="info@schule.example")

    response = office_client.post(f"/office/partnerships/{p.id}/transition", data={"action": "submit"})

    page = text(response)
    assert response.status_code == 422 and "Die Partnerschaft erfüllt die Regeln des Programms nicht" in page
    assert "Das Angebot muss allen Schülerinnen und Schülern der Schule offenstehen." in page
    assert "persönliche E-Mail-Adresse, nicht „info@schule.example“" in page
    db.session.expire_all()
    assert p.status == "draft"


def test_partnership_form_errors_are_shown_and_nothing_is_stored(office_client, db, school, institution):
    from rallies.models import Partnership

    no_members = office_client.post("/office/partnerships/new", data=partnership_form(
        school, institution, **{"members-0-institution_id": "0"}))
    assert no_members.status_code == 422 and "Mindestens eine Einrichtung nimmt teil." in text(no_members)

    backwards = office_client.post("/office/partnerships/new", data=partnership_form(
        school, institution, ends_on="2025-01-01"))
    assert backwards.status_code == 422 and "Muss nach dem Beginn liegen." in text(backwards)

    twice = office_client.post("/office/partnerships/new", data=partnership_form(
        school, institution, **{"members-1-institution_id": institution.id}))
    assert twice.status_code == 422 and "Doppelt genannt." in text(twice)
    assert db.session.scalar(db.select(db.func.count(Partnership.id))) == 0


def test_draft_partnership_is_edited_and_a_registered_one_is_not(office_client, db, make_partnership, school,
                                                                 institution, make_institution):
    p = make_partnership("draft")
    second = make_institution(name="Verein Heimatkunde", municipal=False)
    edit_form = office_client.get(f"/office/partnerships/{p.id}/edit")
    assert edit_form.status_code == 200 and "k.roth@museum.example" in text(edit_form)

    saved = office_client.post(f"/office/partnerships/{p.id}/edit", data=partnership_form(
        school, institution, title="Neu", **{"members-1-institution_id": second.id,
                                             "members-1-contact_name": "Eva Berg",
                                             "members-1-contact_email": "e.berg@verein.example"}))
    assert saved.status_code == 302
    db.session.expire_all()
    assert p.title == "Neu" and [m.institution.name for m in p.members] == [institution.name, "Verein Heimatkunde"]

    registered = make_partnership("registered")
    refused = office_client.post(f"/office/partnerships/{registered.id}/edit", data=partnership_form(
        school, institution, title="Geändert"))
    assert refused.status_code == 422 and "Nur ein Entwurf kann bearbeitet werden" in text(refused)
    db.session.expire_all()
    assert registered.title == "Kulturpartner"


def test_partnership_list_filters_by_status(office_client, make_partnership):
    make_partnership("draft", title="Erste Idee")
    make_partnership("registered", title="Läuft schon")

    everything = text(office_client.get("/office/partnerships"))
    assert "Erste Idee" in everything and "Läuft schon" in everything
    registered = text(office_client.get("/office/partnerships?status=registered"))
    assert "Läuft schon" in registered and "Erste Idee" not in registered


def test_due_list_shows_evaluations_and_renewals(office_client, db, make_partnership):
    make_partnership("evaluation_due", title="Zur Evaluation")
    make_partnership("registered", title="Bald zu Ende", ends_on=dt.date.today() + dt.timedelta(days=30),
                     starts_on=dt.date.today() - dt.timedelta(days=800))
    make_partnership("registered", title="Noch lange")

    page = text(office_client.get("/office/due"))

    assert "Zur Evaluation" in page and "Bald zu Ende" in page and "Noch lange" not in page
    assert "Verlängerung" in page
    assert office_client.post("/office/due/refresh").status_code == 302


# --- Rallies and figures ------------------------------------------------------------------

def test_office_withdraws_a_public_rally_with_a_reason(office_client, db, make_rally):
    rally = make_rally(title="Öffentliche Rallye", publish="public")

    assert "Öffentliche Rallye" in text(office_client.get("/office/rallies"))
    no_reason = office_client.post(f"/office/rallies/{rally.id}/withdraw", data={"reason": " "})
    assert no_reason.status_code == 422 and "Bitte begründen" in text(no_reason)
    db.session.expire_all()
    assert rally.visibility == "public"

    response = office_client.post(f"/office/rallies/{rally.id}/withdraw", data={"reason": "Bildrechte unklar."})
    assert response.status_code == 302
    db.session.expire_all()
    assert rally.visibility == "draft" and rally.review_note == "Bildrechte unklar."
    assert "Bildrechte unklar." in text(office_client.get("/office/rallies"))


def test_figures_page_shows_the_monitoring_figures(office_client, make_rally):
    pytest.importorskip("rallies.monitoring")
    make_rally(publish="public")

    page = text(office_client.get("/office/figures"))

    assert "Kennzahlen" in page and "Mitte" in page and "chart-row" in page
    csv = office_client.get("/office/figures.csv")
    assert csv.status_code == 200 and "Veröffentlichte Rallyes" in csv.data.decode("utf-8-sig")
    assert "Museum" in csv.data.decode("utf-8-sig") and b"rallies_published" not in csv.data


def test_other_roles_cannot_open_office_pages(client, editor):
    login(client, editor)
    for url in ("/office/partnerships", "/office/institutions", "/office/schools", "/office/due", "/office/rallies"):
        assert client.get(url).status_code == 403, url


# --- Crawl --------------------------------------------------------------------------------

def test_crawler_finds_no_server_error_on_office_pages(office_client, make_partnership, make_rally, make_institution):
    make_partnership("draft")
    make_partnership("registered", title="Registriert")
    make_partnership("evaluation_due", title="Evaluieren")
    make_institution(name="Kreisverband", municipal=False)
    make_rally(publish="public")

    visited = crawl(office_client)

    errors = {url: status for url, status in visited.items() if status >= 500}
    assert not errors
    assert any(url.startswith("/office/partnerships/") for url in visited)
    assert any(url.startswith("/office/institutions/") for url in visited)
    assert len(visited) > 12
