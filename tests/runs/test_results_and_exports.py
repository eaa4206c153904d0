"""Results, statistics and every export of a run played through the play services."""

import csv
import io
import zipfile

import pytest
from tests.support.english import in_english


def test_results_rank_teams_and_give_each_task_outcome(make_played_run):
    from rallies import results

    played = make_played_run()
    data = results.results(played.run)

    assert [(t["rank"], t["team"]["name"], t["score"]) for t in data["teams"]] == [
        (1, "Die Füchse", 30.0), (2, "Die Eulen", 10.0), (3, "=1+1 Team", 0.0)]
    owls = data["teams"][1]
    by_task = {o["task_id"]: o for o in owls["tasks"]}
    single = by_task[played.tasks["single_choice"]]
    assert (single["correct"], single["points"], single["attempts"], single["answer"]) == (True, 10.0, 2, "Rembrandt")
    assert by_task[played.tasks["text"]]["correct"] is False
    assert by_task[played.tasks["open"]]["pending_review"] is True
    survey = data["survey"][0]
    assert survey["responses"] == 3 and survey["mean"] == 4.0
    assert [c["count"] for c in survey["counts"]] == [0, 0, 1, 1, 1]


def test_statistics_give_share_correct_and_most_common_wrong_answer(make_played_run):
    from rallies import results

    played = make_played_run()
    stats = {s["task_id"]: s for s in results.statistics(played.run)["tasks"]}

    single = stats[played.tasks["single_choice"]]
    assert (single["teams_answered"], single["teams_correct"], single["share_correct"]) == (3, 2, pytest.approx(0.6667))
    assert single["most_common_wrong"] == {"answer": "Vermeer", "count": 2}
    number = stats[played.tasks["number"]]
    assert number["share_correct"] == pytest.approx(0.3333)
    assert number["most_common_wrong"]["count"] == 2
    assert stats[played.tasks["open"]]["share_correct"] is None
    assert stats[played.tasks["open"]]["pending_review"] == 3


def test_xlsx_export_holds_the_right_numbers_and_no_formulas(make_played_run):
    from openpyxl import load_workbook

    from rallies import exports

    played = make_played_run()
    workbook = load_workbook(io.BytesIO(exports.results_xlsx(played.run, say=in_english)))

    assert workbook.sheetnames == ["Teams", "Answers", "Tasks", "Survey"]
    teams = list(workbook["Teams"].iter_rows(values_only=True))
    assert teams[0][:4] == ("Rank", "Team", "Points", "Max score")
    assert [row[:3] for row in teams[1:]] == [(1, "Die Füchse", 30), (2, "Die Eulen", 10), (3, "=1+1 Team", 0)]
    cell = workbook["Teams"]["B4"]
    assert cell.value == "=1+1 Team" and cell.data_type == "s"  # text, never a formula

    answers = list(workbook["Answers"].iter_rows(values_only=True))
    header = answers[0]
    assert len(answers) - 1 == 7 + 6 + 4  # every accepted attempt
    owl_rows = [dict(zip(header, row)) for row in answers[1:] if row[0] == "Die Eulen"]
    assert [(r["Attempt"], r["Answer"], r["Correct"]) for r in owl_rows[:2]] == [(1, "Vermeer", "no"), (2, "Rembrandt", "yes")]

    tasks = {row[0]: row for row in workbook["Tasks"].iter_rows(min_row=2, values_only=True)}
    assert tasks["1.1"][6:9] == (3, 2, pytest.approx(0.6667))
    survey = list(workbook["Survey"].iter_rows(min_row=2, values_only=True))
    assert [(row[2], row[3]) for row in survey][2:] == [("3 (1–5)", 1), ("4 (1–5)", 1), ("5 (1–5)", 1)]
    text = "".join(str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row if v)
    for team in played.teams.values():
        assert team.token_hash not in text


def test_csv_export_is_utf8_with_bom_and_parses_with_either_separator(make_played_run):
    from rallies import exports

    played = make_played_run()
    for sep in (",", ";"):
        payload = exports.results_csv(played.run, view="teams", sep=sep, say=in_english)
        assert payload.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(payload.decode("utf-8-sig")), delimiter=sep))
        assert rows[0][:4] == ["Rank", "Team", "Points", "Max score"]
        # a leading ' keeps spreadsheet programs from running the team name as a formula
        assert [r[:3] for r in rows[1:]] == [["1", "Die Füchse", "30"], ["2", "Die Eulen", "10"],
                                             ["3", "'=1+1 Team", "0"]]
    german = exports.results_csv(played.run, view="tasks", sep=";", say=in_english).decode("utf-8-sig")
    rows = {r[0]: r for r in csv.reader(io.StringIO(german), delimiter=";")}
    assert rows["1.1"][8] == "0,6667" and rows["1.2"][8] == "0,3333"


def test_uploads_zip_holds_the_files_named_by_team_and_station(make_played_run, storage):
    from rallies import exports

    played = make_played_run()
    payload = b"".join(exports.stream_zip(exports.upload_entries(played.run), storage=storage))

    archive = zipfile.ZipFile(io.BytesIO(payload))
    assert archive.namelist() == ["Die Füchse/01 Eingangshalle-4.jpg"]
    assert archive.read("Die Füchse/01 Eingangshalle-4.jpg") == storage.get(played.uploads["Die Füchse"])


def test_certificates_name_every_team_and_the_partnership(make_rally, start, make_partnership, school, institution,
                                                         join_team):
    from pypdf import PdfReader

    from rallies import exports

    make_partnership(school, institution)
    run = start(make_rally(publish="partners"))
    join_team(run.join_code, "Die Füchse")
    join_team(run.join_code, "Die Eulen")

    reader = PdfReader(io.BytesIO(exports.certificates(run, say=in_english)))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == 2
    assert "Die Füchse" in texts[0] + texts[1] and "Die Eulen" in texts[0] + texts[1]
    assert all("partnership programme" in " ".join(t.split()) for t in texts)


def test_certificates_of_a_public_run_have_no_programme_note(make_played_run):
    from pypdf import PdfReader

    from rallies import exports

    played = make_played_run()
    team = played.teams["Die Eulen"]
    reader = PdfReader(io.BytesIO(exports.certificates(played.run, team_id=team.id, say=in_english)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Die Eulen" in text and "programme" not in text


def test_join_poster_shows_the_code_and_the_join_link(make_rally, start):
    from pypdf import PdfReader

    from rallies import exports

    run = start(make_rally(publish="public"), class_label="7b")
    text = PdfReader(io.BytesIO(exports.join_poster(run, public_url="https://rally.example"))).pages[0].extract_text()
    assert " ".join(run.join_code) in text
    assert f"https://rally.example/join/{run.join_code}" in text
    assert "7b" in text
