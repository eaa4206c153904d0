"""Forms of the live class visit: start now, move the end, message every team, ranking switch."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from server.pages.forms_teacher import LocalDateTimeField

MINUTES_MAX = 14 * 24 * 60


class StartNowForm(FlaskForm):
    """A run whose window opens now: class, school and length in minutes."""

    school_id = SelectField(_l("Schule"), coerce=int)
    class_label = StringField(_l("Klasse (z. B. 7b)"), validators=[DataRequired(), Length(max=40)])
    minutes = IntegerField(_l("Dauer in Minuten"), validators=[InputRequired(), NumberRange(10, MINUTES_MAX)])


class EmptyForm(FlaskForm):
    """Only the CSRF token: a button that does one thing."""


class RunEndForm(FlaskForm):
    """Move the end of a run that is under way, by minutes (a button) or to a time."""

    shift = IntegerField(validators=[Optional(), NumberRange(-24 * 60, 24 * 60)])
    ends_at = LocalDateTimeField(_l("Neues Ende (Ortszeit Berlin)"), validators=[Optional()])


class MessageForm(FlaskForm):
    text = TextAreaField(_l("Nachricht an alle Teams"), validators=[DataRequired(_l("Bitte einen Text eingeben.")),
                                                                      Length(max=500)])


class RankingSettingForm(FlaskForm):
    show_ranking = BooleanField(_l("Abschluss-Rangliste für diesen Lauf zeigen"))
