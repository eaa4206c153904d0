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
from wtforms import (
    BooleanField, FloatField, IntegerField, SelectField, SelectMultipleField, StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from rallies.authoring import LANGUAGES
from rallies.tasks import REGISTRY


class LocalFloatField(FloatField):
    """A number field that also takes a German decimal comma (52,52)."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [v.replace(",", ".").strip() if isinstance(v, str) else v for v in valuelist]
        super().process_formdata(valuelist)


LANGUAGE_NAMES = {"de": "Deutsch", "en": "English", "fr": "Français", "tr": "Türkçe", "ar": "العربية",
                  "uk": "Українська", "pl": "Polski", "es": "Español", "it": "Italiano", "ru": "Русский"}
LANGUAGE_CHOICES = [(code, LANGUAGE_NAMES.get(code, code)) for code in LANGUAGES]

STATION_ORDERS = [("fixed", "Feste Reihenfolge / fixed"), ("free", "Freie Wahl / free"),
                  ("random", "Zufällig je Team / random per team")]
UNLOCK_CHOICES = [("open", "Sofort offen / open"), ("qr", "QR-Code scannen / scan QR code"),
                  ("location", "Ort erreichen / reach a place")]

TASK_LABELS = {
    "info": "Info-Text (ohne Antwort) / Info",
    "single_choice": "Einfachauswahl / Single choice",
    "multiple_choice": "Mehrfachauswahl / Multiple choice",
    "text": "Freitext / Free text",
    "number": "Zahl oder Schätzung / Number or estimate",
    "order": "Reihenfolge / Ordering",
    "match": "Paare zuordnen / Matching pairs",
    "photo": "Foto-Antwort / Photo",
    "audio": "Audio-Antwort / Audio",
    "video": "Video-Antwort / Video",
    "location": "Ort finden / Find the place",
    "survey": "Umfrage oder Bewertung / Survey or rating",
}


def task_label(name: str) -> str:
    return TASK_LABELS.get(name, name)


def task_type_choices() -> list[tuple[str, str]]:
    """Every registered type, the known ones first in a sensible order."""
    known = [name for name in TASK_LABELS if name in REGISTRY]
    return [(name, task_label(name)) for name in known + sorted(set(REGISTRY) - set(known))]


# --- Rallies ---------------------------------------------------------------------------

class NewRallyForm(FlaskForm):
    institution_id = SelectField("Einrichtung / Institution", coerce=int)
    title = StringField("Titel / Title", validators=[DataRequired(), Length(max=200)])
    theme = StringField("Thema / Theme", validators=[Length(max=200)])
    about = TextAreaField("Von wem, für wen, worüber / About (who made it, for whom, about what)",
                          validators=[DataRequired()])
    language = SelectField("Sprache / Language", choices=LANGUAGE_CHOICES, default="de")
    age_min = IntegerField("Alter ab / Age from", default=10, validators=[DataRequired(), NumberRange(6, 99)])
    age_max = IntegerField("Alter bis / Age to", default=18, validators=[DataRequired(), NumberRange(6, 99)])


class RallyForm(FlaskForm):
    title = StringField("Titel / Title", validators=[DataRequired(), Length(max=200)])
    theme = StringField("Thema / Theme", validators=[Length(max=200)])
    description_md = TextAreaField("Beschreibung (Markdown) / Description")
    about = TextAreaField("Von wem, für wen, worüber / About", validators=[DataRequired()])
    language = SelectField("Sprache / Language", choices=LANGUAGE_CHOICES)
    age_min = IntegerField("Alter ab / Age from", validators=[DataRequired(), NumberRange(6, 99)])
    age_max = IntegerField("Alter bis / Age to", validators=[DataRequired(), NumberRange(6, 99)])
    subjects = StringField("Fächer, durch Komma getrennt / Subjects, comma-separated")
    start_lat = LocalFloatField("Startpunkt Breite / Start latitude", validators=[Optional()])
    start_lon = LocalFloatField("Startpunkt Länge / Start longitude", validators=[Optional()])
    # settings
    station_order = SelectField("Reihenfolge der Stationen / Station order", choices=STATION_ORDERS)
    time_limit_min = IntegerField("Zeitlimit in Minuten (leer = keins) / Time limit in minutes",
                                  validators=[Optional(), NumberRange(1, 24 * 60)])
    attempts_per_task = IntegerField("Versuche je Aufgabe (leer = unbegrenzt) / Attempts per task",
                                     validators=[Optional(), NumberRange(1, 20)])
    wrong_attempt_penalty = LocalFloatField("Punktabzug je Fehlversuch / Penalty per wrong attempt",
                                            default=0, validators=[Optional(), NumberRange(0, 1000)])
    show_points = BooleanField("Punkte anzeigen / Show points")
    show_solutions = BooleanField("Lösungen anzeigen / Show solutions")
    offline_feedback = BooleanField("Lösungen aufs Handy laden (Rückmeldung offline) / Offline feedback")

    # Service error paths that belong to a field of another name.
    error_aliases = {"settings.time_limit_s": "time_limit_min"}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Checked here too: authoring._check_rally fails with a TypeError on a half-given start.
        if (self.start_lat.data is None) != (self.start_lon.data is None):
            self.start_lat.errors = [*self.start_lat.errors,
                                     "Beide Startkoordinaten oder keine / Give both start coordinates or neither."]
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
    institution_id = SelectField("Kopieren nach / Copy to", coerce=int)


class CoverForm(FlaskForm):
    file = FileField("Titelbild / Cover image", validators=[FileRequired("Bitte eine Bilddatei wählen / Choose an image.")])
    alt = StringField("Bildbeschreibung (Alternativtext) / Alternative text",
                      validators=[DataRequired("Jedes Bild braucht einen Alternativtext / Every image needs an alternative text."),
                                  Length(max=300)])


class ImportForm(FlaskForm):
    institution_id = SelectField("Einrichtung / Institution", coerce=int)
    file = FileField("Rallye-Export (ZIP)", validators=[FileRequired("Bitte eine ZIP-Datei wählen / Choose a ZIP file.")])


class PublishForm(FlaskForm):
    visibility = SelectField("Veröffentlichen für / Publish for",
                             choices=[("partners", "Partnerschulen / partner schools"),
                                      ("public", "Alle / everyone")])


# --- Stations --------------------------------------------------------------------------

class NewStationForm(FlaskForm):
    title = StringField("Titel der Station / Station title", validators=[DataRequired(), Length(max=200)])
    unlock_mode = SelectField("Freischalten / Unlock", choices=UNLOCK_CHOICES, default="open")
    lat = LocalFloatField("Breite / Latitude", validators=[Optional(), NumberRange(-90, 90)])
    lon = LocalFloatField("Länge / Longitude", validators=[Optional(), NumberRange(-180, 180)])
    radius_m = IntegerField("Radius in Metern / Radius in metres", validators=[Optional(), NumberRange(10, 5000)])

    def service_fields(self) -> dict:
        data = {"title": self.title.data, "unlock_mode": self.unlock_mode.data}
        for name in ("lat", "lon", "radius_m"):
            data[name] = getattr(self, name).data
        return data


class StationForm(NewStationForm):
    body_md = TextAreaField("Text (Markdown) / Body")
    after_stations = SelectMultipleField("Erst nach diesen Stationen / Only after these stations", coerce=int,
                                         validators=[Optional()])
    min_score = LocalFloatField("Erst ab Punktestand / Only from score", validators=[Optional(), NumberRange(0, 100000)])

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
    file = FileField("Datei (Bild, Audio, Video) / File", validators=[FileRequired("Bitte eine Datei wählen / Choose a file.")])
    alt = StringField("Alternativtext (bei Bildern Pflicht) / Alternative text (required for images)",
                      validators=[Length(max=300)])


# --- Tasks -----------------------------------------------------------------------------

class TaskForm(FlaskForm):
    prompt_md = TextAreaField("Aufgabentext (Markdown) / Prompt")
    points = LocalFloatField("Punkte / Points", default=10, validators=[Optional(), NumberRange(0, 1000)])
    hint_text = TextAreaField("Tipp / Hint", validators=[Length(max=2000)])
    hint_cost = LocalFloatField("Tipp kostet Punkte / Hint cost", default=0, validators=[Optional(), NumberRange(0, 1000)])
    time_limit_s = IntegerField("Zeitlimit in Sekunden / Time limit in seconds",
                                validators=[Optional(), NumberRange(5, 3600)])
    feedback_correct = TextAreaField("Rückmeldung bei richtiger Antwort / Feedback when right",
                                     validators=[Length(max=2000)])
    feedback_wrong = TextAreaField("Rückmeldung bei falscher Antwort / Feedback when wrong",
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
        raise ConfigSyntaxError(f"Kein gültiges JSON / Not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise ConfigSyntaxError("Die Konfiguration muss ein JSON-Objekt sein / The config must be a JSON object.")
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
