"""Dates, times and numbers for people: the reader's locale, the operator's time zone."""

from __future__ import annotations

import contextlib
import datetime as dt

import flask_babel

import pytest
from werkzeug.datastructures import MultiDict

from server.formatting import DecimalField, format_clock, format_day, format_number, format_when, parse_number

WINTER = dt.datetime(2026, 12, 7, 1, 42)  # UTC, as stored
SUMMER = dt.datetime(2026, 7, 1, 10, 5, tzinfo=dt.timezone.utc)


@contextlib.contextmanager
def in_language(app, lang: str):
    with app.test_request_context(f"/?lang={lang}"):
        flask_babel.refresh()
        yield


def test_times_are_shown_in_the_operators_zone_never_utc(app):
    with in_language(app, "de"):
        assert format_when(WINTER) == "07.12.2026, 02:42"
        assert format_when(SUMMER) == "01.07.2026, 12:05"
        assert format_clock(WINTER) == "02:42"
        assert format_day(WINTER) == "07.12.2026"
    with in_language(app, "en"):
        assert format_when(WINTER) == "Dec 7, 2026, 2:42\u202fAM"


def test_a_configured_time_zone_is_followed(app):
    app.config["TIMEZONE"] = "America/New_York"
    with in_language(app, "de"):
        assert format_when(WINTER) == "06.12.2026, 20:42"


def test_one_instant_shown_in_two_zones_gets_each_zones_wall_time(app):
    """Formatted times are cached; aware times of one instant compare equal across zones."""
    with in_language(app, "de"):
        app.config["TIMEZONE"] = "Europe/Berlin"
        berlin = format_when(WINTER)
        app.config["TIMEZONE"] = "America/New_York"
        assert (berlin, format_when(WINTER), format_clock(WINTER)) == ("07.12.2026, 02:42", "06.12.2026, 20:42", "20:42")


def test_numbers_are_german_or_english_and_whole_numbers_have_no_point_zero(app):
    with in_language(app, "de"):
        assert [format_number(v) for v in (12.0, 12.5, 10, 0.25, 1234.5)] == ["12", "12,5", "10", "0,25", "1.234,5"]
    with in_language(app, "en"):
        assert [format_number(v) for v in (12.0, 12.5, 1234.5)] == ["12", "12.5", "1,234.5"]


@pytest.mark.parametrize("typed, value", [("12,5", 12.5), ("12.5", 12.5), (" 7 ", 7.0), ("-0,5", -0.5),
                                          ("1.234,5", 1234.5), ("1,234.5", 1234.5)])
def test_typed_numbers_take_a_comma_or_a_point(typed, value):
    assert parse_number(typed) == value


def test_the_number_field_reads_both_and_shows_the_readers_way(app):
    from flask_wtf import FlaskForm

    class Form(FlaskForm):
        class Meta:
            csrf = False
        points = DecimalField("Punkte")

    with in_language(app, "de"):
        form = Form(formdata=MultiDict({"points": "12,5"}))
        assert form.validate() and form.points.data == 12.5
        assert 'value="12,5"' in form.points() and 'inputmode="decimal"' in form.points()
        assert Form(points=10.0).points._value() == "10"
        assert Form(points=2.5).points._value() == "2,5"
        bad = Form(formdata=MultiDict({"points": "zwölf"}))
        assert not bad.validate() and bad.points.errors == ["Keine gültige Zahl."]
    with in_language(app, "en"):
        assert Form(points=2.5).points._value() == "2.5"
        bad = Form(formdata=MultiDict({"points": "twelve"}))
        assert not bad.validate() and bad.points.errors == ["Not a valid number."]
