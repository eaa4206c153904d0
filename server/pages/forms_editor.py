"""Forms of the editor pages.

WTForms parses the fields every task has; a task's `config` comes from its type's UI
module in `server/tasktypes/`, which turns posted rows into the config dict the task
registry validates.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import (
    BooleanField, FloatField, IntegerField, SelectField, SelectMultipleField, StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from rallies.authoring import LANGUAGES
from server.formatting import DecimalField


LocalFloatField = DecimalField  # "52,52" and "52.52" alike; shown in the reader's way


LANGUAGE_NAMES = {"de": "Deutsch", "en": "English", "fr": "Français", "tr": "Türkçe", "ar": "العربية",
                  "uk": "Українська", "pl": "Polski", "es": "Español", "it": "Italiano", "ru": "Русский"}
LANGUAGE_CHOICES = [(code, LANGUAGE_NAMES.get(code, code)) for code in LANGUAGES]

STATION_ORDERS = [("fixed", _l("Feste Reihenfolge")), ("free", _l("Freie Wahl")),
                  ("random", _l("Zufällig je Team"))]
UNLOCK_CHOICES = [("open", _l("Sofort offen")), ("qr", _l("QR-Code scannen")),
                  ("location", _l("Ort erreichen"))]

# --- Rallies ---------------------------------------------------------------------------

class NewRallyForm(FlaskForm):
    institution_id = SelectField(_l("Einrichtung"), coerce=int)
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    theme = StringField(_l("Thema"), validators=[Length(max=200)])
    about = TextAreaField(_l("Von wem, für wen, worüber"),
                          validators=[DataRequired()])
    language = SelectField(_l("Sprache"), choices=LANGUAGE_CHOICES, default="de")
    age_min = IntegerField(_l("Alter ab"), default=10, validators=[DataRequired(), NumberRange(6, 99)])
    age_max = IntegerField(_l("Alter bis"), default=18, validators=[DataRequired(), NumberRange(6, 99)])
    partnership_id = SelectField(_l("Gemeinsam mit der Partnerschaft"), coerce=int, default=0)


LICENCE_CHOICES = [
    ("all-rights-reserved", _l("Alle Rechte vorbehalten (kein Kopieren aus der Bibliothek)")),
    ("CC-BY-4.0", _l("CC BY 4.0 (Kopieren mit Namensnennung)")),
    ("CC-BY-SA-4.0", _l("CC BY-SA 4.0 (Namensnennung, Weitergabe unter gleichen Bedingungen)")),
    ("CC0-1.0", _l("CC0 1.0 (frei, ohne Bedingungen)")),
]


class RallyForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    theme = StringField(_l("Thema"), validators=[Length(max=200)])
    description_md = TextAreaField(_l("Beschreibung (Markdown)"))
    about = TextAreaField(_l("Von wem, für wen, worüber"), validators=[DataRequired()])
    language = SelectField(_l("Sprache"), choices=LANGUAGE_CHOICES)
    age_min = IntegerField(_l("Alter ab"), validators=[DataRequired(), NumberRange(6, 99)])
    age_max = IntegerField(_l("Alter bis"), validators=[DataRequired(), NumberRange(6, 99)])
    subjects = StringField(_l("Fächer, durch Komma getrennt"))
    # Applied only when sent, so that a form without it keeps the rally's licence.
    licence = SelectField(_l("Lizenz"), choices=LICENCE_CHOICES, validate_choice=False)
    start_lat = LocalFloatField(_l("Startpunkt Breite"), validators=[Optional()])
    start_lon = LocalFloatField(_l("Startpunkt Länge"), validators=[Optional()])
    # settings
    station_order = SelectField(_l("Reihenfolge der Stationen"), choices=STATION_ORDERS)
    time_limit_min = IntegerField(_l("Zeitlimit in Minuten (leer = keins)"),
                                  validators=[Optional(), NumberRange(1, 24 * 60)])
    attempts_per_task = IntegerField(_l("Versuche je Aufgabe (leer = unbegrenzt)"),
                                     validators=[Optional(), NumberRange(1, 20)])
    wrong_attempt_penalty = LocalFloatField(_l("Punktabzug je Fehlversuch"),
                                            default=0, validators=[Optional(), NumberRange(0, 1000)])
    run_minutes = IntegerField(_l("Dauer eines sofort gestarteten Klassenlaufs in Minuten (leer = 90)"),
                               validators=[Optional(), NumberRange(10, 24 * 60)])
    show_points = BooleanField(_l("Punkte anzeigen"))
    show_solutions = BooleanField(_l("Lösungen anzeigen"))
    offline_feedback = BooleanField(_l("Lösungen aufs Handy laden (Rückmeldung offline)"))

    # Service error paths that belong to a field of another name.
    error_aliases = {"settings.time_limit_s": "time_limit_min", "settings.run_minutes": "run_minutes"}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Checked here too: authoring._check_rally fails with a TypeError on a half-given start.
        if (self.start_lat.data is None) != (self.start_lon.data is None):
            self.start_lat.errors = [*self.start_lat.errors,
                                     _l("Beide Startkoordinaten oder keine.")]
            ok = False
        return ok

    @classmethod
    def for_rally(cls, rally) -> "RallyForm":
        settings = rally.effective_settings
        limit = settings.get("time_limit_s")
        return cls(
            formdata=None, title=rally.title, theme=rally.theme, description_md=rally.description_md, about=rally.about,
            language=rally.language, age_min=rally.age_min, age_max=rally.age_max,
            subjects=", ".join(rally.subjects or []), start_lat=rally.start_lat, start_lon=rally.start_lon,
            licence=rally.licence,
            station_order=settings["station_order"], time_limit_min=(limit // 60 if limit else None),
            attempts_per_task=settings.get("attempts_per_task"),
            wrong_attempt_penalty=settings.get("wrong_attempt_penalty", 0),
            show_points=settings.get("show_points"), show_solutions=settings.get("show_solutions"),
            offline_feedback=settings.get("offline_feedback"), run_minutes=settings.get("run_minutes"),
        )

    def service_fields(self) -> dict:
        return {
            "title": self.title.data, "theme": self.theme.data or "", "description_md": self.description_md.data or "",
            "about": self.about.data, "language": self.language.data, "age_min": self.age_min.data,
            "age_max": self.age_max.data,
            "subjects": [s.strip() for s in (self.subjects.data or "").split(",") if s.strip()],
            "start_lat": self.start_lat.data, "start_lon": self.start_lon.data,
            **({"licence": self.licence.data} if self.licence.raw_data else {}),
            "settings": {
                "station_order": self.station_order.data,
                "time_limit_s": self.time_limit_min.data * 60 if self.time_limit_min.data else None,
                "attempts_per_task": self.attempts_per_task.data or None,
                "wrong_attempt_penalty": self.wrong_attempt_penalty.data or 0,
                "show_points": self.show_points.data, "show_solutions": self.show_solutions.data,
                "offline_feedback": self.offline_feedback.data,
                "run_minutes": self.run_minutes.data or None,
            },
        }


class CopyRallyForm(FlaskForm):
    institution_id = SelectField(_l("Kopieren nach"), coerce=int)


class CoverForm(FlaskForm):
    file = FileField(_l("Titelbild"), validators=[FileRequired(_l("Bitte eine Bilddatei wählen."))])
    alt = StringField(_l("Bildbeschreibung (Alternativtext)"),
                      validators=[DataRequired(_l("Jedes Bild braucht einen Alternativtext.")),
                                  Length(max=300)])


class SitePlanForm(FlaskForm):
    file = FileField(_l("Lageplan (Bild)"), validators=[FileRequired(_l("Bitte eine Bilddatei wählen."))])
    alt = StringField(_l("Bildbeschreibung (Alternativtext)"),
                      validators=[DataRequired(_l("Jedes Bild braucht einen Alternativtext.")), Length(max=300)])


class ImportForm(FlaskForm):
    institution_id = SelectField(_l("Einrichtung"), coerce=int)
    file = FileField(_l("Rallye-Export (ZIP)"), validators=[FileRequired(_l("Bitte eine ZIP-Datei wählen."))])


class PublishForm(FlaskForm):
    visibility = SelectField(_l("Veröffentlichen für"),
                             choices=[("partners", _l("Partnerschulen")), ("school", _l("Unsere Schule")),
                                      ("public", _l("Alle"))])


# --- Stations --------------------------------------------------------------------------

class NewStationForm(FlaskForm):
    title = StringField(_l("Titel der Station"), validators=[DataRequired(), Length(max=200)])
    unlock_mode = SelectField(_l("Freischalten"), choices=UNLOCK_CHOICES, default="open")
    lat = LocalFloatField(_l("Breite"), validators=[Optional(), NumberRange(-90, 90)])
    lon = LocalFloatField(_l("Länge"), validators=[Optional(), NumberRange(-180, 180)])
    radius_m = IntegerField(_l("Radius in Metern"), validators=[Optional(), NumberRange(10, 5000)])

    def service_fields(self) -> dict:
        data = {"title": self.title.data, "unlock_mode": self.unlock_mode.data}
        for name in ("lat", "lon", "radius_m"):
            data[name] = getattr(self, name).data
        return data


class StationForm(NewStationForm):
    body_md = TextAreaField(_l("Text (Markdown)"))
    after_stations = SelectMultipleField(_l("Erst nach diesen Stationen"), coerce=int,
                                         validators=[Optional()])
    min_score = LocalFloatField(_l("Erst ab Punktestand"), validators=[Optional(), NumberRange(0, 100000)])

    error_aliases = {"conditions": "after_stations"}

    @classmethod
    def for_station(cls, station) -> "StationForm":
        conditions = station.conditions or []
        return cls(
            formdata=None, title=station.title, body_md=station.body_md, unlock_mode=station.unlock_mode, lat=station.lat,
            lon=station.lon, radius_m=station.radius_m,
            after_stations=[c["after_station"] for c in conditions if "after_station" in c],
            min_score=next((c["min_score"] for c in conditions if "min_score" in c), None),
        )

    def service_fields(self) -> dict:
        data = super().service_fields()
        data["body_md"] = self.body_md.data or ""
        conditions = [{"after_station": sid} for sid in self.after_stations.data or []]
        if self.min_score.data is not None:
            conditions.append({"min_score": self.min_score.data})
        data["conditions"] = conditions
        return data


class MediaForm(FlaskForm):
    file = FileField(_l("Datei (Bild, Audio, Video)"), validators=[FileRequired(_l("Bitte eine Datei wählen."))])
    alt = StringField(_l("Alternativtext (bei Bildern Pflicht)"),
                      validators=[Length(max=300)])


# --- Tasks -----------------------------------------------------------------------------

class TaskForm(FlaskForm):
    prompt_md = TextAreaField(_l("Aufgabentext (Markdown)"))
    points = LocalFloatField(_l("Punkte"), default=10, validators=[Optional(), NumberRange(0, 1000)])
    hint_text = TextAreaField(_l("Tipp"), validators=[Length(max=2000)])
    hint_cost = LocalFloatField(_l("Tipp kostet Punkte"), default=0, validators=[Optional(), NumberRange(0, 1000)])
    time_limit_s = IntegerField(_l("Zeitlimit in Sekunden"),
                                validators=[Optional(), NumberRange(5, 3600)])
    feedback_correct = TextAreaField(_l("Rückmeldung bei richtiger Antwort"),
                                     validators=[Length(max=2000)])
    feedback_wrong = TextAreaField(_l("Rückmeldung bei falscher Antwort"),
                                   validators=[Length(max=2000)])

    @classmethod
    def for_task(cls, task) -> "TaskForm":
        return cls(formdata=None, prompt_md=task.prompt_md, points=task.points, hint_text=task.hint_text or "",
                   hint_cost=task.hint_cost, time_limit_s=task.time_limit_s,
                   feedback_correct=task.feedback_correct, feedback_wrong=task.feedback_wrong)

    def service_fields(self) -> dict:
        return {
            "prompt_md": self.prompt_md.data or "",
            "points": self.points.data if self.points.data is not None else 0,
            "hint_text": (self.hint_text.data or "").strip() or None,
            "hint_cost": self.hint_cost.data or 0,
            "time_limit_s": self.time_limit_s.data,
            "feedback_correct": self.feedback_correct.data or "",
            "feedback_wrong": self.feedback_wrong.data or "",
        }


EMPTY_ROWS = 2
MIN_ROWS = 4
MAX_ROWS = 20


def row_count(items: list | None) -> int:
    """How many option rows to show: those there are, some blank ones to add more, at most 20."""
    return min(MAX_ROWS, max(MIN_ROWS, len(items or []) + EMPTY_ROWS))
