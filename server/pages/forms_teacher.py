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

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateTimeLocalField, FloatField, IntegerField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

LOCAL_ZONE = ZoneInfo("Europe/Berlin")
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def local_to_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A naive wall-clock time from a `datetime-local` input, read in Europe/Berlin, as UTC.

    In the autumn hour that occurs twice the earlier one is meant (fold=0); a time in the
    spring gap is shifted forward by the zone rules, as a clock would.
    """
    if value is None:
        return None
    return value.replace(tzinfo=LOCAL_ZONE).astimezone(dt.timezone.utc)


def utc_to_local(value: dt.datetime | None) -> dt.datetime | None:
    """An aware time as the naive Europe/Berlin wall-clock time a `datetime-local` input shows."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(LOCAL_ZONE).replace(tzinfo=None, second=0, microsecond=0)


class CommaFloatField(FloatField):
    """A number field that also takes a German decimal comma (2,5)."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [v.replace(",", ".").strip() if isinstance(v, str) else v for v in valuelist]
        super().process_formdata(valuelist)


class LocalDateTimeField(DateTimeLocalField):
    """A `datetime-local` input read as Europe/Berlin time; `.utc` is the value for the services."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=[LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S"], **kwargs)

    @property
    def utc(self) -> dt.datetime | None:
        return local_to_utc(self.data)


class RunWindowMixin:
    class_label = StringField("Klasse / Class (z. B. 7b)", validators=[DataRequired(), Length(max=40)])
    starts_at = LocalDateTimeField("Beginn / Start (Ortszeit Berlin)", validators=[InputRequired()])
    ends_at = LocalDateTimeField("Ende / End (Ortszeit Berlin)", validators=[InputRequired()])


class NewRunForm(RunWindowMixin, FlaskForm):
    school_id = SelectField("Schule / School", coerce=int)
    retention_days = IntegerField("Aufbewahrung in Tagen nach dem Ende / Retention days after the end",
                                  validators=[InputRequired()])
    share_uploads_with_institution = BooleanField(
        "Fotos, Audio und Video der Teams mit der Einrichtung teilen / Share the teams' uploads with the institution")


class EditWindowForm(RunWindowMixin, FlaskForm):
    """Label and play window: only before the run starts."""


class RetentionForm(FlaskForm):
    """Retention and sharing: at any time until the data is deleted."""

    retention_days = IntegerField("Aufbewahrung in Tagen nach dem Ende / Retention days after the end",
                                  validators=[InputRequired()])
    share_uploads_with_institution = BooleanField(
        "Uploads mit der Einrichtung teilen / Share uploads with the institution")


class DeleteRunForm(FlaskForm):
    confirm = BooleanField("Ja, alle Teams, Antworten und Uploads dieses Laufs endgültig löschen / "
                           "Yes, delete all teams, answers and uploads of this run for good",
                           validators=[DataRequired("Bitte bestätigen / Please confirm.")])


class GradeForm(FlaskForm):
    points = CommaFloatField("Punkte / Points", validators=[InputRequired("Punkte angeben / Enter points.")])
    feedback = TextAreaField("Rückmeldung an das Team (optional) / Feedback (optional)",
                             validators=[Optional(), Length(max=2000)])
