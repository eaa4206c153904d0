"""Forms of the editor pages, and the per-type task config editors.

WTForms parses the fields every task has; a task's `config` comes from the per-type
editors below, which turn posted rows (options, pairs, answers one per line) into the
config dict the task registry validates. The registry stays the only judge of what is
valid: these parsers only reshape input, and a type without an editor here falls back
to editing its config as JSON, so adding a task type never breaks the pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

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
from rallies.tasks import REGISTRY


LocalFloatField = DecimalField  # "52,52" and "52.52" alike; shown in the reader's way


LANGUAGE_NAMES = {"de": "Deutsch", "en": "English", "fr": "Français", "tr": "Türkçe", "ar": "العربية",
                  "uk": "Українська", "pl": "Polski", "es": "Español", "it": "Italiano", "ru": "Русский"}
LANGUAGE_CHOICES = [(code, LANGUAGE_NAMES.get(code, code)) for code in LANGUAGES]

STATION_ORDERS = [("fixed", _l("Feste Reihenfolge")), ("free", _l("Freie Wahl")),
                  ("random", _l("Zufällig je Team"))]
UNLOCK_CHOICES = [("open", _l("Sofort offen")), ("qr", _l("QR-Code scannen")),
                  ("location", _l("Ort erreichen"))]

TASK_LABELS = {
    "info": _l("Info-Text (ohne Antwort)"),
    "single_choice": _l("Einfachauswahl"),
    "multiple_choice": _l("Mehrfachauswahl"),
    "text": _l("Freitext"),
    "number": _l("Zahl oder Schätzung"),
    "order": _l("Reihenfolge"),
    "match": _l("Paare zuordnen"),
    "photo": _l("Foto-Antwort"),
    "audio": _l("Audio-Antwort"),
    "video": _l("Video-Antwort"),
    "location": _l("Ort finden"),
    "survey": _l("Umfrage oder Bewertung"),
}


def task_label(name: str) -> str:
    return TASK_LABELS.get(name, name)


def task_type_choices() -> list[tuple[str, str]]:
    """Every registered type, the known ones first in a sensible order."""
    known = [name for name in TASK_LABELS if name in REGISTRY]
    return [(name, task_label(name)) for name in known + sorted(set(REGISTRY) - set(known))]


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


class RallyForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    theme = StringField(_l("Thema"), validators=[Length(max=200)])
    description_md = TextAreaField(_l("Beschreibung (Markdown)"))
    about = TextAreaField(_l("Von wem, für wen, worüber"), validators=[DataRequired()])
    language = SelectField(_l("Sprache"), choices=LANGUAGE_CHOICES)
    age_min = IntegerField(_l("Alter ab"), validators=[DataRequired(), NumberRange(6, 99)])
    age_max = IntegerField(_l("Alter bis"), validators=[DataRequired(), NumberRange(6, 99)])
    subjects = StringField(_l("Fächer, durch Komma getrennt"))
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
    show_points = BooleanField(_l("Punkte anzeigen"))
    show_solutions = BooleanField(_l("Lösungen anzeigen"))
    offline_feedback = BooleanField(_l("Lösungen aufs Handy laden (Rückmeldung offline)"))

    # Service error paths that belong to a field of another name.
    error_aliases = {"settings.time_limit_s": "time_limit_min"}

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
            station_order=settings["station_order"], time_limit_min=(limit // 60 if limit else None),
            attempts_per_task=settings.get("attempts_per_task"),
            wrong_attempt_penalty=settings.get("wrong_attempt_penalty", 0),
            show_points=settings.get("show_points"), show_solutions=settings.get("show_solutions"),
            offline_feedback=settings.get("offline_feedback"),
        )

    def service_fields(self) -> dict:
        return {
            "title": self.title.data, "theme": self.theme.data or "", "description_md": self.description_md.data or "",
            "about": self.about.data, "language": self.language.data, "age_min": self.age_min.data,
            "age_max": self.age_max.data,
            "subjects": [s.strip() for s in (self.subjects.data or "").split(",") if s.strip()],
            "start_lat": self.start_lat.data, "start_lon": self.start_lon.data,
            "settings": {
                "station_order": self.station_order.data,
                "time_limit_s": self.time_limit_min.data * 60 if self.time_limit_min.data else None,
                "attempts_per_task": self.attempts_per_task.data or None,
                "wrong_attempt_penalty": self.wrong_attempt_penalty.data or 0,
                "show_points": self.show_points.data, "show_solutions": self.show_solutions.data,
                "offline_feedback": self.offline_feedback.data,
            },
        }


class CopyRallyForm(FlaskForm):
    institution_id = SelectField(_l("Kopieren nach"), coerce=int)


class CoverForm(FlaskForm):
    file = FileField(_l("Titelbild"), validators=[FileRequired(_l("Bitte eine Bilddatei wählen."))])
    alt = StringField(_l("Bildbeschreibung (Alternativtext)"),
                      validators=[DataRequired(_l("Jedes Bild braucht einen Alternativtext.")),
                                  Length(max=300)])


class ImportForm(FlaskForm):
    institution_id = SelectField(_l("Einrichtung"), coerce=int)
    file = FileField(_l("Rallye-Export (ZIP)"), validators=[FileRequired(_l("Bitte eine ZIP-Datei wählen."))])


class PublishForm(FlaskForm):
    visibility = SelectField(_l("Veröffentlichen für"),
                             choices=[("partners", _l("Partnerschulen")),
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


def number(raw: str | None):
    """A posted number as int or float; text that is no number is passed on for the registry to refuse."""
    text = (raw or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _put(config: dict, key: str, value) -> None:
    """Leave out blank values so that the registry's defaults and 'required' messages apply."""
    if value is not None and value != "":
        config[key] = value


def _rows(form, prefix: str, fields: tuple[str, ...], limit: int = 40) -> list[dict]:
    """Posted rows `prefix-N-field`, in order, skipping rows where every text is blank."""
    rows = []
    for index in range(limit):
        row = {name: (form.get(f"{prefix}-{index}-{name}") or "").strip() for name in fields}
        marked = form.get(f"{prefix}-{index}-correct") is not None or form.get("correct") == str(index)
        if any(row[name] for name in fields if name not in ("id", "media")) or marked:
            row["_index"] = index
            rows.append(row)
    return rows


def _option(row: dict, *, with_correct: bool, correct: bool = False) -> dict:
    option = {"id": row["id"] or None, "text": row["text"]}
    if with_correct:
        option["correct"] = correct
        media = [name for name in (row.get("media") or "").split(",") if name.strip()]
        if media:
            option["media"] = media
    return option


def _choice_options(form, *, single: bool) -> list[dict]:
    options = []
    for row in _rows(form, "options", ("id", "text", "media")):
        if single:
            correct = form.get("correct") == str(row["_index"])
        else:
            correct = form.get(f"options-{row['_index']}-correct") is not None
        options.append(_option(row, with_correct=True, correct=correct))
    return options


def parse_single_choice(form) -> dict:
    return {"options": _choice_options(form, single=True)}


def parse_multiple_choice(form) -> dict:
    return {"options": _choice_options(form, single=False), "partial_credit": form.get("partial_credit") is not None}


def parse_text(form) -> dict:
    config = {
        "accepted_answers": [line.strip() for line in (form.get("accepted_answers") or "").splitlines() if line.strip()],
        "teacher_graded": form.get("teacher_graded") is not None,
    }
    _put(config, "max_typos", number(form.get("max_typos")))
    _put(config, "max_length", number(form.get("max_length")))
    return config


def parse_number(form) -> dict:
    config = {"relative": form.get("relative") is not None}
    for key in ("value", "tolerance"):
        _put(config, key, number(form.get(key)))
    config["partial_band"] = number(form.get("partial_band"))
    config["unit"] = (form.get("unit") or "").strip() or None
    return config


def parse_order(form) -> dict:
    return {"options": [_option(row, with_correct=False) for row in _rows(form, "options", ("id", "text"))]}


def parse_match(form) -> dict:
    pairs = []
    for index in range(40):
        left = (form.get(f"pairs-{index}-left") or "").strip()
        right = (form.get(f"pairs-{index}-right") or "").strip()
        if left or right:
            pairs.append({
                "left": {"id": (form.get(f"pairs-{index}-left_id") or "").strip() or None, "text": left},
                "right": {"id": (form.get(f"pairs-{index}-right_id") or "").strip() or None, "text": right},
            })
    return {"pairs": pairs}


def parse_media_answer(form) -> dict:
    config: dict = {}
    _put(config, "instructions", (form.get("instructions") or "").strip())
    return config


def parse_location(form) -> dict:
    config: dict = {}
    for key in ("lat", "lon", "radius_m"):
        _put(config, key, number(form.get(key)))
    return config


def parse_survey(form) -> dict:
    if form.get("survey_mode") == "scale":
        scale: dict = {}
        for key in ("min", "max", "step"):
            _put(scale, key, number(form.get(f"scale_{key}")))
        for key in ("min_label", "max_label"):
            scale[key] = (form.get(f"scale_{key}") or "").strip()
        return {"scale": scale}
    return {"options": [_option(row, with_correct=False) for row in _rows(form, "options", ("id", "text"))]}


def parse_info(form) -> dict:
    return {}


def parse_json(form) -> dict:
    """The fallback editor for types without their own form: the config as JSON."""
    raw = (form.get("config_json") or "").strip() or "{}"
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise ConfigSyntaxError(_("Kein gültiges JSON: %(error)s", error=error)) from None
    if not isinstance(value, dict):
        raise ConfigSyntaxError(_("Die Konfiguration muss ein JSON-Objekt sein."))
    return value


class ConfigSyntaxError(ValueError):
    """Input that cannot even be shaped into a config (only the JSON fallback raises it)."""


@dataclass(frozen=True)
class ConfigEditor:
    """How one task type's config is edited: the template partial and the parser of its rows."""

    template: str
    parse: Callable[[dict], dict]


CONFIG_EDITORS: dict[str, ConfigEditor] = {
    "info": ConfigEditor("info", parse_info),
    "single_choice": ConfigEditor("choice", parse_single_choice),
    "multiple_choice": ConfigEditor("choice", parse_multiple_choice),
    "text": ConfigEditor("text", parse_text),
    "number": ConfigEditor("number", parse_number),
    "order": ConfigEditor("order", parse_order),
    "match": ConfigEditor("match", parse_match),
    "photo": ConfigEditor("media_answer", parse_media_answer),
    "audio": ConfigEditor("media_answer", parse_media_answer),
    "video": ConfigEditor("media_answer", parse_media_answer),
    "location": ConfigEditor("location", parse_location),
    "survey": ConfigEditor("survey", parse_survey),
}
JSON_EDITOR = ConfigEditor("json", parse_json)


def config_editor(task_type: str) -> ConfigEditor:
    return CONFIG_EDITORS.get(task_type, JSON_EDITOR)


def empty_config(task_type: str) -> dict:
    """What a new task's form starts with."""
    if task_type in ("single_choice", "multiple_choice"):
        return {"options": [], "partial_credit": False}
    if task_type == "text":
        return {"accepted_answers": [], "teacher_graded": False, "max_typos": 0}
    if task_type == "number":
        return {"tolerance": 0, "relative": False}
    if task_type == "survey":
        return {"options": []}
    return {}


EMPTY_ROWS = 2
MIN_ROWS = 4
MAX_ROWS = 20


def row_count(items: list | None) -> int:
    """How many option rows to show: those there are, some blank ones to add more, at most 20."""
    return min(MAX_ROWS, max(MIN_ROWS, len(items or []) + EMPTY_ROWS))
