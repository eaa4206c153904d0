"""A class run's results for spreadsheets, its pupils' uploads as a ZIP, certificates and the join poster.

Exports carry team names only: never tokens, ids of people or anything else about pupils.
Each view (teams, answers, tasks, survey) is built once as a header and rows, and written
as an XLSX sheet or as CSV. Times are shown in one named time zone (Europe/Berlin unless
asked otherwise), because spreadsheets have no time zones and teachers read local time.

Spreadsheet programs run cells that start with `=` as formulas: in XLSX such text is
stored as text, and in CSV text cells starting with `= + - @` get a leading `'`, as
OWASP recommends against formula injection through team names and answers.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rallies.db import db
from rallies.errors import Invalid, NotFound
from rallies.models import ClassRun, Team, Upload
from rallies.results import RunData, load_run, ranking, survey_tallies, task_statistics
from rallies.runs import require_not_purged
from rallies.messages import Msg, msg

DEFAULT_TIMEZONE = "Europe/Berlin"
VIEWS = ("teams", "answers", "tasks", "survey")
CSV_SEPARATORS = (",", ";")
_TAGS = re.compile(r"<[^>]+>")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
EXTENSIONS = {
    "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "audio/mp4": "m4a", "audio/aac": "aac",
    "audio/mpeg": "mp3", "audio/ogg": "ogg", "audio/wav": "wav", "audio/x-wav": "wav", "audio/webm": "weba",
    "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm",
}


def timezone(name: str | None) -> ZoneInfo:
    """An IANA time zone by name; 422 for an unknown one."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(msg("Unbekannte Zeitzone."), errors={"tz": [msg("Eine IANA-Zeitzone wie Europe/Berlin.")]}) from None


def plain_text(html_text: str, limit: int = 200) -> str:
    """A task prompt without markup, on one line, for a spreadsheet cell."""
    text = " ".join(html.unescape(_TAGS.sub(" ", html_text or "")).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _local(value: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    """A naive local time, as spreadsheets want it."""
    return value.astimezone(zone).replace(tzinfo=None, microsecond=0) if value is not None else None


def _yes_no(value: bool | None):
    """Empty cells stay empty (and cost nothing to write)."""
    return None if value is None else (YES if value else NO)


YES, NO, READ = msg("ja"), msg("nein"), msg("gelesen")
# Task types as people call them (the same words as on the editor's pages).
TYPE_NAMES = {
    "info": msg("Info-Text (ohne Antwort)"), "single_choice": msg("Einfachauswahl"),
    "multiple_choice": msg("Mehrfachauswahl"), "text": msg("Freitext"), "number": msg("Zahl oder Schätzung"),
    "order": msg("Reihenfolge"), "match": msg("Paare zuordnen"), "photo": msg("Foto-Antwort"),
    "audio": msg("Audio-Antwort"), "video": msg("Video-Antwort"), "location": msg("Ort finden"),
    "survey": msg("Umfrage oder Bewertung"), "cloze": msg("Lückentext"), "hotspot": msg("Bildpunkt finden"),
}


# --- The views -------------------------------------------------------------------------

def teams_view(data: RunData, zone: ZoneInfo) -> tuple[list[str], list[list]]:
    """One row per team, best first, with its points at every task."""
    header = [msg("Rang"), msg("Team"), msg("Punkte"), msg("Höchstpunktzahl"), msg("Stationen erledigt"),
              msg("Beigetreten"), msg("Fertig"), msg("Minuten")]
    header += [msg("Punkte %(task)s", task=info.label) for info in data.tasks if info.type.earns_points]
    rows = []
    for row in ranking(data):
        team = row["team"]
        state = data.states[team.id]
        stations_done = sum(1 for s in state.station_states() if s["state"] == "done")
        minutes = round(row["duration_s"] / 60, 1) if row["duration_s"] is not None else None
        values = [row["rank"], team.name, row["score"], row["max_score"], stations_done,
                  _local(team.joined_at, zone), _local(team.finished_at, zone), minutes]
        values += [state.tasks[info.id].points for info in data.tasks if info.type.earns_points]
        rows.append(values)
    return header, rows


def answers_view(data: RunData, zone: ZoneInfo) -> tuple[list[str], list[list]]:
    """Every accepted attempt, team by team in rally order (prompts and types are on the Tasks sheet)."""
    header = [msg("Team"), msg("Aufgabe"), msg("Station"), msg("Versuch"), msg("Antwort"), msg("Richtig"),
              msg("Punkte"), msg("Wartet auf Bewertung"), msg("Rückmeldung der Lehrkraft"), msg("Beantwortet um"),
              msg("Sekunden seit Beitritt")]
    rows = []
    for team in sorted(data.teams, key=lambda t: t.name.casefold()):
        for info in data.tasks:
            for answer in data.answers_by_team_task.get((team.id, info.id), []):
                seconds = int((answer.answered_at - team.joined_at).total_seconds())
                rows.append([
                    team.name, info.label, info.station["title"], answer.attempt,
                    info.describe(answer.value) if info.task["type"] != "info" else READ,
                    _yes_no(answer.correct), answer.points, YES if answer.pending_review else None,
                    answer.teacher_feedback or None, _local(answer.answered_at, zone), max(seconds, 0),
                ])
    return header, rows


def tasks_view(data: RunData, zone: ZoneInfo) -> tuple[list[str], list[list]]:
    """One row per task: the solution, how many teams answered and got it right, the most common wrong answer."""
    header = [msg("Aufgabe"), msg("Station"), msg("Typ"), msg("Aufgabenstellung"), msg("Punkte"), msg("Lösung"),
              msg("Teams mit Antwort"), msg("Teams richtig"), msg("Anteil richtig"), msg("Durchschnittspunkte"),
              msg("Versuche"), msg("Wartet auf Bewertung"), msg("Häufigste falsche Antwort"), msg("Wie oft")]
    prompts = {info.id: plain_text(info.task["prompt_html"]) for info in data.tasks}
    rows = []
    for stat in task_statistics(data):
        wrong = stat["most_common_wrong"] or {}
        rows.append([stat["label"], stat["station_title"], TYPE_NAMES.get(stat["type"], stat["type"]),
                     prompts[stat["task_id"]], stat["points"],
                     stat["solution"], stat["teams_answered"], stat["teams_correct"], stat["share_correct"],
                     stat["average_points"], stat["attempts"], stat["pending_review"], wrong.get("answer"),
                     wrong.get("count")])
    return header, rows


def survey_view(data: RunData, zone: ZoneInfo) -> tuple[list[str], list[list]]:
    """The survey's tallies: one row per task and option (or rating)."""
    header = [msg("Aufgabe"), msg("Aufgabenstellung"), msg("Antwort"), msg("Teams"), msg("Antworten"),
              msg("Mittlere Bewertung")]
    rows = []
    for tally in survey_tallies(data):
        prompt = plain_text(tally["prompt_html"])
        for count in tally["counts"]:
            rows.append([tally["label"], prompt, count["label"], count["count"], tally["responses"], tally["mean"]])
    return header, rows


BUILDERS = {"teams": teams_view, "answers": answers_view, "tasks": tasks_view, "survey": survey_view}
SHEET_TITLES = {"teams": msg("Teams"), "answers": msg("Antworten"), "tasks": msg("Aufgaben"), "survey": msg("Umfrage")}


# --- XLSX and CSV ----------------------------------------------------------------------

def results_xlsx(run: ClassRun, *, tz: str | None = None, say: Callable = str) -> bytes:
    """The run's results as a workbook with the sheets Teams, Answers, Tasks and Survey.

    `say` renders the headings and words (Msgs) in the reader's language; German without it.

    Written in openpyxl's write-only mode, which streams rows instead of building a cell
    grid: 40 teams × 40 tasks take well under a second (see bench/exports.py).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    require_not_purged(run)
    zone = timezone(tz)
    data = load_run(run)
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for view in VIEWS:
        sheet = workbook.create_sheet(say(SHEET_TITLES[view]))
        header, rows = BUILDERS[view](data, zone)
        sheet.freeze_panes = "A2"
        heading = []
        for title in header:
            cell = WriteOnlyCell(sheet, value=say(title))
            cell.font = bold
            heading.append(cell)
        sheet.append(heading)
        for row in rows:
            sheet.append([_xlsx_value(sheet, say(value) if isinstance(value, Msg) else value, WriteOnlyCell)
                          for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(sheet, value, cell_class):
    """Text never becomes a formula, and characters XML cannot hold are dropped."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL_XML.sub("", value)
    if value.startswith("="):
        cell = cell_class(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def results_csv(run: ClassRun, *, view: str = "teams", sep: str = ",", tz: str | None = None,
                say: Callable = str) -> bytes:
    """One view as CSV in UTF-8 with a byte-order mark, so spreadsheet programs detect the encoding.

    With `sep=";"` (what German spreadsheet programs expect) decimals get a comma as well.
    """
    if view not in VIEWS:
        raise Invalid(msg("Unbekannte Ansicht."),
                      errors={"view": [msg("Muss einer dieser Werte sein: %(choices)s.", choices=", ".join(VIEWS))]})
    if sep not in CSV_SEPARATORS:
        raise Invalid(msg("Das Trennzeichen ist , oder ;."), errors={"sep": [msg("Bitte , oder ; verwenden.")]})
    require_not_purged(run)
    zone = timezone(tz)
    data = load_run(run)
    header, rows = BUILDERS[view](data, zone)
    decimal = "," if sep == ";" else "."
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow([say(title) for title in header])
    for row in rows:
        writer.writerow([_csv_value(say(value) if isinstance(value, Msg) else value, decimal) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value, decimal: str):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return text.replace(".", decimal)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("", value)
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
    return value


# --- Uploads as a ZIP ------------------------------------------------------------------

def safe_name(text: str, limit: int = 60) -> str:
    """A file or folder name every system accepts: no separators, reserved or control characters."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join("_" if unicodedata.category(ch).startswith("C") or ch in '/\\:*?"<>|' else ch for ch in text)
    text = " ".join(text.split()).strip(" .")
    return text[:limit].strip(" .") or "_"


def upload_entries(run: ClassRun) -> list[tuple[str, str]]:
    """(name in the ZIP, storage name) for every upload of the run: `<team>/<station>-<task>.<ext>`.

    Station and task are numbered as in the rally ("03 Eingangshalle-2.jpg"); a second
    upload for the same task gets "-2" appended, so nothing is overwritten.
    """
    require_not_purged(run)
    from rallies.results import task_infos

    infos = {info.id: info for info in task_infos(run.rally_version.snapshot)}
    rows = db.session.execute(
        db.select(Upload.storage_name, Upload.task_id, Upload.content_type, Team.name)
        .join(Team, Team.id == Upload.team_id).where(Team.class_run_id == run.id)
        .order_by(Team.name, Upload.created_at, Upload.id)
    ).all()
    entries, taken = [], set()
    for storage_name, task_id, content_type, team_name in rows:
        info = infos.get(task_id)
        extension = EXTENSIONS.get(content_type) or storage_name.rsplit(".", 1)[-1]
        if info is not None:
            stem = f"{info.station_number:02d} {safe_name(info.station['title'], 40)}-{info.number}"
        else:
            stem = f"task {task_id}"
        folder = safe_name(team_name)
        name, counter = f"{folder}/{stem}.{extension}", 1
        while name.casefold() in taken:
            counter += 1
            name = f"{folder}/{stem}-{counter}.{extension}"
        taken.add(name.casefold())
        entries.append((name, storage_name))
    return entries


class _Sink(io.RawIOBase):
    """A write-only stream that hands what was written to the generator reading it."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def stream_zip(entries: list[tuple[str, str]], *, storage, chunk_size: int = 256 * 1024) -> Iterator[bytes]:
    """The files as a ZIP, produced piece by piece so a large class's videos never sit in memory.

    Media are already compressed, so members are stored, not deflated. A file missing from
    storage is left out rather than failing the whole download.
    """
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, storage_name in entries:
            try:
                source = storage.open(storage_name)
            except FileNotFoundError:
                continue
            with source, archive.open(name, "w", force_zip64=True) as member:
                while chunk := source.read(chunk_size):
                    member.write(chunk)
                    if sink.chunks:
                        yield sink.take()
            yield sink.take()
    yield sink.take()


# --- PDFs ------------------------------------------------------------------------------

def pdf_words(say: Callable = str):
    """The printed words of the PDFs in the reader's language (`say` renders a Msg)."""
    from media.pdf import Words

    return Words(
        qr_codes=say(msg("QR-Codes – {title}")), continued=say(msg("(Fortsetzung)")),
        station=say(msg("Station {position}")), qr_of_station=say(msg("QR-Code der Station {position}")),
        scan=say(msg("Scanne diesen Code mit der Rallye-App oder der Handykamera, um die Station freizuschalten.")),
        no_camera=say(msg("Keine Kamera? Diesen Code in der Rallye-App unter „Code eingeben“ eintippen.")),
        join_code=say(msg("Code zum Mitmachen")), qr_of_join_link=say(msg("QR-Code des Links zum Mitmachen")),
        join=say(msg("Öffne die Rallye-App und gib den Code ein – oder scanne den QR-Code mit der Handykamera.")),
        certificate=say(msg("Urkunde")), awarded_to=say(msg("für das Team")),
        taking_part=say(msg("für die Teilnahme an der Rallye „{rally}“")),
        points=say(msg("{score} von {max} Punkten")), signature=say(msg("Unterschrift")),
        decimal_mark=say(msg(",")),
    )


def programme_note(run: ClassRun):
    """The fine print on a partnership run's certificates."""
    partnership = run.partnership
    if partnership is None:
        return None
    institutions = " & ".join(m.institution.name for m in partnership.members) or run.rally.owner_name
    return msg("Im Rahmen der Bildungspartnerschaft von %(school)s und %(institutions)s im Partnerschaftsprogramm.",
               school=partnership.school.name, institutions=institutions)


def certificates(run: ClassRun, *, team_id: int | None = None, tz: str | None = None, say: Callable = str,
                 day: Callable | None = None) -> bytes:
    """One certificate page per team (or only `team_id`'s), in ranking order."""
    from media.pdf import Certificate, certificates_pdf

    require_not_purged(run)
    zone = timezone(tz)
    data = load_run(run)
    rows = ranking(data)
    if team_id is not None:
        rows = [r for r in rows if r["team"].id == team_id]
        if not rows:
            raise NotFound(msg("Dieses Team gibt es in dieser Klassenrallye nicht."))
    if not rows:
        raise Invalid(msg("Noch kein Team ist dieser Klassenrallye beigetreten."), code="no_teams")
    note = programme_note(run)
    note = say(note) if note is not None else None
    day = day(run.starts_at) if day else run.starts_at.astimezone(zone).strftime("%d.%m.%Y")
    certs = [Certificate(team_name=r["team"].name, rally_title=data.rally_title,
                         institution=data.institution_name or run.rally.owner_name, date=day,
                         score=r["score"], max_score=r["max_score"], programme_note=note) for r in rows]
    return certificates_pdf(certs, pdf_words(say))


def join_url(run: ClassRun, public_url: str) -> str:
    """What the poster's QR code holds: `/join/<code>` on the server's public address."""
    return f"{public_url.rstrip('/')}/join/{run.join_code}"


def join_poster(run: ClassRun, *, public_url: str, say: Callable = str) -> bytes:
    """The classroom poster: join code in large type, QR code of the join link, rally and class."""
    from media.pdf import join_poster_pdf

    require_not_purged(run)
    snapshot = run.rally_version.snapshot["rally"]
    return join_poster_pdf(code=run.join_code, join_url=join_url(run, public_url), rally_title=snapshot["title"],
                           class_label=run.class_label,
                           institution=snapshot.get("institution", {}).get("name") or run.rally.owner_name,
                           words=pdf_words(say))

