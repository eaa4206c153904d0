"""QR codes hold exactly the URL we put in, so a camera or the app opens the right station."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image

from media.qr import qr_png, qr_svg

URL = "https://rally.example/q/3q2-Zk8vXb1rT0pL9mYw4A"


def decoded(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_png_decodes_to_the_same_url():
    assert decoded(qr_png(URL)) == [URL]


def test_png_has_the_requested_module_size_and_quiet_zone():
    small = Image.open(io.BytesIO(qr_png(URL, box_size=2, border=4)))
    large = Image.open(io.BytesIO(qr_png(URL, box_size=10, border=4)))
    assert small.size[0] * 5 == large.size[0]
    assert large.getpixel((0, 0)) == large.getpixel((39, 39)) != large.getpixel((40, 40))


def test_long_unicode_text_still_decodes():
    text = "https://rally.example/j/K7M2QX?klasse=7b&schule=Gymnasium-Überlingen"
    assert decoded(qr_png(text)) == [text]


def test_svg_is_a_scalable_image_drawing_the_code():
    svg = qr_svg(URL)
    assert svg.startswith(b"<?xml") and b"<svg" in svg and b"<path" in svg
    assert b"<script" not in svg
