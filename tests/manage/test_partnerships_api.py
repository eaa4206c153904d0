"""The management API for partnerships: drafts, the agreement PDF, rule checks, the lifecycle, isolation."""

import io
import os

import pytest

from rallies.models import Partnership, PartnershipEvent, PartnershipMember
from tests.support.problems import assert_problem

API = "/api/manage/v1"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def terms(school, *institutions, **overrides):
    """A request body for a partnership that meets every rule once its PDF is attached."""
    body = {
        "school_id": school.id, "title": "Geschichte vor Ort",
        "starts_on": "2025-08-01", "ends_on": "2027-08-01",
        "open_to_all_pupils": True, "programme_named": True, "signed_by_both": True,
        "school_contact_name": "Jonas Weber", "school_contact_email": "j.weber@schule.example",
        "members": [{"institution_id": i.id, "contact_name": f"Kontakt {i.id}",
                     "contact_email": f"person{i.id}@museum.example"} for i in institutions],
    }
    body.update(overrides)
    return body


def upload(api, partnership_id, data=PDF, name="vertrag.pdf"):
    return api.put(f"{API}/partnerships/{partnership_id}/agreement",
                   data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def stored_files(app):
    return [name for _, _, names in os.walk(app.config["MEDIA_STORAGE"]) for name in names]


def fresh(db, partnership_id):
    """The partnership as stored: what a failed request left in the session is discarded first."""
    db.session.rollback()
    return db.session.get(Partnership, partnership_id)


@pytest.fixture
def office_api(api_as, office):
    return api_as(office)


@pytest.fixture
def draft(office_api, school, institution):
    """A draft meeting every rule except the missing agreement PDF, between `school` and `institution`."""
    response = office_api.post(f"{API}/partnerships", json=terms(school, institution))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_office_creates_a_draft_partnership(db, draft, school, institution):
    assert draft["status"] == "draft" and draft["school"] == {"id": school.id, "name": school.name}
    assert draft["starts_on"] == "2025-08-01" and draft["agreement"] == {"present": False, "sha256": None}
    assert draft["members"][0]["institution_name"] == institution.name
    stored = db.session.get(Partnership, draft["id"])
    assert stored.title == "Geschichte vor Ort" and [m.institution_id for m in stored.members] == [institution.id]


INVALID_BODIES = [
    ({"school_id": "eins"}, "school_id"),
    ({"starts_on": "01.08.2025"}, "starts_on"),
    ({"open_to_all_pupils": "maybe"}, "open_to_all_pupils"),
    ({"evaluation_interval_years": 2.5}, "evaluation_interval_years"),
    ({"evaluation_interval_years": 0}, "evaluation_interval_years"),
    ({"members": "all"}, "members"),
    ({"members": []}, "members"),
    ({"members": [{"contact_name": "X"}]}, "members.0.institution_id"),
    ({"school_contact_email": "not-an-address"}, "school_contact_email"),
    ({"title": ["a"]}, "title"),
    ({"surprise": 1}, "surprise"),
]


def test_invalid_partnership_bodies_are_refused_and_nothing_is_stored(db, office_api, school, institution):
    for change, field in INVALID_BODIES:
        response = office_api.post(f"{API}/partnerships", json=terms(school, institution, **change))
        body = assert_problem(response, 422, "invalid_request")
        assert field in body["errors"], change
    assert db.session.query(Partnership).count() == 0
    assert db.session.query(PartnershipMember).count() == 0


def test_missing_fields_and_unknown_ids_are_refused(db, office_api, school, institution):
    body = assert_problem(office_api.post(f"{API}/partnerships", json={}), 422, "invalid_request")
    assert set(body["errors"]) == {"school_id", "members"}
    unknown_school = office_api.post(f"{API}/partnerships", json=terms(school, institution, school_id=99999))
    assert "school_id" in assert_problem(unknown_school, 422, "invalid_request")["errors"]
    twice = office_api.post(f"{API}/partnerships", json=terms(school, institution, institution))
    assert "members.1.institution_id" in assert_problem(twice, 422, "invalid_request")["errors"]
    assert db.session.query(Partnership).count() == 0


def test_malformed_json_is_a_400_problem(db, office_api):
    response = office_api.post(f"{API}/partnerships", data="{not json", content_type="application/json")
    assert_problem(response, 400, "malformed_json")
    assert db.session.query(Partnership).count() == 0


def test_only_the_office_creates_partnerships(db, api_as, teacher, school, institution):
    response = api_as(teacher).post(f"{API}/partnerships", json=terms(school, institution))
    assert_problem(response, 403, "forbidden")
    assert db.session.query(Partnership).count() == 0


def test_a_party_edits_the_draft_but_not_its_members(db, api_as, draft, teacher, make_institution):
    teacher_api = api_as(teacher)
    response = teacher_api.patch(f"{API}/partnerships/{draft['id']}", json={"title": "Stadtgeschichte",
                                                                            "ends_on": "2028-07-31"})
    assert response.status_code == 200 and response.get_json()["title"] == "Stadtgeschichte"
    other = make_institution()
    refused = teacher_api.patch(f"{API}/partnerships/{draft['id']}",
                                json={"members": [{"institution_id": other.id}]})
    assert_problem(refused, 403, "forbidden")
    stored = fresh(db, draft["id"])
    assert stored.title == "Stadtgeschichte" and str(stored.ends_on) == "2028-07-31"
    assert stored.institution_ids != {other.id}


def test_patch_with_bad_input_changes_nothing(db, office_api, draft):
    wrong = office_api.patch(f"{API}/partnerships/{draft['id']}", json={"title": "Neu", "ends_on": 2027})
    assert "ends_on" in assert_problem(wrong, 422, "invalid_request")["errors"]
    backwards = office_api.patch(f"{API}/partnerships/{draft['id']}", json={"title": "Neu", "ends_on": "2020-01-01"})
    assert assert_problem(backwards, 422, "invalid_request")["errors"] == {"ends_on": ["Muss nach dem Beginn liegen."]}
    assert fresh(db, draft["id"]).title == "Geschichte vor Ort"


def test_an_agreement_pdf_is_stored_and_served_to_the_parties(app, db, api_as, office_api, draft, teacher, editor):
    response = upload(office_api, draft["id"])
    assert response.status_code == 200
    assert response.get_json()["agreement"]["present"] is True
    assert len(stored_files(app)) == 1
    for user in (teacher, editor):
        pdf = api_as(user).get(f"{API}/partnerships/{draft['id']}/agreement")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data == PDF
        assert "attachment" in pdf.headers["Content-Disposition"]


def test_no_agreement_yet_is_a_404(office_api, draft):
    assert_problem(office_api.get(f"{API}/partnerships/{draft['id']}/agreement"), 404, "no_agreement")


def test_a_file_that_is_not_a_pdf_is_refused_and_not_stored(app, db, office_api, draft):
    for data in (b"<html><body>Vertrag</body></html>",  # named like a PDF, isn't one
                 b"%PDF-1.4 but cut off before its end",
                 b"PK\x03\x04 a zip file"):
        body = assert_problem(upload(office_api, draft["id"], data, "vertrag.pdf"), 422, "not_a_pdf")
        assert body["errors"] == {"file": ["Keine PDF-Datei."]}
    assert_problem(upload(office_api, draft["id"], b""), 422, "invalid_request")
    assert fresh(db, draft["id"]).agreement_name is None
    assert stored_files(app) == []


def test_an_oversized_agreement_is_refused_and_not_stored(app, db, office_api, draft):
    app.config["MAX_AGREEMENT_BYTES"] = 1000
    big = PDF[:-7] + b"x" * 2000 + b"\n%%EOF\n"
    body = assert_problem(upload(office_api, draft["id"], big), 413, "too_large")
    assert body["limit"] == 1000
    assert fresh(db, draft["id"]).agreement_name is None
    assert stored_files(app) == []


def test_an_upload_without_a_file_is_refused(app, db, office_api, draft):
    response = office_api.put(f"{API}/partnerships/{draft['id']}/agreement", data={"other": "x"},
                              content_type="multipart/form-data")
    assert "file" in assert_problem(response, 422, "invalid_request")["errors"]
    assert stored_files(app) == []


def test_check_lists_every_failed_rule_at_once(office_api, school, institution):
    created = office_api.post(f"{API}/partnerships", json={
        "school_id": school.id,
        "members": [{"institution_id": institution.id, "contact_email": "info@museum.example"}]}).get_json()
    body = office_api.get(f"{API}/partnerships/{created['id']}/check").get_json()
    assert body["ok"] is False
    assert [r["code"] for r in body["rules"] if not r["ok"]] == [
        "agreement_pdf", "agreement_signed", "duration", "school_contact", "institution_contacts",
        "open_to_all_pupils", "programme_named"]
    assert all(r["message"] for r in body["rules"])


def test_submitting_a_partnership_that_breaks_rules_lists_all_reasons(db, office_api, draft):
    response = office_api.post(f"{API}/partnerships/{draft['id']}/transitions", json={"action": "submit"})
    body = assert_problem(response, 422, "rule_violation")
    assert body["reasons"] == ["Die unterschriebene Kooperationsvereinbarung (PDF) fehlt."]
    assert fresh(db, draft["id"]).status == "draft"
    assert db.session.query(PartnershipEvent).count() == 0


def test_the_whole_lifecycle_through_the_api(db, api_as, office_api, draft, teacher):
    pid = draft["id"]
    assert upload(office_api, pid).status_code == 200

    def step(api, **body):
        return api.post(f"{API}/partnerships/{pid}/transitions", json=body)

    teacher_api = api_as(teacher)
    assert step(teacher_api, action="submit", note="Unterschrieben").get_json()["status"] == "submitted"
    assert_problem(step(teacher_api, action="register"), 403, "forbidden")
    assert_problem(step(office_api, action="renew"), 409, "illegal_transition")
    registered = step(office_api, action="register").get_json()
    assert registered["status"] == "registered" and registered["next_evaluation_on"]
    assert step(office_api, action="mark_evaluation_due").get_json()["status"] == "evaluation_due"
    renewed = step(office_api, action="renew", ends_on="2031-07-31").get_json()
    assert renewed["status"] == "registered" and renewed["ends_on"] == "2031-07-31"
    assert_problem(step(office_api, action="submit"), 409, "illegal_transition")
    ended = step(office_api, action="end", ended_on="2030-07-31", notice_given_on="2030-01-15",
                 reason="Schule wechselt den Schwerpunkt").get_json()
    assert (ended["status"], ended["ended_on"], ended["notice_given_on"]) == ("ended", "2030-07-31", "2030-01-15")
    assert [(e["from_status"], e["to_status"]) for e in ended["events"]] == [
        ("draft", "submitted"), ("submitted", "registered"), ("registered", "evaluation_due"),
        ("evaluation_due", "registered"), ("registered", "ended")]
    assert ended["events"][0]["note"] == "Unterschrieben"
    assert_problem(step(office_api, action="renew"), 409, "illegal_transition")
    assert fresh(db, pid).status == "ended"


def test_invalid_transition_bodies_are_refused(db, office_api, draft):
    for body, field in [({}, "action"), ({"action": "approve"}, "action"), ({"action": 3}, "action"),
                        ({"action": "end", "ended_on": "yesterday"}, "ended_on"),
                        ({"action": "end", "reason": 5}, "reason")]:
        response = office_api.post(f"{API}/partnerships/{draft['id']}/transitions", json=body)
        assert field in assert_problem(response, 422, "invalid_request")["errors"], body
    assert_problem(office_api.post(f"{API}/partnerships/{draft['id']}/transitions", data="action=submit",
                                   content_type="application/json"), 400, "malformed_json")
    assert fresh(db, draft["id"]).status == "draft"
    assert db.session.query(PartnershipEvent).count() == 0


def test_list_filters_by_status(office_api, draft, school, institution):
    second = office_api.post(f"{API}/partnerships", json=terms(school, institution, title="Zweite")).get_json()
    upload(office_api, second["id"])
    office_api.post(f"{API}/partnerships/{second['id']}/transitions", json={"action": "submit"})
    submitted = office_api.get(f"{API}/partnerships?status=submitted").get_json()
    assert [p["id"] for p in submitted] == [second["id"]]
    assert [p["id"] for p in office_api.get(f"{API}/partnerships").get_json()] == [draft["id"], second["id"]]
    bad = office_api.get(f"{API}/partnerships?status=approved")
    assert "status" in assert_problem(bad, 422, "invalid_request")["errors"]


def test_parties_see_only_their_own_partnerships(db, api_as, office_api, draft, make_user, make_school,
                                                 make_institution, teacher, editor):
    other_school, other_institution = make_school(), make_institution()
    theirs = office_api.post(f"{API}/partnerships", json=terms(other_school, other_institution)).get_json()
    upload(office_api, theirs["id"])
    for user in (editor, teacher):
        api = api_as(user)
        assert [p["id"] for p in api.get(f"{API}/partnerships").get_json()] == [draft["id"]]
        assert api.get(f"{API}/partnerships/{draft['id']}").status_code == 200
        for path in ("", "/check", "/agreement"):
            assert_problem(api.get(f"{API}/partnerships/{theirs['id']}{path}"), 404, "not_found")
        assert_problem(api.patch(f"{API}/partnerships/{theirs['id']}", json={"title": "Gekapert"}), 404, "not_found")
        assert_problem(api.post(f"{API}/partnerships/{theirs['id']}/transitions", json={"action": "submit"}),
                       404, "not_found")
        assert_problem(upload(api, theirs["id"]), 404, "not_found")
    stored = fresh(db, theirs["id"])
    assert (stored.title, stored.status) == ("Geschichte vor Ort", "draft")


def test_the_office_sees_what_is_due(db, office_api, api_as, teacher, school, institution):
    created = office_api.post(f"{API}/partnerships", json=terms(
        school, institution, starts_on="2024-01-01", ends_on="2026-06-30")).get_json()
    upload(office_api, created["id"])
    for action in ("submit", "register"):
        office_api.post(f"{API}/partnerships/{created['id']}/transitions", json={"action": action})
    rows = office_api.get(f"{API}/partnerships/due?within_days=3650").get_json()
    assert {(r["partnership"]["id"], r["due"]) for r in rows} == {(created["id"], "evaluation"),
                                                                  (created["id"], "renewal")}
    assert rows[0]["partnership"]["institutions"] == [{"id": institution.id, "name": institution.name}]
    assert_problem(api_as(teacher).get(f"{API}/partnerships/due"), 403, "forbidden")
    assert_problem(office_api.get(f"{API}/partnerships/due?within_days=soon"), 422, "invalid_request")


def test_registered_partnerships_cannot_be_edited(db, office_api, draft):
    upload(office_api, draft["id"])
    office_api.post(f"{API}/partnerships/{draft['id']}/transitions", json={"action": "submit"})
    assert_problem(office_api.patch(f"{API}/partnerships/{draft['id']}", json={"title": "Neu"}), 409, "not_editable")
    assert_problem(upload(office_api, draft["id"]), 409, "not_editable")
    assert fresh(db, draft["id"]).title == "Geschichte vor Ort"
