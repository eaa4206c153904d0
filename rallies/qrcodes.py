"""QR codes of stations: the URL a code holds, its images, and the printable kit of a rally."""

from __future__ import annotations

from media.pdf import QrStation, qr_kit_pdf, station_sign_pdf
from media.qr import qr_png, qr_svg

from rallies.errors import Invalid
from rallies.models import Rally, Station
from rallies.messages import msg
from rallies.short_codes import display_short_code


def station_url(public_url: str, station: Station) -> str:
    """`{PUBLIC_URL}/q/{token}`: opens the web player on a phone camera; the app reads the token."""
    if station.unlock_mode != "qr" or not station.qr_token:
        raise Invalid(msg("Nur QR-Stationen haben einen Code."), code="not_a_qr_station")
    return f"{public_url.rstrip('/')}/q/{station.qr_token}"


def station_png(public_url: str, station: Station) -> bytes:
    return qr_png(station_url(public_url, station))


def station_svg(public_url: str, station: Station) -> bytes:
    return qr_svg(station_url(public_url, station))


def kit_pdf(public_url: str, rally: Rally, *, say=str) -> bytes:
    """Overview sheet(s) and one A4 sign per QR station, numbered by their place in the rally.

    The codes in it count as printed (the caller commits); a regenerated code is not printed.
    """
    stations = [_printable(public_url, station, index + 1)
                for index, station in enumerate(rally.stations) if station.unlock_mode == "qr" and station.qr_token]
    if not stations:
        raise Invalid(msg("Die Rallye hat keine QR-Stationen."), code="no_qr_stations")
    from rallies.exports import pdf_words

    pdf = qr_kit_pdf(rally.title, stations, pdf_words(say))
    for station in rally.stations:
        if station.unlock_mode == "qr" and station.qr_token:
            station.qr_printed_token = station.qr_token  # the checklist stops asking for a print-out
    return pdf


def _printable(public_url: str, station: Station, position: int) -> QrStation:
    return QrStation(title=station.title, url=station_url(public_url, station), position=position,
                     short_code=display_short_code(station.short_code) or None)


def sign_pdf(public_url: str, station: Station, *, say=str) -> bytes:
    """The A4 sign of one QR station: title, QR code and its short code in large type.

    Like the kit, it counts the station's code as printed (the caller commits).
    """
    from rallies.exports import pdf_words

    position = station.rally.stations.index(station) + 1
    pdf = station_sign_pdf(station.rally.title, _printable(public_url, station, position), pdf_words(say))
    station.qr_printed_token = station.qr_token
    return pdf
