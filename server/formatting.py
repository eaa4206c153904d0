"""Dates, times and numbers for people: Babel's formatters in the reader's locale and `TIMEZONE`.

Stored times are UTC (naive values are read as UTC); people see them in the operator's time
zone (config `TIMEZONE`, default Europe/Berlin), never as UTC or ISO. Numbers print in the
locale's way ("12,5" in German) and whole numbers without ".0". Templates use the filters
`datetime`, `date`, `time` and `number`; forms use `DecimalField` below for typed numbers.
"""

from __future__ import annotations

import math
from functools import lru_cache

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import format_date, format_decimal, format_time, get_locale, get_timezone, gettext
from wtforms import FloatField
from wtforms.widgets import TextInput

DEFAULT_TIMEZONE = "Europe/Berlin"
NOTHING = "–"


def zone() -> ZoneInfo:
    """The operator's time zone."""
    return ZoneInfo(current_app.config.get("TIMEZONE") or DEFAULT_TIMEZONE)


def local(value: dt.datetime | None) -> dt.datetime | None:
    """A stored (UTC) time as an aware time in the operator's zone."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(zone())


def format_when(value: dt.datetime | dt.date | None, with_seconds: bool = False) -> str:
    """Date and time of day, e.g. "07.12.2026, 14:05" (de) or "Dec 7, 2026, 2:05 PM" (en)."""
    if value is None:
        return NOTHING
    if not isinstance(value, dt.datetime):
        return format_day(value)
    return _format_when(str(get_locale()), _wall_time(value, with_seconds), with_seconds)


@lru_cache(maxsize=4096)
def _format_when(locale_key: str, when: dt.datetime, with_seconds: bool) -> str:
    """Babel parses its patterns on every call; a live table of 100 teams shows far fewer distinct times."""
    time = _format_clock(locale_key, when.time(), with_seconds)
    return get_locale().datetime_formats["medium"].format(time, format_date(when.date(), "medium"))


def format_day(value: dt.datetime | dt.date | None, width: str = "medium") -> str:
    """A date, e.g. "07.12.2026" (de) or "Dec 7, 2026" (en); datetimes on their local day."""
    if value is None:
        return NOTHING
    if isinstance(value, dt.datetime):
        value = local(value).date()
    return format_date(value, width)


def format_clock(value: dt.datetime | None, with_seconds: bool = False) -> str:
    """The local time of day, e.g. "14:05"."""
    if value is None:
        return NOTHING
    return _format_clock(str(get_locale()), _wall_time(value, with_seconds).time(), with_seconds)


def _wall_time(value: dt.datetime, with_seconds: bool) -> dt.datetime:
    """The local wall time as shown (to the minute unless seconds are), without its zone: the
    key of the format caches. Aware times of one instant compare equal whatever their
    zone and would share an entry; cut to what is shown, a class's times share many."""
    when = local(value).replace(tzinfo=None)
    return when if with_seconds else when.replace(second=0, microsecond=0)


@lru_cache(maxsize=4096)
def _format_clock(locale_key: str, when: dt.time, with_seconds: bool) -> str:
    return format_time(when, "medium" if with_seconds else "short")


def format_number(value, digits: int = 2) -> str:
    """12.0 → "12", 12.5 → "12,5" (de) / "12.5" (en); at most `digits` decimals."""
    if value is None:
        return NOTHING
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _format_number(str(get_locale()), round(value, digits) if isinstance(value, float) else value, digits)


@lru_cache(maxsize=4096)
def _format_number(locale_key: str, value, digits: int) -> str:
    """Points repeat endlessly across a class's rows; each distinct one is formatted once per locale."""
    return format_decimal(value, format="#,##0." + "#" * digits if digits else "#,##0")


def parse_number(text: str) -> float:
    """"12,5" and "12.5" both mean 12.5 wherever people type numbers (a German keyboard gives a comma).

    With both separators ("1.234,5" or "1,234.5") the last one is the decimal mark.
    Raises ValueError for anything else.
    """
    text = (text or "").strip().replace("\u2212", "-")
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if decimal == "," else ","
        text = text.replace(group, "").replace(decimal, ".")
    else:
        text = text.replace(",", ".")
    text = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    number = float(text)
    if not math.isfinite(number):  # "inf", "nan", "1e999": no one types these as a number
        raise ValueError(text)
    return number


class DecimalInput(TextInput):
    """A text input with the decimal keypad: `type=number` refuses "12,5" in some browsers."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("inputmode", "decimal")
        return super().__call__(field, **kwargs)


class DecimalField(FloatField):
    """A number field that takes "12,5" and "12.5" and shows its value in the reader's way."""

    widget = DecimalInput()

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str) and valuelist[0].strip():
            try:
                self.data = parse_number(valuelist[0])
            except ValueError:
                self.data = None
                raise ValueError(gettext("Keine gültige Zahl.")) from None
            return
        super().process_formdata(valuelist)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        value = int(self.data) if float(self.data).is_integer() else round(self.data, 6)
        return format_decimal(value, format="0.######")


def init_formatting(app: Flask) -> None:
    """Register the template filters; Flask-Babel's own helpers use the same time zone."""
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config.get("TIMEZONE") or DEFAULT_TIMEZONE)
    app.jinja_env.filters.update(datetime=format_when, date=format_day, time=format_clock,
                                 number=format_number)
    app.jinja_env.globals.update(user_timezone=get_timezone)
