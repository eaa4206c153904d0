"""Free-text tasks: matched against accepted answers with forgiving normalisation, or teacher-graded."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema
from rapidfuzz.distance import Levenshtein

from .base import NO_SOLUTION, RIGHT, WRONG, InvalidValue, Score, TaskType, task_type
from .schemas import StrictSchema, Text
from rallies.messages import msg

MAX_LENGTH = 2000
MAX_ACCEPTED = 50
MAX_TYPOS = 3
TYPO_MIN_LENGTH = 4

_WHITESPACE = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s.!?]+$")


def normalise(text: str) -> str:
    """The form two answers are compared in: case, width, spacing and a final . ! ? do not count.

    NFKC folds look-alike forms (full-width letters, ligatures, decomposed accents) and runs
    again after casefold, which can leave decomposed letters (ǰ → j + caron); casefold
    maps ß to ss, so "Straße" and "STRASSE" are the same answer.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return _WHITESPACE.sub(" ", _TRAILING.sub("", folded.strip()))


def matches(answer: str, accepted: str, max_typos: int) -> bool:
    """Whether a normalised answer counts as a normalised accepted answer.

    Typos are forgiven only for accepted answers of at least four characters: in a short
    word one edit usually makes a different answer ("Rom" → "Ron", "Zn" → "Zr", "Ja" →
    "Ca"), so tolerance there would accept wrong answers rather than misspelt right ones.
    """
    if answer == accepted:
        return True
    if max_typos == 0 or len(accepted) < TYPO_MIN_LENGTH:
        return False
    return Levenshtein.distance(answer, accepted, score_cutoff=max_typos) <= max_typos


class TextConfigSchema(StrictSchema):
    """Accepted answers (1..50 unless a teacher grades), typo tolerance 0..3, an answer length cap."""

    accepted_answers = fields.List(
        Text(validate=validate.Length(1, MAX_LENGTH)),
        load_default=list,
        validate=validate.Length(max=MAX_ACCEPTED),
    )
    teacher_graded = fields.Boolean(load_default=False)
    max_typos = fields.Integer(strict=True, load_default=0, validate=validate.Range(0, MAX_TYPOS))
    max_length = fields.Integer(strict=True, load_default=MAX_LENGTH, validate=validate.Range(1, MAX_LENGTH))

    @validates_schema
    def answers_to_match(self, data: dict, **kwargs: Any) -> None:
        if not data["teacher_graded"] and not data["accepted_answers"]:
            raise ValidationError(msg("Mindestens eine richtige Antwort ist nötig, außer die Lehrkraft bewertet."), "accepted_answers")
        empty = {
            index: ["Nothing is left of this answer once case, spaces and final punctuation are ignored."]
            for index, accepted in enumerate(data["accepted_answers"])
            if not normalise(accepted)
        }
        if empty:
            raise ValidationError({"accepted_answers": empty})


@task_type("text")
class TextTask(TaskType):
    """Type an answer; right when it matches an accepted one, or graded by the teacher."""

    config_schema = TextConfigSchema

    def teacher_graded(self, config: dict) -> bool:
        """When the editor chose so, e.g. for open questions."""
        return config["teacher_graded"]

    def parse_value(self, config: dict, value: Any) -> str:
        """Any string up to the task's length cap, stored as typed."""
        if not isinstance(value, str):
            raise InvalidValue(msg("Die Antwort muss ein Text sein."))
        if len(value) > config["max_length"]:
            raise InvalidValue(msg("Die Antwort ist länger als %(count)s Zeichen.", count=config["max_length"]))
        return value

    def score(self, config: dict, value: str) -> Score:
        """Right when it matches any accepted answer; teacher-graded answers wait for review."""
        if config["teacher_graded"]:
            return Score(correct=None, share=None, pending_review=True)
        answer = normalise(value)
        accepted = (normalise(text) for text in config["accepted_answers"])
        return RIGHT if any(matches(answer, text, config["max_typos"]) for text in accepted) else WRONG

    def solution(self, config: dict) -> Any:
        """The accepted answers; none travel when a teacher grades."""
        if config["teacher_graded"]:
            return NO_SOLUTION
        return list(config["accepted_answers"])

    def describe_value(self, config: dict, value: str) -> str:
        """The answer as typed."""
        return value

    def describe_solution(self, config: dict) -> str:
        """The accepted answers, and how much is forgiven."""
        if config["teacher_graded"]:
            return msg("bewertet von der Lehrkraft")
        answers = " / ".join(config["accepted_answers"])
        if config["max_typos"]:
            return msg("%(answers)s (bis zu %(typos)s Tippfehler)", answers=answers, typos=config["max_typos"])
        return answers
