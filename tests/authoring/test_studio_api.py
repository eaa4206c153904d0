"""The studio page calls the management API with the browser session plus the page's CSRF token,
and two authors do not overwrite each other: writes may send If-Match with the rally's ETag."""

from __future__ import annotations

import re

from rallies.models import Rally, Task
from tests.authoring.conftest import API, CHOICE
from tests.pages.helpers import login


def _csrf(client) -> str:
    page = client.get("/editor/rallies").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_signed_in_page_may_call_the_api_with_its_csrf_token(client, editor, api_rally, db):
    rally = api_rally()
    login(client, editor)
    token = _csrf(client)

    response = client.patch(f"{API}/rallies/{rally['id']}", json={"title": "Farben der Moderne"},
                            headers={"X-CSRFToken": token})

    assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    assert db.session.get(Rally, rally["id"]).title == "Farben der Moderne"


def test_a_session_cookie_without_the_csrf_token_is_not_enough(client, editor, api_rally, db):
    rally = api_rally()
    login(client, editor)

    bare = client.patch(f"{API}/rallies/{rally['id']}", json={"title": "Gekapert"})
    forged = client.patch(f"{API}/rallies/{rally['id']}", json={"title": "Gekapert"},
                          headers={"X-CSRFToken": "not-the-token"})

    assert bare.status_code == 401 and forged.status_code == 401
    assert forged.get_json()["code"] == "unauthorized"
    db.session.expire_all()
    assert db.session.get(Rally, rally["id"]).title != "Gekapert"


def test_every_answer_about_a_rally_carries_its_etag_and_a_change_changes_it(editor_api, api_rally):
    rally = api_rally(stations=[{"title": "Foyer", "tasks": [CHOICE]}])
    first = editor_api.get(f"{API}/rallies/{rally['id']}").headers["ETag"]
    assert first.startswith('"') and first == editor_api.get(f"{API}/rallies/{rally['id']}").headers["ETag"]

    changed = editor_api.patch(f"{API}/stations/{rally['stations'][0]['id']}", json={"title": "Eingang"},
                               headers={"If-Match": first})

    assert changed.status_code == 200
    assert changed.headers["ETag"] != first
    assert changed.headers["ETag"] == editor_api.get(f"{API}/rallies/{rally['id']}").headers["ETag"]


def test_a_second_author_with_a_stale_copy_gets_412_and_nothing_is_stored(editor_api, api_rally, db):
    rally = api_rally(stations=[{"title": "Foyer", "tasks": [CHOICE]}])
    seen = editor_api.get(f"{API}/rallies/{rally['id']}").headers["ETag"]
    task_id = rally["stations"][0]["tasks"][0]["id"]
    # The first author changes the task ...
    assert editor_api.patch(f"{API}/tasks/{task_id}", json={"prompt_md": "Welche Farbe?"},
                            headers={"If-Match": seen}).status_code == 200
    # ... the second, still holding the old ETag, tries to change it too.
    stale = editor_api.patch(f"{API}/tasks/{task_id}", json={"prompt_md": "Welche Form?"},
                             headers={"If-Match": seen})

    assert stale.status_code == 412
    assert stale.mimetype == "application/problem+json"
    body = stale.get_json()
    assert body["code"] == "precondition_failed" and body["current_etag"] != seen
    db.session.expire_all()
    assert db.session.get(Task, task_id).prompt_md == "Welche Farbe?"
    added = editor_api.post(f"{API}/stations/{rally['stations'][0]['id']}/tasks", json=CHOICE,
                            headers={"If-Match": seen})
    assert added.status_code == 412 and len(db.session.get(Task, task_id).station.tasks) == 1


def test_if_match_does_not_tell_strangers_that_a_rally_exists(other_api, api_rally):
    rally = api_rally()
    response = other_api.patch(f"{API}/rallies/{rally['id']}", json={"title": "x"}, headers={"If-Match": '"nope"'})
    assert response.status_code == 404
