"""Forms of the teacher pages: starting and changing a class run, deleting it, grading.

Times: teachers type local wall-clock times into `datetime-local` inputs, which carry no
time zone. The programme runs in Germany, so these are read as Europe/Berlin time (with
its summer time) and handed to the services as aware datetimes; the services store UTC.
The services stay the judges of what is valid (window order and length, retention bound,
points range); the forms only parse.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask_babel import gettext
from flask_wtf import FlaskForm
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, DateTimeLocalField, FloatField, IntegerField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation

from rallies.validation import TIME_MESSAGE, time_in_bounds

from server.formatting import DecimalField, zone

LOCAL_ZONE = ZoneInfo("Europe/Berlin")  # the default; `zone()` reads TIMEZONE
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def local_to_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A naive wall-clock time from a `datetime-local` input, read in Europe/Berlin, as UTC.

    In the autumn hour that occurs twice the earlier one is meant (fold=0); a time in the
    spring gap is shifted forward by the zone rules, as a clock would.
    """
    if value is None:
        return None
    return value.replace(tzinfo=zone()).astimezone(dt.timezone.utc)


def utc_to_local(value: dt.datetime | None) -> dt.datetime | None:
    """An aware time as the naive Europe/Berlin wall-clock time a `datetime-local` input shows."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(zone()).replace(tzinfo=None, second=0, microsecond=0)


CommaFloatField = DecimalField  # "2,5" and "2.5" alike; shown in the reader's way


class LocalDateTimeField(DateTimeLocalField):
    """A `datetime-local` input read as Europe/Berlin time; `.utc` is the value for the services."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=[LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S"], **kwargs)

    def pre_validate(self, form):
        if self.data is not None and not time_in_bounds(self.data):
            self.data = None  # converting a time near year 1 or 9999 to UTC would overflow
            raise StopValidation(TIME_MESSAGE.render(gettext))

    @property
    def utc(self) -> dt.datetime | None:
        return local_to_utc(self.data)


class RunWindowMixin:
    class_label = StringField(_l("Klasse (z. B. 7b)"), validators=[DataRequired(), Length(max=40)])
    starts_at = LocalDateTimeField(_l("Beginn (Ortszeit Berlin)"), validators=[InputRequired()])
    ends_at = LocalDateTimeField(_l("Ende (Ortszeit Berlin)"), validators=[InputRequired()])


class NewRunForm(RunWindowMixin, FlaskForm):
    school_id = SelectField(_l("Schule"), coerce=int)
    retention_days = IntegerField(_l("Aufbewahrung in Tagen nach dem Ende"),
                                  validators=[InputRequired()])
    share_uploads_with_institution = BooleanField(
        _l("Fotos, Audio und Video der Teams mit der Einrichtung teilen"))


class EditWindowForm(RunWindowMixin, FlaskForm):
    """Label and play window: only before the run starts."""


class RetentionForm(FlaskForm):
    """Retention and sharing: at any time until the data is deleted."""

    retention_days = IntegerField(_l("Aufbewahrung in Tagen nach dem Ende"),
                                  validators=[InputRequired()])
    share_uploads_with_institution = BooleanField(
        _l("Uploads mit der Einrichtung teilen"))


class DeleteRunForm(FlaskForm):
    confirm = BooleanField(_l("Ja, alle Teams, Antworten und Uploads dieses Laufs endgültig löschen"),
                           validators=[DataRequired(_l("Bitte bestätigen."))])


class GradeForm(FlaskForm):
    points = CommaFloatField(_l("Punkte"), validators=[InputRequired(_l("Punkte angeben."))])
    feedback = TextAreaField(_l("Rückmeldung an das Team (optional)"),
                             validators=[Optional(), Length(max=2000)])
