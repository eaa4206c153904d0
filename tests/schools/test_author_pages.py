"""Teachers use the editor's pages for their school's rallies; the library and change list on the pages."""

from __future__ import annotations

import io

from PIL import Image

from rallies import authoring, publishing
from rallies.models import Rally
from tests.pages.helpers import crawl, login, text


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_teacher_creates_a_school_rally_on_the_editor_pages_and_publishes_it_for_her_school(client, db, teacher,
                                                                                                school):
    login(client, teacher)
    listing = client.get("/editor/rallies")
    assert listing.status_code == 200 and f'name="institution_id" value="{school.id}"' in text(listing)
    created = client.post("/editor/rallies/new", data={"institution_id": school.id, "title": "Unser Schulhof",
                                                       "about": "Klasse 7b über den Schulhof", "language": "de",
                                                       "age_min": 12, "age_max": 13, "partnership_id": 0})
    assert created.status_code == 302, text(created)
    rally = db.session.scalar(db.select(Rally).filter_by(title="Unser Schulhof"))
    assert rally.school_id == school.id and rally.institution_id is None
    page = client.get(f"/editor/rallies/{rally.id}")
    assert "Gesamtschule Am Park" in text(page) and "Unsere Schule" in text(page)
    client.post(f"/editor/rallies/{rally.id}/stations", data={"title": "Der Baum", "unlock_mode": "open"})
    station = db.session.get(Rally, rally.id).stations[0]
    uploaded = client.post(f"/editor/stations/{station.id}/media", data={
        "file": (io.BytesIO(png_bytes()), "baum.png"), "alt": "Die alte Eiche"}, content_type="multipart/form-data")
    assert uploaded.status_code == 302, text(uploaded)
    db.session.expire_all()
    assert db.session.get(Rally, rally.id).stations[0].media[0].asset.school_ids == {school.id}
    published = client.post(f"/editor/rallies/{rally.id}/publish", data={"visibility": "school"})
    assert published.status_code == 302, text(published)
    db.session.expire_all()
    assert db.session.get(Rally, rally.id).visibility == "school"
    changes = text(client.get(f"/editor/rallies/{rally.id}"))
    assert "Version 1" in changes and teacher.display_name in changes and "Der Baum" in changes


def test_every_page_a_teacher_reaches_answers_without_error(client, db, teacher, school_rally):
    school_rally(publish="school")
    login(client, teacher)
    statuses = crawl(client, "/editor/rallies")
    assert statuses and all(status in (200, 302) for status in statuses.values()), statuses


def test_a_teacher_of_another_school_gets_404_on_the_rally_pages(client, db, school_rally, make_user, make_school):
    rally = school_rally()
    login(client, make_user("teacher", schools=[make_school(name="Nachbarschule")]))
    for path in (f"/editor/rallies/{rally.id}", f"/editor/stations/{rally.stations[0].id}",
                 f"/editor/rallies/{rally.id}/preview"):
        assert client.get(path).status_code == 404, path


def test_the_library_page_filters_and_copies_with_attribution(client, db, make_rally, editor, teacher, school):
    original = make_rally(publish=None, title="Die Nachtwache", subjects=["Kunst"])
    authoring.update_rally(original, actor=editor, licence="CC-BY-SA-4.0")
    publishing.publish(original, actor=editor, visibility="public")
    make_rally(publish="public", title="Geschlossen", subjects=["Geschichte"])
    db.session.commit()
    login(client, teacher)
    page = text(client.get("/library?subject=kunst"))
    assert "Die Nachtwache" in page and "Geschlossen" not in page and "CC BY-SA 4.0" in page
    assert "kein Kopieren" in text(client.get("/library?q=geschlossen"))
    copied = client.post(f"/library/{original.id}/copy", data={"owner_id": school.id})
    assert copied.status_code == 302
    clone = db.session.scalar(db.select(Rally).filter_by(school_id=school.id))
    assert clone.attribution["owner"] == "Stadtmuseum Beispielstadt"
    shown = text(client.get(f"/editor/rallies/{clone.id}"))
    assert "Nach „Die Nachtwache“ (Version 1) von Stadtmuseum Beispielstadt, CC BY-SA 4.0" in shown
