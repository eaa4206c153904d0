"""Schemas of the creative workshop's team endpoints (`/api/v1/workshop…`)."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import fields, validate

from client_api.schemas import Request, Response
from rallies.workshops import WORKSHOP_TASK_TYPES

TASK_TYPES = list(WORKSHOP_TASK_TYPES)


class WorkshopJoinSchema(Request):
    code = fields.String(required=True, validate=validate.Length(max=40))
    team_name = fields.String(required=True, validate=validate.Length(max=200),
                              metadata={"description": "1-40 characters; never a pupil's name."})


class WorkshopTeamSchema(Response):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class WorkshopInfoSchema(Response):
    class_label = fields.String(required=True)
    topic = fields.String(required=True)
    ends_at = fields.DateTime(required=True)
    task_types = fields.List(fields.String(), required=True)


class WorkshopJoinResultSchema(Response):
    team = fields.Nested(WorkshopTeamSchema, required=True)
    token = fields.String(required=True, metadata={"description": "Bearer token of the team's draft; shown once."})
    workshop = fields.Nested(WorkshopInfoSchema, required=True)


class WorkshopMediaSchema(Response):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["image", "audio"]))
    content_type = fields.String(required=True)
    bytes = fields.Integer(required=True)
    alt = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "Only the team's token reads it."})


class WorkshopTaskSchema(Response):
    id = fields.Integer(required=True)
    type = fields.String(required=True, validate=validate.OneOf(TASK_TYPES))
    prompt = fields.String(required=True)
    config = fields.Dict(required=True)
    image_id = fields.String(required=True, allow_none=True, metadata={
        "description": "hotspot: the id of the station's photo to tap (a `media` id); null for other types."})


class WorkshopStationSchema(Response):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    teacher_comment = fields.String(required=True, metadata={"description": "The teacher's comment, or empty."})
    media = fields.List(fields.Nested(WorkshopMediaSchema), required=True)
    tasks = fields.List(fields.Nested(WorkshopTaskSchema), required=True)


class WorkshopDraftSchema(Response):
    team = fields.Nested(WorkshopTeamSchema, required=True)
    workshop = fields.Nested(WorkshopInfoSchema, required=True)
    stations = fields.List(fields.Nested(WorkshopStationSchema), required=True)


class WorkshopStationWriteSchema(Request):
    title = fields.String(validate=validate.Length(max=400))
    body = fields.String(validate=validate.Length(max=10000))


class WorkshopTaskWriteSchema(Request):
    type = fields.String(required=True, validate=validate.OneOf(TASK_TYPES))
    prompt = fields.String(required=True, validate=validate.Length(max=4000))
    config = fields.Dict(load_default=dict, metadata={
        "description": "single_choice: options [{id, text, correct}]; text: accepted_answers; photo: {}; "
                       "hotspot: regions [{circle: {x, y, r}} or {polygon: [[x, y], …]}] in fractions 0…1 of the "
                       "picture's width and height (r of its width) and aspect (height ÷ width), as the "
                       "studio's hotspot tasks."})
    image_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64), metadata={
        "description": "hotspot only (required there): the id of one of the station's photos, the picture to tap."})


class WorkshopMediaFormSchema(Request):
    file = Upload(required=True, metadata={"description": "A photo (JPEG, PNG, WebP, HEIC) or a recording "
                                                          "(M4A, MP3, Ogg, WAV, WebM audio); metadata is removed."})
    alt = fields.String(load_default="", validate=validate.Length(max=300))
