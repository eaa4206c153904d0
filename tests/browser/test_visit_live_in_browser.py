"""The class visit, live, in Chromium: a teacher runs a whole visit from a phone.

The teacher starts a run now, a pupil joins, the teacher extends the end and sends a
message while the pupil's phone is offline, grades the pupil's open answer with a
comment, reveals the closing ranking place by place and downloads the certificates; the
phone shows the new end, the message and the grade. Every teacher page is checked at
390×844 for horizontal scrolling, in German and English.
"""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest

from tests.browser.conftest import _people
from tests.support.screenshots import docs_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "correct horse battery"
SHOTS = pathlib.Path("/tmp/visit_shots")
PROJECTOR = {"viewport": {"width": 1280, "height": 720}, "has_touch": False, "device_scale_factor": 1}


@pytest.fixture
def visit_rally(live_server):
    """A public rally of one open station: a single choice and a teacher-graded question (10 points each)."""
    from rallies import authoring, publishing
    from rallies.db import db

    institution, school, editor, teacher = _people()
    rally = authoring.create_rally(
        institution, actor=editor, title="Bilder der Stadt", theme="Malerei", about="Stadtmuseum, Malerei",
        language="de", age_min=10, age_max=14, settings={"station_order": "free", "show_points": True,
                                                         "run_minutes": 60})
    station = authoring.add_station(rally, actor=editor, title="Eingang")
    choice = authoring.add_task(station, actor=editor, type="single_choice", prompt_md="Wer malte die Nachtwache?",
                                points=10, config={"options": [{"id": "a", "text": "Rembrandt", "correct": True},
                                                               {"id": "b", "text": "Vermeer"}]})
    question = authoring.add_task(station, actor=editor, type="text", prompt_md="Was gefällt euch am Bild?",
                                  points=10, config={"teacher_graded": True})
    publishing.publish(rally, actor=editor, visibility="public")
    db.session.commit()
    return {"rally": rally, "choice": choice, "question": question, "school": school}


def _log_in(page, live_server) -> None:
    from playwright.sync_api import expect

    page.goto(live_server("/login"))
    page.get_by_label("E-Mail").fill("teacher@example.org")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Anmelden")).to_have_count(0)


def _no_horizontal_scroll(page, name: str) -> None:
    """The page fits the phone's width; a screenshot of it lands in /tmp/visit_shots for a look."""
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: {overflow}px of horizontal scrolling"


def _extra_teams(run, names_scores):
    """More teams for the ranking, played through the service."""
    import uuid

    from rallies import play
    from rallies.db import db

    for name, right in names_scores:
        team, _ = play.join(run.join_code, name, policy=play.PlayPolicy())
        db.session.commit()
        item = {"id": str(uuid.uuid4()), "task_id": right[0], "value": right[1],
                "answered_at": dt.datetime.now(dt.timezone.utc).isoformat()}
        play.submit_answers(team, [item], policy=play.PlayPolicy())
        db.session.commit()


def test_a_teacher_runs_a_whole_visit_from_a_phone(live_server, phone, visit_rally):
    from playwright.sync_api import expect

    from rallies.db import db
    from rallies.models import ClassRun

    SHOTS.mkdir(exist_ok=True)
    rally, question = visit_rally["rally"], visit_rally["question"]

    # 1. The teacher starts the run now, on a phone.
    teacher = phone().new_page()
    _log_in(teacher, live_server)
    teacher.goto(live_server(f"/teacher/runs/new?rally={rally.id}"))
    _no_horizontal_scroll(teacher, "de-new-run")
    start = teacher.locator("form.start-now")
    expect(start.get_by_label("Dauer in Minuten")).to_have_value("60")
    start.get_by_label("Klasse (z. B. 7b)").fill("7b")
    start.get_by_role("button", name="Jetzt starten").click()
    expect(teacher.locator("h1")).to_contain_text("läuft")
    code = teacher.locator(".join-code").inner_text().strip()
    run = db.session.scalar(db.select(ClassRun).filter_by(join_code=code))
    first_end = run.ends_at
    db.session.rollback()
    run_url = teacher.url
    _no_horizontal_scroll(teacher, "de-run")

    # 2. A pupil joins and answers the open question.
    pupil_context = phone()
    pupil = pupil_context.new_page()
    errors = []
    pupil.on("pageerror", lambda error: errors.append(str(error)))
    pupil.goto(live_server(f"/join/{code}"))
    pupil.get_by_label("Teamname", exact=True).fill("Die Entdecker")
    pupil.get_by_role("button", name="Beitreten").click()
    expect(pupil.get_by_role("heading", name="Bilder der Stadt")).to_be_visible()
    old_end = first_end.astimezone().strftime("%H:%M")
    expect(pupil.locator(".run-end")).to_contain_text(old_end)
    pupil.locator("a.station-link").first.click()
    pupil.locator(f"#task-{question.id} textarea").fill("Die Farben und das Licht")
    pupil.locator(f"#task-{question.id}").get_by_role("button", name="Antwort senden").click()
    expect(pupil.locator(f"#task-{question.id} .result")).to_contain_text("Lehrkraft bewertet")
    pupil.get_by_role("link", name="Alle Stationen").click()

    # 3. The phone goes offline; the teacher sends a message and extends the end by 30 minutes.
    pupil_context.set_offline(True)
    teacher.goto(run_url + "/live")
    _no_horizontal_scroll(teacher, "de-live")
    to_grade = teacher.get_by_role("link", name="zu bewerten: 1")
    expect(to_grade).to_be_visible()
    assert to_grade.bounding_box()["height"] >= 44  # a thumb's target on the teacher's phone
    teacher.get_by_role("textbox", name="Nachricht an alle Teams").fill("Bitte in 10 Minuten am Eingang sammeln")
    teacher.get_by_role("button", name="Senden").click()
    expect(teacher.locator(".flash.success")).to_contain_text("Nachricht an alle Teams gesendet")
    expect(teacher.locator(".message-history")).to_contain_text("Bitte in 10 Minuten am Eingang sammeln")
    teacher.get_by_role("button", name="Ende um 30 Minuten verschieben").click()
    expect(teacher.locator(".flash.success")).to_contain_text("Neues Ende")
    db.session.expire_all()
    new_end = db.session.get(ClassRun, run.id).ends_at
    db.session.rollback()
    assert new_end == first_end + dt.timedelta(minutes=30)
    _no_horizontal_scroll(teacher, "de-live-after")

    # 4. Back online, the phone shows the message and the new end.
    pupil_context.set_offline(False)
    banner = pupil.locator("#visit-banner")
    expect(banner).to_contain_text("Bitte in 10 Minuten am Eingang sammeln", timeout=15_000)
    expect(banner).to_contain_text(f"Neues Ende: {new_end.astimezone().strftime('%H:%M')}")
    expect(pupil.locator(".run-end")).to_contain_text(new_end.astimezone().strftime("%H:%M"))
    expect(pupil.locator("details.messages")).to_contain_text("Nachrichten (1)")
    pupil.screenshot(path=str(SHOTS / "pupil-banner.png"))
    banner.get_by_role("button", name="Gelesen").first.click()
    expect(banner).not_to_contain_text("Bitte in 10 Minuten")

    # 5. The teacher grades the answer with a comment and sees what the team will see.
    teacher.goto(run_url + "/grading")
    answer = teacher.locator("article.answer", has_text="Die Entdecker")
    answer.get_by_label("Punkte").fill("8")
    answer.get_by_label("Rückmeldung an das Team (optional)").fill("Schön beobachtet!")
    answer.get_by_role("button", name="Bewerten").click()
    expect(teacher.locator(".flash.success")).to_contain_text("Bewertung für")
    graded = teacher.locator("article.answer", has_text="Die Entdecker")
    expect(graded.locator(".team-sees")).to_contain_text("Bewertet: 8 von 10 Punkten")
    _no_horizontal_scroll(teacher, "de-grading")

    # 6. The phone gets the grade on its next sync: a notice, then points and comment at the task.
    pupil.reload()
    expect(banner).to_contain_text("Eine Antwort wurde bewertet", timeout=15_000)
    banner.get_by_role("button", name="Ansehen").click()
    graded_card = pupil.locator(f"#task-{question.id}")
    expect(graded_card.locator(".result.graded")).to_contain_text("8 von 10 Punkten")
    expect(graded_card.locator(".teacher-comment")).to_contain_text("Schön beobachtet!")
    expect(graded_card).not_to_contain_text("Lehrkraft bewertet")
    pupil.screenshot(path=str(SHOTS / "pupil-grade.png"), full_page=True)

    # 7. The closing ranking, revealed from the last place to the first.
    _extra_teams(run, [("Die Füchse", (visit_rally["choice"].id, "a")), ("Die Eulen", (visit_rally["choice"].id, "b"))])
    teacher.goto(run_url + "/results")
    _no_horizontal_scroll(teacher, "de-results")
    teacher.get_by_role("link", name="Rangliste zeigen").click()
    places = teacher.locator("li.place:visible")
    expect(places).to_have_count(0)
    for shown in (1, 2, 3):
        teacher.get_by_role("link", name="Nächsten Platz zeigen").click()
        expect(places).to_have_count(shown)
    expect(places.first).to_contain_text("Die Füchse")
    expect(places.last).to_contain_text("Die Eulen")
    _no_horizontal_scroll(teacher, "de-ranking")

    # 8. Certificates from the phone.
    teacher.goto(run_url + "/results")
    response = teacher.request.get(run_url + "/certificates.pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")

    # 9. The same pages in English fit the phone too.
    for name, path in (("en-run", run_url), ("en-live", run_url + "/live"), ("en-grading", run_url + "/grading"),
                       ("en-results", run_url + "/results"), ("en-new-run", f"/teacher/runs/new?rally={rally.id}")):
        teacher.goto((path if path.startswith("http") else live_server(path)) + ("&" if "?" in path else "?") + "lang=en")
        _no_horizontal_scroll(teacher, name)
    expect(teacher.get_by_role("heading", name="Start now")).to_be_visible()

    # 10. On a desktop the per-station view sits beside the teams' table.
    desktop = phone(viewport={"width": 1280, "height": 800}, has_touch=False, device_scale_factor=1).new_page()
    _log_in(desktop, live_server)
    desktop.goto(run_url + "/live")
    table, stations = desktop.locator("table.live-table").bounding_box(), desktop.locator(".live-stations").bounding_box()
    assert stations["x"] > table["x"] + table["width"] - 1 and abs(stations["y"] - table["y"]) < 60
    expect(desktop.locator("[data-live-stations]")).to_contain_text("Eingang")
    docs_screenshot(desktop, "visit-live-desktop.png")
    assert errors == []


def test_the_ranking_is_revealed_step_by_step_on_a_projector(live_server, phone, visit_rally):
    from playwright.sync_api import expect

    from rallies import runs
    from rallies.db import db
    from rallies.models import User

    teacher_user = db.session.scalar(db.select(User).filter_by(email="teacher@example.org"))
    run = runs.start_run_now(visit_rally["rally"], school=visit_rally["school"], teacher=teacher_user,
                             class_label="7b", max_retention_days=365, default_retention_days=30)
    db.session.commit()
    choice = visit_rally["choice"].id
    _extra_teams(run, [("Die Füchse", (choice, "a")), ("Die Eulen", (choice, "b")),
                       ("Die Dachse", (choice, "a")), ("Team Rembrandt", (choice, "b"))])
    projector = phone(**PROJECTOR, reduced_motion="reduce").new_page()
    _log_in(projector, live_server)
    projector.goto(live_server(f"/teacher/runs/{run.id}/ranking"))
    places = projector.locator("li.place:visible")
    expect(places).to_have_count(0)
    projector.keyboard.press("Space")
    expect(places).to_have_count(1)
    expect(places.first).to_contain_text("0 Punkte")  # a last place comes first (two teams share it)
    for shown in (2, 3, 4):
        projector.keyboard.press("ArrowRight")
        expect(places).to_have_count(shown)
    expect(places.first).to_contain_text("1.")
    expect(projector.get_by_role("link", name="Nächsten Platz zeigen")).to_be_hidden()
    docs_screenshot(projector, "visit-ranking.png")


def test_the_join_screen_counts_down_to_a_planned_run(live_server, phone, visit_rally):
    from playwright.sync_api import expect

    now = dt.datetime.now(dt.timezone.utc)
    pupil = _join_run(live_server, phone, visit_rally, "Die Frühen",
                      starts_at=now + dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=2))
    countdown = pupil.locator(".countdown-box")
    expect(countdown).to_contain_text("Die Rallye beginnt um")
    expect(countdown.locator(".countdown")).to_contain_text(":")
    first = countdown.locator(".countdown").inner_text()
    pupil.wait_for_timeout(1500)
    assert countdown.locator(".countdown").inner_text() != first  # it counts


def test_a_run_that_ends_on_another_day_shows_the_date_of_its_end(live_server, phone, visit_rally):
    from playwright.sync_api import expect

    now = dt.datetime.now(dt.timezone.utc)
    ends_at = now + dt.timedelta(days=3)
    pupil = _join_run(live_server, phone, visit_rally, "Die Späten", starts_at=now - dt.timedelta(minutes=5),
                      ends_at=ends_at)
    local_end = ends_at.astimezone()
    end = pupil.locator(".run-end")
    expect(end).to_contain_text(f"{local_end.day}.{local_end.month}.")
    expect(end).to_contain_text(local_end.strftime("%H:%M"))
    # The way back from a station is a touch target of at least 44 px.
    pupil.locator("a.station-link").first.click()
    back = pupil.locator(".back a")
    expect(back).to_be_visible()
    assert back.bounding_box()["height"] >= 44
    # A done task's title keeps its points and its tick apart.
    choice = pupil.locator(f"#task-{visit_rally['choice'].id}")
    choice.get_by_text("Rembrandt").click()
    choice.get_by_role("button", name="Antwort senden").click()
    expect(choice.locator(".task-title")).to_contain_text("10 Punkte ✓")


def _join_run(live_server, phone, visit_rally, team_name: str, *, starts_at, ends_at):
    """A run of the visit rally with this window, joined by a team on a new phone page."""
    from rallies import runs
    from rallies.db import db
    from rallies.models import User

    teacher_user = db.session.scalar(db.select(User).filter_by(email="teacher@example.org"))
    run = runs.start_run(visit_rally["rally"], school=visit_rally["school"], teacher=teacher_user, class_label="7b",
                         starts_at=starts_at, ends_at=ends_at, max_retention_days=365, default_retention_days=30)
    db.session.commit()
    pupil = phone().new_page()
    pupil.goto(live_server(f"/join/{run.join_code}"))
    pupil.get_by_label("Teamname", exact=True).fill(team_name)
    pupil.get_by_role("button", name="Beitreten").click()
    return pupil
