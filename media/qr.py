"""QR codes for station unlocks and join links, readable by the app and by any phone camera."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _code(text: str, box_size: int, border: int) -> qrcode.QRCode:
    """The smallest QR version that holds the text with medium error correction (15 % may be damaged)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_png(text: str, box_size: int = 10, border: int = 4) -> bytes:
    """A black-on-white PNG, `box_size` pixels per module, with the quiet zone readers need."""
    buffer = io.BytesIO()
    _code(text, box_size, border).make_image().save(buffer, "PNG")
    return buffer.getvalue()


def qr_svg(text: str) -> bytes:
    """A scalable SVG (one path), for printing at any size."""
    buffer = io.BytesIO()
    _code(text, 10, 4).make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue()
