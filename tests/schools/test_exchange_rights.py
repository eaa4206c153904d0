"""Archives of co-owned rallies: every authoring side imports its own; another school may not."""

from __future__ import annotations

import io

from rallies.models import Rally

API = "/api/manage/v1"


def import_zip(api, data: bytes, **owner):
    form = {key: str(value) for key, value in owner.items()}
    return api.post(f"{API}/rallies/import", data={**form, "file": (io.BytesIO(data), "rally.zip")},
                    content_type="multipart/form-data")


def test_the_partner_museum_imports_a_co_owned_rally_but_another_school_may_not(
        db, api_as, school_rally, partnership, teacher, editor, institution, make_user, make_school):
    rally = school_rally(partnership=partnership)  # all rights reserved, authored by school and museum
    exported = api_as(teacher).get(f"{API}/rallies/{rally.id}/export.zip").data
    museum = import_zip(api_as(editor), exported, institution_id=institution.id)
    assert museum.status_code == 201, museum.get_json()
    copy = db.session.get(Rally, museum.get_json()["id"])
    assert copy.institution_id == institution.id and copy.licence == "all-rights-reserved" and copy.attribution is None
    other = make_school(name="Nachbarschule")
    stranger = import_zip(api_as(make_user("teacher", schools=[other])), exported, school_id=other.id)
    assert stranger.status_code == 409 and stranger.get_json()["code"] == "licence_forbids_copy"
    assert db.session.scalar(db.select(db.func.count(Rally.id)).where(Rally.school_id == other.id)) == 0


def test_the_import_page_says_why_an_all_rights_reserved_archive_of_another_school_is_refused(
        db, client, school_rally, storage, editor, institution):
    from rallies import exchange
    from tests.pages.helpers import login, text

    exported = exchange.export_rally(school_rally(), storage=storage)  # the school's, all rights reserved
    login(client, editor)
    response = client.post("/editor/rallies/import", data={
        "institution_id": institution.id, "file": (io.BytesIO(exported), "rallye.zip")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "behält alle Rechte" in text(response)
    assert db.session.scalar(db.select(db.func.count(Rally.id)).where(Rally.institution_id == institution.id)) == 0
