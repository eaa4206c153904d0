"""Printed QR kits, join posters and certificates carry the right text, in German too, and working codes."""

from __future__ import annotations

import io
import time

import zxingcpp
from pypdf import PdfReader

from media.pdf import Certificate, QrStation, Words, certificates_pdf, join_poster_pdf, qr_kit_pdf

RALLY = "Auf den Spuren der Ölmühle – „Technik früher“"


def stations(count: int) -> list[QrStation]:
    return [
        QrStation(f"Station {n}: Mühlrad & Zahnräder", f"https://rally.example/q/token-{n:03d}-xYz", n)
        for n in range(1, count + 1)
    ]


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text with line breaks from wrapping turned into spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def decoded_images(pdf: bytes, page_number: int) -> list[str]:
    page = PdfReader(io.BytesIO(pdf)).pages[page_number]
    return [r.text for image in page.images for r in zxingcpp.read_barcodes(image.image)]


def test_qr_kit_has_an_overview_page_then_one_page_per_station():
    kit = qr_kit_pdf(RALLY, stations(3))
    text = pages_text(kit)
    assert len(text) == 4
    for n in (1, 2, 3):
        assert f"Station {n}: Mühlrad & Zahnräder" in text[0]
        assert f"Station {n}: Mühlrad & Zahnräder" in text[n]


def test_station_page_carries_instructions_in_the_readers_language_and_the_rally_title():
    text = pages_text(qr_kit_pdf(RALLY, stations(1)))[1]
    assert "Scanne diesen Code mit der Rallye-App" in text and "Scan this code" not in text
    assert "Ölmühle – „Technik früher“" in text
    english = Words(scan="Scan this code with the rally app.", station="Station {position}")
    text = pages_text(qr_kit_pdf(RALLY, stations(1), english))[1]
    assert "Scan this code with the rally app" in text and "Scanne" not in text


def test_station_page_qr_code_decodes_to_that_stations_url():
    kit = qr_kit_pdf(RALLY, stations(3))
    assert decoded_images(kit, 2) == ["https://rally.example/q/token-002-xYz"]


def test_station_pages_follow_the_rally_order_not_the_list_order():
    kit = qr_kit_pdf(RALLY, list(reversed(stations(3))))
    assert [decoded_images(kit, page) for page in (1, 2, 3)] == [
        [f"https://rally.example/q/token-{n:03d}-xYz"] for n in (1, 2, 3)
    ]


def test_fifty_stations_spread_the_overview_over_three_pages_and_each_code_is_embedded_once():
    started = time.perf_counter()
    kit = qr_kit_pdf(RALLY, stations(50))
    print(f"QR kit for 50 stations: {time.perf_counter() - started:.2f} s, {len(kit) // 1024} KB")
    reader = PdfReader(io.BytesIO(kit))
    assert len(reader.pages) == 3 + 50
    overview = " ".join(pages_text(kit)[:3])
    assert all(f"{n}. Station {n}:" in overview for n in range(1, 51))
    image_objects = {obj.idnum for page in reader.pages for obj in page["/Resources"]["/XObject"].values()}
    assert len(image_objects) == 50


def test_long_station_titles_still_fit_on_their_page():
    title = (
        "Die außergewöhnlich lange Überschrift einer Station über Wasserräder, Mühlsteine und Getreidesorten"
    )
    text = pages_text(qr_kit_pdf(RALLY, [QrStation(title, "https://rally.example/q/t", 1)]))
    assert len(text) == 2
    assert title in text[1]


def test_join_poster_shows_the_code_the_link_and_speaks_one_language():
    poster = join_poster_pdf(
        code="k7m2qx",
        join_url="https://rally.example/j/K7M2QX",
        rally_title=RALLY,
        class_label="Klasse 7b – Gymnasium Überlingen",
        institution="Stadtmuseum Münster",
    )
    (text,) = pages_text(poster)
    assert "K 7 M 2 Q X" in text
    assert "Klasse 7b – Gymnasium Überlingen" in text and "Stadtmuseum Münster" in text
    assert "Öffne die Rallye-App" in text and "Open the rally app" not in text
    assert decoded_images(poster, 0) == ["https://rally.example/j/K7M2QX"]
    english = Words(join="Open the rally app and enter the code.", join_code="Join code")
    (text,) = pages_text(join_poster_pdf(code="k7m2qx", join_url="https://rally.example/j/K7M2QX", rally_title=RALLY,
                                         class_label="7b", institution="Stadtmuseum Münster", words=english))
    assert "Open the rally app" in text and "Join code" in text and "Öffne" not in text


def test_certificates_are_one_landscape_page_per_team_with_name_and_score():
    certs = [
        Certificate(
            "Die Überflieger",
            RALLY,
            "Stadtmuseum Münster",
            "14. Mai 2025",
            12.5,
            20,
            "Gefördert im Programm „Kultur & Schule“",
        ),
        Certificate("Team Größenwahn", RALLY, "Stadtmuseum Münster", "14. Mai 2025", 20, 20, None),
    ]
    pdf = certificates_pdf(certs)
    assert all(page.mediabox.width > page.mediabox.height for page in PdfReader(io.BytesIO(pdf)).pages)
    first, second = pages_text(pdf)
    assert "Urkunde" in first and "Certificate" not in first and "an der Rallye" in first
    assert "Die Überflieger" in first and "Team Größenwahn" in second
    assert "12,5 von 20 Punkten" in first and "points" not in first
    assert "20 von 20 Punkten" in second
    assert "„Kultur & Schule“" in first and "Kultur & Schule" not in second


def test_certificate_without_points_leaves_the_score_out():
    cert = Certificate("Die Entdecker", RALLY, "Archiv", "1.6.2025", 0, 0)
    (text,) = pages_text(certificates_pdf([cert]))
    assert "Die Entdecker" in text and "Punkte" not in text
