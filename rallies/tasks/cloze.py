"""Gap texts (Actionbound's "Lückentext"): each gap typed or picked from a drop-down, each right gap earns its share.

The editor writes the text with its gaps in place, the way a teacher would mark them on paper:

- `[[Nachtwache|Die Nachtwache]]` is a gap to type; every alternative counts as right
  (case and surrounding spaces ignored, the task's `max_typos` forgiven, as in `text`);
- `{{1642|1648|1650}}` is a drop-down; the first choice is the right one (the phone shows
  the choices in alphabetical order, so the position gives nothing away).

The bundle's `prompt_html` holds the rendered text with each gap as
`<span class="gap" data-gap="N"></span>` and `gaps: [{id, options}]` says which are drop-downs.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from rallies.messages import msg
from rallies.richtext import markdown_to_html

from .base import InvalidValue, Score, TaskType, task_type
from .schemas import StrictSchema, Text
from .text import MAX_TYPOS, matches, normalise

MAX_TEXT = 5000
MAX_GAPS = 30
MAX_GAP_ANSWER = 200
MAX_CHOICES = 10

GAP = re.compile(r"\[\[(?P<typed>[^\[\]]*)\]\]|\{\{(?P<choices>[^{}]*)\}\}")
# A placeholder that survives Markdown and the sanitiser, replaced by the gap's span afterwards.
_MARK = "\u2063GAP{}\u2063"
_MARKED = re.compile("\u2063GAP(\\d+)\u2063")


def parse_gaps(text: str) -> list[dict]:
    """The gaps of a gap text in order: `{"accepted": [...], "options": [...] | None}`."""
    gaps = []
    for match in GAP.finditer(text or ""):
        if match.group("typed") is not None:
            accepted = [part.strip() for part in match.group("typed").split("|") if part.strip()]
            gaps.append({"accepted": accepted, "options": None})
        else:
            choices = [part.strip() for part in match.group("choices").split("|") if part.strip()]
            gaps.append({"accepted": choices[:1], "options": sorted(choices, key=str.casefold)})
    return gaps


def gap_html(text: str) -> str:
    """The gap text as sanitised HTML with an empty `span.gap` where each gap goes."""
    counter = iter(range(MAX_GAPS + 1))
    marked = GAP.sub(lambda _match: _MARK.format(next(counter)), text or "")
    html = markdown_to_html(marked)
    return _MARKED.sub(lambda m: f'<span class="gap" data-gap="{m.group(1)}"></span>', html)


class ClozeConfigSchema(StrictSchema):
    """A text with 1..30 gaps; typed gaps need an answer, drop-downs 2..10 different choices."""

    text = Text(required=True, validate=validate.Length(1, MAX_TEXT))
    max_typos = fields.Integer(strict=True, load_default=0, validate=validate.Range(0, MAX_TYPOS))

    @validates_schema
    def gaps_make_sense(self, data: dict, **kwargs: Any) -> None:
        text = data["text"]
        gaps = parse_gaps(text)
        if not gaps:
            raise ValidationError(msg("Markieren Sie mindestens eine Lücke: [[Antwort]] zum Eintippen oder "
                                      "{{richtig|falsch|falsch}} zum Auswählen."), "text")
        if len(gaps) > MAX_GAPS:
            raise ValidationError(msg("Höchstens %(max)s Lücken.", max=MAX_GAPS), "text")
        problems = []
        for number, gap in enumerate(gaps, start=1):
            if gap["options"] is None and not [a for a in gap["accepted"] if normalise(a)]:
                problems.append(msg("Lücke %(number)s hat keine richtige Antwort.", number=number))
            elif gap["options"] is not None and not 2 <= len(gap["options"]) <= MAX_CHOICES:
                problems.append(msg("Lücke %(number)s braucht 2 bis %(max)s Auswahlmöglichkeiten.",
                                    number=number, max=MAX_CHOICES))
            elif gap["options"] is not None and len({normalise(o) for o in gap["options"]}) != len(gap["options"]):
                problems.append(msg("Lücke %(number)s bietet dieselbe Auswahl zweimal an.", number=number))
            elif any(len(answer) > MAX_GAP_ANSWER for answer in gap["accepted"] + (gap["options"] or [])):
                problems.append(msg("Lücke %(number)s: höchstens %(max)s Zeichen je Antwort.",
                                    number=number, max=MAX_GAP_ANSWER))
        if problems:
            raise ValidationError(problems, "text")


@task_type("cloze")
class ClozeTask(TaskType):
    """Fill in the gaps of a text; each right gap earns its share of the points."""

    config_schema = ClozeConfigSchema

    def partial_credit(self, config: dict) -> bool:
        """Every right gap counts."""
        return True

    def parse_value(self, config: dict, value: Any) -> list[str]:
        """One string per gap, in order (an empty string for a gap left open)."""
        count = len(parse_gaps(config["text"]))
        if not isinstance(value, list) or len(value) != count:
            raise InvalidValue(msg("Die Antwort ist eine Liste von %(count)s Texten, einer je Lücke.", count=count))
        if not all(isinstance(item, str) and len(item) <= MAX_GAP_ANSWER for item in value):
            raise InvalidValue(msg("Jede Lücke ist ein Text von höchstens %(max)s Zeichen.", max=MAX_GAP_ANSWER))
        return list(value)

    def gap_results(self, config: dict, value: list[str]) -> list[bool]:
        """Whether each gap is right: typed like a `text` answer, a drop-down by its choice."""
        results = []
        for gap, answer in zip(parse_gaps(config["text"]), value):
            given = normalise(answer)
            if gap["options"] is not None:
                results.append(given == normalise(gap["accepted"][0]))
            else:
                results.append(any(matches(given, normalise(a), config["max_typos"]) for a in gap["accepted"]))
        return results

    def score(self, config: dict, value: list[str]) -> Score:
        """The share of right gaps; right only when all are."""
        results = self.gap_results(config, value)
        right = sum(results)
        return Score(correct=right == len(results), share=right / len(results))

    def bundle_view(self, config: dict, task: dict) -> dict:
        """The question followed by the text with its gaps, and which gaps are drop-downs."""
        gaps = parse_gaps(config["text"])
        return {
            "prompt_html": task["prompt_html"] + gap_html(config["text"]),
            "gaps": [{"id": index, "options": gap["options"]} for index, gap in enumerate(gaps)],
        }

    def solution(self, config: dict) -> list[list[str]]:
        """The accepted strings per gap."""
        return [list(gap["accepted"]) for gap in parse_gaps(config["text"])]

    def describe_value(self, config: dict, value: list[str]) -> str:
        """The answers gap by gap."""
        return " | ".join(item if item.strip() else "–" for item in value)

    def describe_solution(self, config: dict) -> str:
        """The right answer of each gap."""
        return " | ".join(" / ".join(gap["accepted"]) for gap in parse_gaps(config["text"]))
