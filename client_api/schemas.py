"""Marshmallow schemas of the client API: what phones send and what they get back.

Request schemas ignore fields they do not know (a newer app may send more); response
schemas name every field of CLIENT_API.md and mark as required what is always sent.
"""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from marshmallow import fields, validate

from flask_babel import gettext
from flask_smorest.fields import Upload

from rallies.validation import TIME_MESSAGE, time_in_bounds


class Request(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE


class Response(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE
        ordered = True


class Time(fields.DateTime):
    """An ISO 8601 time with an offset, also when the service already formatted it."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str) or value is None:
            return value
        return super()._serialize(value, attr, obj, **kwargs)


class AwareTime(fields.AwareDateTime):
    """A time the phone sends: ISO 8601 with an offset, else 422."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if not time_in_bounds(parsed):  # converting a time near year 1 or 9999 would overflow
            raise ma.ValidationError(TIME_MESSAGE.render(gettext))
        return parsed.astimezone(dt.timezone.utc)


class ClientId(fields.UUID):
    """A client-generated UUID, handed on as a lower-case string."""

    def _deserialize(self, value, attr, data, **kwargs):
        return str(super()._deserialize(value, attr, data, **kwargs))


def lat_field(**kw):
    return fields.Float(validate=validate.Range(-90, 90), allow_nan=False, **kw)


def lon_field(**kw):
    return fields.Float(validate=validate.Range(-180, 180), allow_nan=False, **kw)


# --- shared pieces ---------------------------------------------------------------------

class MediaSchema(Response):
    name = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "An absolute path on this host."})
    content_type = fields.String(required=True)
    bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    width = fields.Integer()
    height = fields.Integer()
    duration_s = fields.Float()
    alt = fields.String(required=True)


class PointSchema(Response):
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)


class InstitutionSchema(Response):
    name = fields.String(required=True)
    kind = fields.String(required=True)


# --- discovery -------------------------------------------------------------------------

class DiscoveryQuerySchema(Request):
    near = fields.String(metadata={"description": "LAT,LON", "example": "52.52,13.40"},
                         validate=validate.Length(max=60))
    radius_km = fields.Float(load_default=50, validate=validate.Range(min=0, min_inclusive=False, max=20040),
                             allow_nan=False, metadata={"description": "With near; default 50."})
    q = fields.String(validate=validate.Length(max=200))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))


class DiscoveryItemSchema(Response):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    theme = fields.String(required=True)
    language = fields.String(required=True)
    age_min = fields.Integer(required=True)
    age_max = fields.Integer(required=True)
    institution = fields.Nested(InstitutionSchema, required=True)
    cover = fields.Nested(MediaSchema, required=True, allow_none=True)
    start = fields.Nested(PointSchema, required=True, allow_none=True)
    distance_m = fields.Float(required=True, allow_none=True)
    join_code = fields.String(required=True, metadata={"description": "The free-play code."})


class DiscoveryPageSchema(Response):
    items = fields.List(fields.Nested(DiscoveryItemSchema), required=True)
    next = fields.String(required=True, allow_none=True, metadata={"description": "Path of the next page."})


# --- join ------------------------------------------------------------------------------

class JoinSchema(Request):
    code = fields.String(required=True, validate=validate.Length(max=40),
                         metadata={"description": "6-8 characters; case, spaces and hyphens ignored."})
    team_name = fields.String(required=True, validate=validate.Length(max=200),
                              metadata={"description": "1-40 characters after trimming."})


class JoinTeamSchema(Response):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class JoinRunSchema(Response):
    id = fields.Integer(required=True)
    class_label = fields.String(required=True)
    starts_at = Time(required=True)
    ends_at = Time(required=True)


class JoinRallySchema(Response):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    version = fields.Integer(required=True)
    bundle_url = fields.String(required=True)


class JoinResultSchema(Response):
    token = fields.String(required=True, metadata={"description": "Send as Authorization: Bearer <token>."})
    team = fields.Nested(JoinTeamSchema, required=True)
    run = fields.Nested(JoinRunSchema, required=True, allow_none=True)
    rally = fields.Nested(JoinRallySchema, required=True)


# --- bundle ----------------------------------------------------------------------------

class SettingsSchema(Response):
    station_order = fields.String(required=True, validate=validate.OneOf(["fixed", "free", "random"]))
    time_limit_s = fields.Integer(required=True, allow_none=True)
    attempts_per_task = fields.Integer(required=True, allow_none=True)
    wrong_attempt_penalty = fields.Float(required=True)
    show_points = fields.Boolean(required=True)
    show_solutions = fields.Boolean(required=True)
    offline_feedback = fields.Boolean(required=True)


class AttributionSchema(Response):
    rally_id = fields.Integer(metadata={"description": "The original rally."})
    title = fields.String(required=True, metadata={"description": "The original's title."})
    owner = fields.String(required=True, metadata={"description": "The institution or school that made it."})
    version = fields.Integer(required=True, metadata={"description": "The version that was copied."})
    licence = fields.String(required=True, metadata={"description": "SPDX id, e.g. CC-BY-4.0."})


class BundleRallySchema(Response):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description_html = fields.String(required=True)
    language = fields.String(required=True)
    version = fields.Integer(required=True)
    cover = fields.Nested(MediaSchema, required=True, allow_none=True)
    settings = fields.Nested(SettingsSchema, required=True)
    licence = fields.String(metadata={"description": "Additive (December): the author's licence, an SPDX id "
                                                     "(CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0) or all-rights-reserved."})
    attribution = fields.Nested(AttributionSchema, allow_none=True, metadata={
        "description": "Additive (December): for a rally copied from the library, whose work it is; show it."})


class UnlockSchema(Response):
    mode = fields.String(required=True, validate=validate.OneOf(["open", "qr", "location"]))
    lat = fields.Float(metadata={"description": "location only"})
    lon = fields.Float(metadata={"description": "location only"})
    radius_m = fields.Float(metadata={"description": "location only"})


class ConditionSchema(Response):
    after_station = fields.Integer(metadata={"description": "Locked until this station is done."})
    min_score = fields.Float(metadata={"description": "Locked until the team's score reaches this."})


class HintSchema(Response):
    text = fields.String(required=True)
    cost = fields.Float(required=True)


class OptionSchema(Response):
    id = fields.String(required=True)
    text = fields.String(required=True)
    media = fields.List(fields.Nested(MediaSchema))


class PairItemSchema(Response):
    id = fields.String(required=True)
    text = fields.String(required=True)


class PairsSchema(Response):
    left = fields.List(fields.Nested(PairItemSchema), required=True)
    right = fields.List(fields.Nested(PairItemSchema), required=True)


class ScaleSchema(Response):
    min = fields.Integer(required=True)
    max = fields.Integer(required=True)
    step = fields.Integer(required=True)
    min_label = fields.String(required=True)
    max_label = fields.String(required=True)


class TargetSchema(Response):
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    radius_m = fields.Float(required=True)


class TaskSchema(Response):
    id = fields.Integer(required=True)
    type = fields.String(required=True, validate=validate.OneOf([
        "info", "single_choice", "multiple_choice", "text", "number", "order", "match",
        "photo", "audio", "video", "location", "survey"]))
    prompt_html = fields.String(required=True)
    points = fields.Float(required=True)
    media = fields.List(fields.Nested(MediaSchema), required=True)
    hint = fields.Nested(HintSchema, required=True, allow_none=True)
    time_limit_s = fields.Integer(required=True, allow_none=True)
    options = fields.List(fields.Nested(OptionSchema),
                          metadata={"description": "single_choice, multiple_choice, order, survey"})
    pairs = fields.Nested(PairsSchema, metadata={"description": "match"})
    scale = fields.Nested(ScaleSchema, metadata={"description": "survey without options"})
    unit = fields.String(allow_none=True, metadata={"description": "number"})
    target = fields.Nested(TargetSchema, metadata={"description": "location"})
    solution = fields.Raw(allow_none=True, metadata={
        "description": "Only with settings.offline_feedback: option id (single choice), option ids "
                       "(multiple choice, order), accepted strings (text), {value, tolerance, relative} "
                       "(number), left→right ids (match)."})


class StationSchema(Response):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    title = fields.String(required=True)
    body_html = fields.String(required=True)
    media = fields.List(fields.Nested(MediaSchema), required=True)
    unlock = fields.Nested(UnlockSchema, required=True)
    conditions = fields.List(fields.Nested(ConditionSchema), required=True)
    tasks = fields.List(fields.Nested(TaskSchema), required=True)


class BundleSchema(Response):
    rally = fields.Nested(BundleRallySchema, required=True)
    stations = fields.List(fields.Nested(StationSchema), required=True,
                           metadata={"description": "In the team's order."})


# --- progress --------------------------------------------------------------------------

class StationStateSchema(Response):
    id = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf(["locked", "unlocked", "done"]))
    tasks_done = fields.Integer(required=True)
    tasks_total = fields.Integer(required=True)


TASK_STATES = ["open", "wrong", "correct", "partial", "exhausted", "submitted", "graded", "read"]


class TaskProgressSchema(Response):
    id = fields.Integer(required=True)
    station_id = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf(TASK_STATES))
    attempts = fields.Integer(required=True, metadata={"description": "Accepted answers."})
    points = fields.Float(required=True, allow_none=True, metadata={
        "description": "What the task earns now; null while waiting for the teacher, and for survey and info."})
    feedback = fields.String(required=True, allow_none=True, metadata={
        "description": "The teacher's comment on a graded answer."})
    graded_at = Time(required=True, allow_none=True)


class RunWindowSchema(Response):
    starts_at = Time(required=True)
    ends_at = Time(required=True, metadata={"description": "As it stands now: the teacher may move it."})


class MessageSchema(Response):
    id = fields.Integer(required=True)
    text = fields.String(required=True, validate=validate.Length(max=500))
    sent_at = Time(required=True)


class ProgressSchema(Response):
    score = fields.Float(required=True)
    max_score = fields.Float(required=True)
    stations = fields.List(fields.Nested(StationStateSchema), required=True)
    finished_at = Time(required=True, allow_none=True)
    time_left_s = fields.Integer(required=True, allow_none=True)
    tasks = fields.List(fields.Nested(TaskProgressSchema), required=True,
                        metadata={"description": "One item per task, in bundle order."})
    run = fields.Nested(RunWindowSchema, required=True, allow_none=True,
                        metadata={"description": "The class run's play window; null in free play."})
    messages = fields.List(fields.Nested(MessageSchema), required=True, metadata={
        "description": "The teacher's messages to every team: the 20 newest, oldest first; [] in free play."})


# --- scans and check-ins ---------------------------------------------------------------

class ScanSchema(Request):
    id = ClientId(required=True)
    payload = fields.String(required=True, validate=validate.Length(max=2000),
                            metadata={"description": "The station's QR URL (/q/<token>) or the bare token."})
    scanned_at = AwareTime(required=True)


class StationRefSchema(Response):
    id = fields.Integer(required=True)
    title = fields.String(required=True)


class ScanResultSchema(Response):
    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["accepted", "duplicate"]))
    station = fields.Nested(StationRefSchema, required=True)
    unlocked = fields.Boolean(required=True)


class CheckinSchema(Request):
    id = ClientId(required=True)
    station_id = fields.Integer(required=True, strict=True)
    lat = lat_field(required=True)
    lon = lon_field(required=True)
    accuracy_m = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0))
    at = AwareTime(required=True)


class CheckinResultSchema(Response):
    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["accepted", "duplicate"]))
    inside = fields.Boolean(required=True)
    distance_m = fields.Float(required=True)
    unlocked = fields.Boolean(required=True)


# --- uploads ---------------------------------------------------------------------------

class UploadFormSchema(Request):
    file = Upload(required=True)
    id = ClientId(required=True)
    task_id = fields.Integer(required=True)


class UploadResultSchema(Response):
    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["accepted", "duplicate"]))
    media_id = fields.String(required=True)


# --- answers ---------------------------------------------------------------------------

# The answer item is defined once, in rallies.play.answer_item (msgspec): the service
# validates each item with it, and its JSON Schema is published as the AnswerItem component.
ANSWER_ITEM_REF = "#/components/schemas/AnswerItem"


class PerItem(fields.Raw):
    """An item the service judges on its own (the edge parser's bounds check leaves it alone)."""

    judged_per_item = True


class AnswerBatchSchema(Request):
    answers = fields.List(PerItem(metadata={"allOf": [{"$ref": ANSWER_ITEM_REF}]}), required=True,
                          validate=validate.Length(1, 100),
                          metadata={"description": "1 to 100 items, each validated on its own."})


def register_answer_item(spec) -> None:
    """Publish the answer item's definition (and the parts it refers to) as OpenAPI components."""
    from rallies.play.answer_item import json_schema

    _, components = json_schema()
    for name, component in components.items():
        spec.components.schema(name, component=component)


class AnswerErrorSchema(Response):
    code = fields.String(required=True, validate=validate.OneOf([
        "invalid_id", "invalid_item", "id_reused", "unknown_task", "finished", "window_closed",
        "time_limit", "station_locked", "already_solved", "already_submitted", "attempts_exhausted",
        "invalid_value"]))
    message = fields.String(required=True)


class AnswerResultSchema(Response):
    id = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(["accepted", "duplicate", "rejected"]))
    error = fields.Nested(AnswerErrorSchema, required=True, allow_none=True)
    correct = fields.Boolean(required=True, allow_none=True)
    points = fields.Float(required=True, allow_none=True)
    feedback = fields.String(required=True, allow_none=True)
    pending_review = fields.Boolean(required=True)


class AnswerBatchResultSchema(Response):
    results = fields.List(fields.Nested(AnswerResultSchema), required=True)
    progress = fields.Nested(ProgressSchema, required=True)


# --- finish ----------------------------------------------------------------------------

class FinishSchema(Request):
    id = ClientId(metadata={"description": "Optional client id."})


class FinishResultSchema(Response):
    finished_at = Time(required=True)
    progress = fields.Nested(ProgressSchema, required=True)


# --- problems --------------------------------------------------------------------------

class ProblemTypeSchema(Response):
    code = fields.String(required=True)
    status = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
