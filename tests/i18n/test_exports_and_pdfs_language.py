"""Exports and printouts speak the reader's language: headings, sheet names, task types, PDFs."""

from __future__ import annotations

import io
import subprocess

import openpyxl
import pytest

from tests.factories import PASSWORD  # noqa: F401 - the demo has its own password


@pytest.fixture
def backend():
    return "sqlite"


@pytest.fixture
def teacher_client(app, db, client):
    from rallies.models import ClassRun
    from server.demo import DEMO_PASSWORD, LOGINS, seed

    seed()
    db.session.commit()
    run = db.session.scalar(db.select(ClassRun))
    assert client.post("/api/v1/join", json={"code": run.join_code, "team_name": "Die Füchse"}).status_code in (200, 201)
    client.post("/login", data={"email": LOGINS["teacher"], "password": DEMO_PASSWORD})
    client.run_id = run.id
    return client


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_the_results_workbook_is_german_by_default_and_english_on_request(teacher_client):
    run_id = teacher_client.run_id
    german = openpyxl.load_workbook(io.BytesIO(teacher_client.get(f"/teacher/runs/{run_id}/results.xlsx?lang=de").data))
    assert german.sheetnames == ["Teams", "Antworten", "Aufgaben", "Umfrage"]
    assert [c.value for c in next(german["Teams"].iter_rows(max_row=1))][:3] == ["Rang", "Team", "Punkte"]
    types = {row[2] for row in german["Aufgaben"].iter_rows(min_row=2, values_only=True)}
    assert "Einfachauswahl" in types and "single_choice" not in types
    english = openpyxl.load_workbook(io.BytesIO(teacher_client.get(f"/teacher/runs/{run_id}/results.xlsx?lang=en").data))
    assert english.sheetnames == ["Teams", "Answers", "Tasks", "Survey"]
    assert [c.value for c in next(english["Teams"].iter_rows(max_row=1))][:3] == ["Rank", "Team", "Points"]
    assert "Single choice" in {row[2] for row in english["Tasks"].iter_rows(min_row=2, values_only=True)}


def test_csv_headings_follow_the_page_language(teacher_client):
    run_id = teacher_client.run_id
    german = teacher_client.get(f"/teacher/runs/{run_id}/results.csv?view=teams&sep=%3B&lang=de").data.decode("utf-8-sig")
    assert german.splitlines()[0].startswith("Rang;Team;Punkte;Höchstpunktzahl")
    english = teacher_client.get(f"/teacher/runs/{run_id}/results.csv?view=teams&sep=%2C&lang=en").data.decode("utf-8-sig")
    assert english.splitlines()[0].startswith("Rank,Team,Points,Max score")


def test_certificates_and_poster_are_in_one_language(teacher_client):
    run_id = teacher_client.run_id
    german = pdf_text(teacher_client.get(f"/teacher/runs/{run_id}/certificates.pdf?lang=de").data)
    assert "Urkunde" in german and "an der Rallye" in german
    assert "Certificate" not in german and "Rally " not in german
    english = pdf_text(teacher_client.get(f"/teacher/runs/{run_id}/certificates.pdf?lang=en").data)
    assert "Certificate" in english and "for taking part in the rally" in english and "Urkunde" not in english
    poster = pdf_text(teacher_client.get(f"/teacher/runs/{run_id}/poster.pdf?lang=de").data)
    assert "Code zum Mitmachen" in poster and "Join code" not in poster
