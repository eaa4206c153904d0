"""Printable PDFs: the QR kit of a rally, a class run's join poster, and team certificates.

All A4, in DejaVu Sans (shipped in media/fonts) so German umlauts, „quotes“ and dashes print.
Text is bilingual (English / German) because a class and its teacher may use either.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from media.qr import qr_png

FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVu"
INK = (33, 37, 41)
GREY = (108, 117, 125)
ACCENT = (0, 95, 115)
MARGIN = 15.0



@dataclass(frozen=True)
class Words:
    """The printed words, in one language: the caller translates them (German by default).

    Placeholders: `{title}`, `{position}`, `{rally}`, `{score}`, `{max}`.
    """

    qr_codes: str = "QR-Codes – {title}"
    continued: str = "(Fortsetzung)"
    station: str = "Station {position}"
    qr_of_station: str = "QR-Code der Station {position}"
    scan: str = "Scanne diesen Code mit der Rallye-App oder der Handykamera, um die Station freizuschalten."
    no_camera: str = "Keine Kamera? Diesen Code in der Rallye-App unter „Code eingeben“ eintippen."
    join_code: str = "Code zum Mitmachen"
    qr_of_join_link: str = "QR-Code des Links zum Mitmachen"
    join: str = "Öffne die Rallye-App und gib den Code ein – oder scanne den QR-Code mit der Handykamera."
    certificate: str = "Urkunde"
    awarded_to: str = "für das Team"
    taking_part: str = "für die Teilnahme an der Rallye „{rally}“"
    points: str = "{score} von {max} Punkten"
    signature: str = "Unterschrift"
    decimal_mark: str = ","


GERMAN = Words()

# The overview grid of the QR kit: 4 × 5 small codes per page.
GRID_COLUMNS, GRID_ROWS, GRID_QR_MM = 4, 5, 32.0


@dataclass(frozen=True)
class QrStation:
    """A station to print: its title, the URL its QR code holds, and its place in the rally."""

    title: str
    url: str
    position: int
    short_code: str | None = None  # as printed, e.g. "K7M-3P"


@dataclass(frozen=True)
class Certificate:
    """One team's certificate; `date` is already formatted for print, `programme_note` optional fine print."""

    team_name: str
    rally_title: str
    institution: str
    date: str
    score: float
    max_score: float
    programme_note: str | None = None


def qr_kit_pdf(rally_title: str, stations: list[QrStation], words: Words = GERMAN) -> bytes:
    """An overview of all station codes, then one page per station with a large code to put up."""
    pdf = _document(words.qr_codes.format(title=rally_title))
    ordered = sorted(stations, key=lambda s: s.position)
    # Each code is made once; fpdf2 embeds an image used on two pages only once.
    coded = [(station, io.BytesIO(qr_png(station.url, box_size=8))) for station in ordered]
    per_page = GRID_COLUMNS * GRID_ROWS
    for first in range(0, max(len(coded), 1), per_page):
        _overview_page(pdf, rally_title, coded[first : first + per_page], continued=first > 0, words=words)
    for station, code in coded:
        _station_page(pdf, rally_title, station, code, words)
    return bytes(pdf.output())


def station_sign_pdf(rally_title: str, station: QrStation, words: Words = GERMAN) -> bytes:
    """One station's sign on its own, to reprint a lost or regenerated code without the whole kit."""
    pdf = _document(f"{station.title} – {rally_title}")
    _station_page(pdf, rally_title, station, io.BytesIO(qr_png(station.url, box_size=8)), words)
    return bytes(pdf.output())


def join_poster_pdf(
    *, code: str, join_url: str, rally_title: str, class_label: str, institution: str, words: Words = GERMAN
) -> bytes:
    """A poster for the classroom: the join code in very large type and a QR code of the join link."""
    pdf = _document(f"{rally_title} – {class_label}")
    pdf.add_page()
    width = pdf.epw
    _text(pdf, institution, 12, colour=GREY, top=MARGIN + 5)
    _fitted_title(pdf, rally_title, (28, 24, 20, 16), max_lines=2)
    pdf.ln(2)
    _text(pdf, class_label, 18)
    pdf.ln(8)
    _text(pdf, words.join_code, 13, colour=GREY)
    spaced = " ".join(code.upper())
    size = 90.0
    pdf.set_font(FONT, "B", size)
    while pdf.get_string_width(spaced) > width and size > 24:
        size -= 4
        pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*INK)
    pdf.cell(width, size * 0.45, spaced, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    qr_mm = 80.0
    top = pdf.get_y() + 6
    pdf.image(
        io.BytesIO(qr_png(join_url)),
        x=(pdf.w - qr_mm) / 2,
        y=top,
        w=qr_mm,
        h=qr_mm,
        alt_text=words.qr_of_join_link,
    )
    pdf.set_y(top + qr_mm + 4)
    _text(pdf, join_url, 10, colour=GREY)
    pdf.ln(6)
    _text(pdf, words.join, 13)
    return bytes(pdf.output())


def certificates_pdf(certs: list[Certificate], words: Words = GERMAN) -> bytes:
    """One landscape page per team, with a border, to print and hand out after the rally."""
    pdf = _document(words.certificate, orientation="L")
    for cert in certs:
        _certificate_page(pdf, cert, words)
    return bytes(pdf.output())


def _document(title: str, orientation: str = "P") -> FPDF:
    """An empty A4 document with the shipped Unicode fonts and no automatic page breaks."""
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.set_title(title)
    pdf.set_creator("rallyhub")
    return pdf


def _text(
    pdf: FPDF,
    text: str,
    size: float,
    *,
    bold: bool = False,
    colour: tuple[int, int, int] = INK,
    top: float | None = None,
) -> None:
    """A centred paragraph across the page width, wrapped as needed."""
    if top is not None:
        pdf.set_y(top)
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.set_x(pdf.l_margin)
    pdf.multi_cell(pdf.epw, size * 0.5, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _fitted_title(pdf: FPDF, text: str, sizes: tuple[float, ...], *, max_lines: int) -> None:
    """A bold centred title in the largest of the sizes that keeps it within max_lines."""
    for size in sizes:
        pdf.set_font(FONT, "B", size)
        if len(pdf.multi_cell(pdf.epw, size * 0.5, text, dry_run=True, output="LINES")) <= max_lines:
            break
    _text(pdf, text, size, bold=True)


def _footer(pdf: FPDF, text: str) -> None:
    """Small grey text at the bottom of the page."""
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*GREY)
    pdf.set_xy(pdf.l_margin, pdf.h - MARGIN - 5)
    pdf.cell(pdf.epw, 5, text, align=Align.C)


def _overview_page(
    pdf: FPDF, rally_title: str, coded: list[tuple[QrStation, io.BytesIO]], *, continued: bool, words: Words
) -> None:
    """A page of small codes with their station numbers and titles, to check the set at a glance."""
    pdf.add_page()
    heading = words.qr_codes.format(title=rally_title) + (" " + words.continued if continued else "")
    _text(pdf, heading, 16, bold=True, top=MARGIN)
    cell_w = pdf.epw / GRID_COLUMNS
    cell_h = (pdf.h - pdf.get_y() - 2 * MARGIN - 5) / GRID_ROWS
    top = pdf.get_y() + 4
    for index, (station, code) in enumerate(coded):
        row, column = divmod(index, GRID_COLUMNS)
        x, y = pdf.l_margin + column * cell_w, top + row * cell_h
        pdf.image(
            code,
            x=x + (cell_w - GRID_QR_MM) / 2,
            y=y,
            w=GRID_QR_MM,
            h=GRID_QR_MM,
            alt_text=words.qr_of_station.format(position=station.position),
        )
        pdf.set_xy(x + 1, y + GRID_QR_MM + 1)
        pdf.set_font(FONT, "B", 8)
        pdf.set_text_color(*INK)
        label = f"{station.position}. {station.title}"
        lines = pdf.multi_cell(cell_w - 2, 3.6, label, dry_run=True, output="LINES")
        if len(lines) > 2:
            label = lines[0] + " " + lines[1][: max(len(lines[1]) - 1, 0)] + "…"
        pdf.multi_cell(cell_w - 2, 3.6, label, align=Align.C, max_line_height=3.6)
        if station.short_code:
            pdf.set_x(x + 1)
            pdf.set_font(FONT, "B", 11)
            pdf.cell(cell_w - 2, 5, station.short_code, align=Align.C)
    _footer(pdf, rally_title)


def _station_page(pdf: FPDF, rally_title: str, station: QrStation, code: io.BytesIO, words: Words) -> None:
    """One station's sign: its title in large type, a QR code of about 12 cm and how to use it."""
    pdf.add_page()
    _text(pdf, words.station.format(position=station.position), 14, colour=GREY, top=MARGIN + 3)
    pdf.ln(2)
    _fitted_title(pdf, station.title, (32, 28, 24, 20, 16), max_lines=2)
    qr_mm = 100.0 if station.short_code else 120.0
    top = max(pdf.get_y() + 6, 70.0)
    pdf.image(
        code,
        x=(pdf.w - qr_mm) / 2,
        y=top,
        w=qr_mm,
        h=qr_mm,
        alt_text=words.qr_of_station.format(position=station.position),
    )
    pdf.set_y(top + qr_mm + 2)
    if station.short_code:
        # Large enough to read from two metres and to type without a camera.
        pdf.set_font(FONT, "B", 54)
        pdf.set_text_color(*INK)
        pdf.cell(pdf.epw, 22, station.short_code, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        _text(pdf, words.no_camera, 11, colour=GREY)
        pdf.ln(2)
    _text(pdf, station.url, 8, colour=GREY)
    pdf.ln(4)
    _text(pdf, words.scan, 13)
    _footer(pdf, rally_title)


def _certificate_page(pdf: FPDF, cert: Certificate, words: Words) -> None:
    """A framed landscape certificate naming the team, the rally, the place, the date and the score."""
    pdf.add_page()
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)
    pdf.set_margins(30, 30, 30)
    _text(pdf, words.certificate, 36, bold=True, colour=ACCENT, top=32)
    pdf.ln(10)
    _text(pdf, words.awarded_to, 14, colour=GREY)
    pdf.ln(4)
    _fitted_title(pdf, cert.team_name, (34, 28, 22), max_lines=2)
    pdf.ln(6)
    _text(pdf, words.taking_part.format(rally=cert.rally_title), 14)
    pdf.ln(6)
    if cert.max_score > 0:
        _text(
            pdf,
            words.points.format(score=_points(cert.score, words.decimal_mark),
                                max=_points(cert.max_score, words.decimal_mark)),
            16,
            bold=True,
        )
        pdf.ln(4)
    _text(pdf, f"{cert.institution} – {cert.date}", 13)
    line_y = pdf.h - 42
    pdf.set_draw_color(*GREY)
    pdf.line(pdf.w - 110, line_y, pdf.w - 40, line_y)
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*GREY)
    pdf.set_xy(pdf.w - 110, line_y + 1)
    pdf.cell(70, 5, words.signature, align=Align.C)
    if cert.programme_note:
        pdf.set_xy(30, pdf.h - 30)
        pdf.multi_cell(pdf.w - 60, 4, cert.programme_note, align=Align.C)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)


def _points(value: float, decimal_mark: str) -> str:
    """Points as people write them: 12, 12.5 (or 12,5), never 12.0."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", decimal_mark)
