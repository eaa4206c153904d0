"""The teacher's pages of the live class visit, through the Flask test client."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from tests.pages.helpers import login, text
from tests.runs.conftest import utc


@pytest.fixture
def as_teacher(client, teacher):
    login(client, teacher)
    return client


def test_start_now_on_the_new_run_page_opens_a_run_for_the_rallys_length(as_teacher, make_rally, school, db):
    from rallies.models import ClassRun

    rally = make_rally(publish="public", settings={"run_minutes": 60})
    page = text(as_teacher.get(f"/teacher/runs/new?rally={rally.id}"))
    assert "Jetzt starten" in page and 'name="minutes"' in page and 'value="60"' in page

    response = as_teacher.post(f"/teacher/runs/start-now?rally={rally.id}",
                               data={"school_id": school.id, "class_label": "8c", "minutes": 60})

    assert response.status_code == 302
    run = db.session.scalar(db.select(ClassRun))
    assert run.class_label == "8c" and run.ends_at - run.starts_at == dt.timedelta(minutes=60)
    assert run.starts_at <= utc() and response.headers["Location"].endswith(f"/teacher/runs/{run.id}")


def test_start_now_with_bad_input_says_why_and_stores_nothing(as_teacher, make_rally, school, db):
    from rallies.models import ClassRun

    rally = make_rally(publish="public")
    response = as_teacher.post(f"/teacher/runs/start-now?rally={rally.id}",
                               data={"school_id": school.id, "class_label": "", "minutes": 5}, follow_redirects=True)
    assert response.status_code == 200
    assert "Klasse" in text(response) and 'class="flash error"' in text(response)
    assert db.session.scalar(db.select(db.func.count(ClassRun.id))) == 0


def test_a_planned_run_is_started_now_from_its_page(as_teacher, make_rally, start, db):
    planned = start(make_rally(publish="public"), starts_at=utc(days=1), ends_at=utc(days=1, hours=2))
    assert "/start-now" in text(as_teacher.get(f"/teacher/runs/{planned.id}"))

    response = as_teacher.post(f"/teacher/runs/{planned.id}/start-now", follow_redirects=True)

    assert "Der Lauf hat begonnen" in text(response)
    db.session.expire_all()
    assert planned.starts_at <= utc()


def test_the_end_of_a_run_under_way_moves_by_buttons(as_teacher, make_rally, start, join_team, db):
    run = start(make_rally(publish="public"), starts_at=utc(hours=-1), ends_at=utc(minutes=20))
    team, _ = join_team(run.join_code, "Die Langsamen")
    old_end, old_expiry = run.ends_at, team.expires_at
    page = text(as_teacher.get(f"/teacher/runs/{run.id}"))
    assert "Ende verschieben" in page and "+15 min" in page

    response = as_teacher.post(f"/teacher/runs/{run.id}/end", data={"shift": 30, "next": "live"})

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/teacher/runs/{run.id}/live")
    db.session.expire_all()
    assert run.ends_at == old_end + dt.timedelta(minutes=30)
    assert team.expires_at == old_expiry + dt.timedelta(minutes=30)
    shortened = as_teacher.post(f"/teacher/runs/{run.id}/end", data={"shift": -60}, follow_redirects=True)
    assert 'class="flash error"' in text(shortened)
    db.session.expire_all()
    assert run.ends_at == old_end + dt.timedelta(minutes=30)


def test_a_message_goes_to_every_team_and_stays_in_the_history(as_teacher, make_rally, start, db):
    from rallies.models import RunMessage

    run = start(make_rally(publish="public"))
    assert 'name="text"' in text(as_teacher.get(f"/teacher/runs/{run.id}/live"))

    response = as_teacher.post(f"/teacher/runs/{run.id}/messages",
                               data={"text": "Bitte in 10 Minuten am Eingang sammeln", "next": "live"},
                               follow_redirects=True)

    assert "Nachricht an alle Teams gesendet" in text(response)
    assert [m.text for m in db.session.scalars(db.select(RunMessage))] == ["Bitte in 10 Minuten am Eingang sammeln"]
    assert "Bitte in 10 Minuten am Eingang sammeln" in text(as_teacher.get(f"/teacher/runs/{run.id}"))
    too_long = as_teacher.post(f"/teacher/runs/{run.id}/messages", data={"text": "x" * 501}, follow_redirects=True)
    assert 'class="flash error"' in text(too_long)
    assert db.session.scalar(db.select(db.func.count(RunMessage.id))) == 1


def test_the_live_page_has_cards_for_phones_and_a_station_view(as_teacher, make_played_run):
    played = make_played_run()
    page = text(as_teacher.get(f"/teacher/runs/{played.run.id}/live"))
    assert 'class="live-table cards-narrow"' in page and 'data-label="Aufgaben"' in page
    assert 'data-live-stations' in page and "Eingangshalle" in page
    assert "live/updates" in page


def test_live_updates_answer_at_once_when_something_changed(app, as_teacher, make_played_run, join_team):
    played = make_played_run()
    url = f"/teacher/runs/{played.run.id}/live/updates"
    app.config.update(LIVE_MIN_INTERVAL=0, LIVE_CPU_SHARE=0, LIVE_POLL_SECONDS=7)
    first = as_teacher.get(url).json
    assert first["changed"] is True and len(first["teams"]) == 3 and first["stations"][0]["unlocked"] == 3

    app.config["LIVE_WAIT_SLOTS"] = 0
    same = as_teacher.get(f"{url}?v={first['version']}").json
    assert same == {"changed": False, "version": first["version"], "retry_ms": 7000}

    join_team(played.run.join_code, "Die Neuen")
    after = as_teacher.get(f"{url}?v={first['version']}").json
    assert after["changed"] is True and len(after["teams"]) == 4 and after["version"] != first["version"]


def test_a_waiting_request_is_held_at_most_the_configured_time(app, as_teacher, make_played_run):
    played = make_played_run()
    url = f"/teacher/runs/{played.run.id}/live/updates"
    app.config.update(LIVE_MIN_INTERVAL=0, LIVE_CPU_SHARE=0)
    version = as_teacher.get(url).json["version"]
    app.config.update(LIVE_WAIT_SLOTS=1, LIVE_WAIT_SECONDS=1)
    started = time.monotonic()
    held = as_teacher.get(f"{url}?v={version}").json
    assert held["changed"] is False and held["retry_ms"] == 1000
    assert 0.9 <= time.monotonic() - started < 5


def test_the_closing_ranking_reveals_places_from_last_to_first(as_teacher, make_played_run):
    played = make_played_run()
    assert f"/teacher/runs/{played.run.id}/ranking" in text(as_teacher.get(f"/teacher/runs/{played.run.id}/results"))

    none_shown = text(as_teacher.get(f"/teacher/runs/{played.run.id}/ranking"))
    assert len(re.findall(r'<li class="place[^>]* hidden>', none_shown)) == 3
    assert "Die Füchse" in none_shown  # in the page, not yet shown
    two = text(as_teacher.get(f"/teacher/runs/{played.run.id}/ranking?shown=2"))
    visible = re.findall(r'<li class="place rank-\d+" data-reveal="\d+">\s*<span class="rank">\d+\.</span>\s*'
                         r'<span class="name">([^<]+)</span>', two)
    assert len(visible) == 2 and "Die Füchse" not in visible


def test_the_ranking_can_be_switched_off_per_run(as_teacher, make_played_run, db):
    played = make_played_run()
    response = as_teacher.post(f"/teacher/runs/{played.run.id}/ranking-setting", data={"next": "results"},
                               follow_redirects=True)
    assert "Rangliste ausgeschaltet" in text(response)
    db.session.expire_all()
    assert played.run.show_ranking is False
    refused = as_teacher.get(f"/teacher/runs/{played.run.id}/ranking", follow_redirects=True)
    assert "ausgeschaltet" in text(refused) and 'class="places"' not in text(refused)


def test_the_grading_page_shows_what_the_team_will_see(as_teacher, make_played_run, db):
    from rallies.models import Answer

    played = make_played_run()
    owls = played.teams["Die Eulen"]
    open_answer = db.session.scalar(db.select(Answer).filter_by(team_id=owls.id, task_id=played.tasks["open"]))
    before = text(as_teacher.get(f"/teacher/runs/{played.run.id}/grading"))
    assert "Das Team sieht:" in before and "Abgegeben – die Lehrkraft bewertet das." in before

    as_teacher.post(f"/teacher/runs/{played.run.id}/grading/{open_answer.id}",
                    data={f"a{open_answer.id}-points": "8", f"a{open_answer.id}-feedback": "Rückmeldung an das Team"})

    after = text(as_teacher.get(f"/teacher/runs/{played.run.id}/grading"))
    assert "Bewertet: 8 von 10 Punkten" in after and "<q>Rückmeldung an das Team</q>" in after


def test_the_results_legend_explains_every_mark_the_cells_use(as_teacher, make_played_run, db):
    from rallies import results
    from rallies.models import Answer

    played = make_played_run()
    graded = db.session.scalar(db.select(Answer).filter_by(task_id=played.tasks["open"]).limit(1))
    results.grade_answer(graded, 5, "", played.run.teacher)
    db.session.commit()
    page = text(as_teacher.get(f"/teacher/runs/{played.run.id}/results"))
    legend = set(re.findall(r'class="legend-item" data-mark="([^"]+)"', page))
    cells = set(re.findall(r'<span class="mark" aria-label="[^"]*">([^<]+)</span>', page))
    assert cells and cells <= legend
    assert {"•", "◷"} <= cells  # a graded and a waiting open answer: neither right nor wrong


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_on_the_result_bars_has_a_contrast_of_at_least_4_5(app):
    """The "% richtig" label lies over both parts of the bar: the green share and the red rest."""
    import pathlib

    css = pathlib.Path(app.static_folder, "css", "teacher.css").read_text()
    site = pathlib.Path(app.static_folder, "css", "site.css").read_text()
    variables = dict(re.findall(r"--([\w-]+):(#[0-9a-fA-F]{6})", site))

    def colour(selector: str, prop: str) -> str:
        rule = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css).group(1)
        value = re.search(rf"(?<![-\w]){prop}:\s*([^;]+);", rule).group(1).strip()
        value = variables[value[6:-1]] if value.startswith("var(") else value
        return "#" + "".join(ch * 2 for ch in value[1:]) if len(value) == 4 else value

    label = colour(".stat-bar span", "color")
    for part in (colour(".stat-bar .bar", "background"), colour(".stat-bar", "background")):
        assert contrast(label, part) >= 4.5, (label, part, contrast(label, part))


def test_the_certificate_speaks_of_the_rallye(as_teacher, make_played_run):
    import io

    from pypdf import PdfReader

    played = make_played_run()
    response = as_teacher.get(f"/teacher/runs/{played.run.id}/certificates.pdf")
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "an der Rallye" in pdf_text and "an der Rally " not in pdf_text


def test_another_schools_teacher_gets_404_on_every_visit_page(client, make_played_run, make_user, make_school):
    played = make_played_run()
    login(client, make_user("teacher", schools=[make_school(name="Andere Schule")]))
    run_id = played.run.id
    for method, path, data in (("post", f"/teacher/runs/{run_id}/start-now", {}),
                               ("post", f"/teacher/runs/{run_id}/end", {"shift": 15}),
                               ("post", f"/teacher/runs/{run_id}/messages", {"text": "Hallo"}),
                               ("get", f"/teacher/runs/{run_id}/live/updates", None),
                               ("get", f"/teacher/runs/{run_id}/ranking", None),
                               ("post", f"/teacher/runs/{run_id}/ranking-setting", {})):
        response = client.get(path) if method == "get" else client.post(path, data=data)
        assert response.status_code == 404, (method, path)


def test_many_pages_of_one_run_share_one_computation_of_the_live_view(app, as_teacher, make_played_run, monkeypatch):
    from server.pages import visit

    played = make_played_run()
    calls = []
    original = visit.live_payload
    monkeypatch.setattr(visit, "live_payload", lambda run, version=None: calls.append(run.id) or original(run, version))
    app.config.update(LIVE_MIN_INTERVAL=60)
    url = f"/teacher/runs/{played.run.id}/live/updates"
    answers = [as_teacher.get(url).json for _ in range(5)]
    assert calls == [played.run.id]
    assert all(a["changed"] and a["retry_ms"] == 60_000 for a in answers)


def test_live_updates_count_the_cpu_they_cost_in_the_metrics(app, as_teacher, make_played_run):
    """Operators (and `make bench`) see what open live pages cost: rallyhub_live_view_cpu_seconds_total."""
    from client_api.metrics import LIVE_VIEW_CPU

    played = make_played_run()
    before = LIVE_VIEW_CPU._value.get()
    assert as_teacher.get(f"/teacher/runs/{played.run.id}/live/updates").json["changed"] is True
    assert LIVE_VIEW_CPU._value.get() > before


def test_live_updates_ask_again_later_when_building_views_would_exceed_the_cpu_share(app, as_teacher, make_played_run):
    """Each build is timed into the worker's budget; a tiny share stretches the page's next ask."""
    played = make_played_run()
    url = f"/teacher/runs/{played.run.id}/live/updates"
    app.config.update(LIVE_MIN_INTERVAL=0, LIVE_CPU_SHARE=0.000001)
    assert as_teacher.get(url).json["retry_ms"] == 250  # nothing built yet: the shortest interval
    assert as_teacher.get(url).json["retry_ms"] > 60_000  # one build of a few ms at a millionth of the time
