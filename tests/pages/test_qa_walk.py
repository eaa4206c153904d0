"""What a walk through the integrated product turned up: words in the wrong language, controls
too small or too wide on a phone."""

from __future__ import annotations


import pytest

from tests.pages.helpers import login, text



@pytest.fixture
def office_client(client, office):
    login(client, office)
    return client


def test_the_figures_table_heads_its_rally_column_in_english_on_english_pages(office_client, make_rally):
    make_rally(publish="public")

    english = text(office_client.get("/office/figures?lang=en"))
    german = text(office_client.get("/office/figures?lang=de"))

    assert "<th>Rallies</th>" in english and "Rallyes" not in english
    assert "<th>Rallyes</th>" in german




def test_a_teacher_graded_task_in_the_statistics_says_who_grades_it_once(client, teacher, editor, db, make_rally,
                                                                          make_run):
    from rallies import authoring, publishing

    rally = make_rally(stations=[{"title": "Eingangshalle", "tasks": ["single_choice"]}], publish=None)
    authoring.add_task(rally.stations[0], actor=editor, type="text", prompt_md="Was hat dir gefallen?", points=10,
                       config={"teacher_graded": True})
    publishing.publish(rally, actor=editor, visibility="public")
    db.session.commit()
    run = make_run(rally)
    login(client, teacher)

    page = text(client.get(f"/teacher/runs/{run.id}/results"))

    assert page.count("Von der Lehrkraft bewertet") == 1
    assert "graded by the teacher" not in page
    assert "Lösung:" in page  # the single choice still shows its solution


@pytest.mark.parametrize("url", ["/join", "/join/"])
def test_join_without_a_code_opens_the_players_join_screen_instead_of_a_404(client, url):
    response = client.get(url, follow_redirects=True)

    assert response.status_code == 200
    assert 'id="player"' in text(response) and 'data-join-code=""' in text(response)
    assert "Fehler 404" not in text(response)
