"""Marshmallow's built-in validation messages as catalogue messages (German msgids).

Marshmallow writes its messages in English once, at class level. Every schema in the
project (domain task configs, the client API, the management API) reports them to people,
so they are replaced here, once, by `Msg`s that the edge renders in the reader's language.
Validators fill their parameters through `Msg.format` (`{min}` becomes `%(min)s`).
Imported by `rallies/__init__.py`, before any schema is built (Range formats its texts
when a validator is created).
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from rallies.messages import Msg, msg

class _Length(Msg):
    """Length's message, said in characters for a text and in entries for a list."""

    def __new__(cls, chars: Msg, entries: Msg):
        text = super().__new__(cls, chars.msgid)
        text.variants = (chars, entries)
        return text

    def format(self, *args, **params) -> Msg:
        chars, entries = self.variants
        return (chars if isinstance(params.get("input"), str) else entries).format(**params)


REQUIRED = msg("Pflichtfeld.")
NULL = msg("Darf nicht leer sein.")
INVALID = msg("Ungültiger Wert.")

_FIELD_MESSAGES = {
    fields.Field: {"required": REQUIRED, "null": NULL, "validator_failed": INVALID},
    fields.Boolean: {"invalid": msg("Kein gültiger Wahrheitswert (ja/nein).")},
    fields.Date: {"invalid": msg("Kein gültiges Datum."), "format": msg("Kein gültiges Datum.")},
    fields.DateTime: {"invalid": msg("Kein gültiger Zeitpunkt."), "format": msg("Kein gültiger Zeitpunkt."),
                      "invalid_awareness": msg("Kein gültiger Zeitpunkt mit Zeitzone.")},
    fields.Time: {"invalid": msg("Keine gültige Uhrzeit."), "format": msg("Keine gültige Uhrzeit.")},
    fields.Decimal: {"special": msg("Keine gültige Zahl.")},
    fields.Dict: {"invalid": msg("Kein gültiges Objekt.")},
    fields.Email: {"invalid": msg("Keine gültige E-Mail-Adresse.")},
    fields.Enum: {"unknown": msg("Kein erlaubter Wert.")},
    fields.Integer: {"invalid": msg("Keine gültige ganze Zahl.")},
    fields.List: {"invalid": msg("Keine gültige Liste.")},
    fields.Nested: {"type": msg("Ungültiger Typ.")},
    fields.Number: {"invalid": msg("Keine gültige Zahl."), "too_large": msg("Die Zahl ist zu groß.")},
    fields.String: {"invalid": msg("Kein gültiger Text."), "invalid_utf8": msg("Kein gültiger UTF-8-Text.")},
    fields.TimeDelta: {"invalid": msg("Keine gültige Dauer."), "format": msg("Keine gültige Dauer.")},
    fields.Tuple: {"invalid": msg("Kein gültiges Tupel.")},
    fields.Url: {"invalid": msg("Keine gültige Adresse (URL).")},
    fields.UUID: {"invalid_uuid": msg("Keine gültige UUID.")},
}


def install() -> None:
    """Replace marshmallow's English class-level messages by catalogue messages (idempotent)."""
    for field_class, messages in _FIELD_MESSAGES.items():
        field_class.default_error_messages = {**field_class.default_error_messages, **messages}
    Schema._default_error_messages = {"type": msg("Ungültiger Eingabetyp."), "unknown": msg("Unbekanntes Feld.")}
    validate.Length.message_min = _Length(msg("Mindestens %(min)s Zeichen."), msg("Mindestens %(min)s Einträge."))
    validate.Length.message_max = _Length(msg("Höchstens %(max)s Zeichen."), msg("Höchstens %(max)s Einträge."))
    validate.Length.message_all = _Length(msg("%(min)s bis %(max)s Zeichen."), msg("%(min)s bis %(max)s Einträge."))
    validate.Length.message_equal = _Length(msg("Genau %(equal)s Zeichen."), msg("Genau %(equal)s Einträge."))
    validate.Range.message_min = msg("Muss %(min_op)s %(min)s sein.")
    validate.Range.message_max = msg("Muss %(max_op)s %(max)s sein.")
    validate.Range.message_all = msg("Muss %(min_op)s %(min)s und %(max_op)s %(max)s sein.")
    validate.Range.message_gte = msg("größer oder gleich")
    validate.Range.message_gt = msg("größer als")
    validate.Range.message_lte = msg("kleiner oder gleich")
    validate.Range.message_lt = msg("kleiner als")
    validate.OneOf.default_message = msg("Muss einer dieser Werte sein: %(choices)s.")
    validate.ContainsOnly.default_message = msg("Nur diese Werte sind erlaubt: %(choices)s.")
    validate.ContainsNoneOf.default_message = msg("Diese Werte sind nicht erlaubt: %(values)s.")
    validate.Equal.default_message = msg("Muss %(other)s sein.")
    validate.NoneOf.default_message = INVALID
    validate.Predicate.default_message = INVALID
    validate.Regexp.default_message = msg("Hat nicht das erwartete Format.")
    validate.Email.default_message = msg("Keine gültige E-Mail-Adresse.")
    validate.URL.default_message = msg("Keine gültige Adresse (URL).")


install()
