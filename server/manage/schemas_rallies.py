"""Schemas of the authoring API: rallies, stations, tasks, media, versions, exchange.

Editors see everything of their rallies, solutions included; what pupils see is the
bundle (`GET /rallies/{id}/preview`). Input schemas check shapes; a task's config is
checked by its type in `rallies.authoring`, which answers with paths like
`config.options.1.text`.
"""

from __future__ import annotations

from rallies.messages import msg
from flask import current_app
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from rallies.authoring import LANGUAGES
from rallies.media_library import descriptor
from rallies.models import LICENCES, UNLOCK_MODES, VISIBILITIES
from rallies.richtext import markdown_to_html
from rallies.tasks import REGISTRY


class Strict(Schema):
    """Input: unknown fields are refused (marshmallow's default), so typos surface as 422."""


# --- Media -----------------------------------------------------------------------------

class MediaDescriptorSchema(Schema):
    """The client API's media object: what a phone downloads (images in their phone size)."""

    name = fields.String()
    url = fields.String()
    content_type = fields.String()
    bytes = fields.Integer()
    sha256 = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    duration_s = fields.Float()
    alt = fields.String()


class MediaAssetSchema(Schema):
    """An uploaded file, stored once by content; attach it by `id`."""

    id = fields.Integer()
    name = fields.String(metadata={"description": "Content name of the cleaned full-size file."})
    kind = fields.String(metadata={"enum": ["image", "audio", "video"]})
    content_type = fields.String()
    bytes = fields.Integer()
    sha256 = fields.String()
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    duration_s = fields.Float(allow_none=True)
    url = fields.Function(lambda asset: f"/media/{asset.name}")
    thumbnail_url = fields.Function(lambda asset: f"/media/{asset.thumb_name}" if asset.thumb_name else None)
    phone = fields.Function(lambda asset: descriptor(asset), metadata={"description": "As phones get it."})


class OwnerChoice(Schema):
    """Whose rally or file: an editor gives one of their institutions, a teacher one of their schools."""

    institution_id = fields.Integer(metadata={"description": "One of your institutions (editors)."})
    school_id = fields.Integer(metadata={"description": "One of your schools (teachers)."})

    @validates_schema
    def exactly_one_owner(self, data, **kwargs):
        if ("institution_id" in data) == ("school_id" in data):
            raise ValidationError(msg("Bitte entweder institution_id oder school_id angeben."), field_name="institution_id")


class MediaUploadFormSchema(OwnerChoice):
    pass


class MediaFileSchema(Schema):
    file = Upload(required=True, metadata={
        "description": "An image (JPEG, PNG, WebP, GIF, HEIC), audio (MP3, M4A/AAC, Ogg, WAV) or video "
                       "(MP4, WebM); recognised by content, not by name."})


class MediaLinkSchema(Schema):
    """A file shown on a station or with a task."""

    id = fields.Integer()
    media_id = fields.Integer()
    alt = fields.String()
    position = fields.Integer()
    media = fields.Function(lambda link: descriptor(link.asset, link.alt))


class AttachMediaSchema(Strict):
    media_id = fields.Integer(required=True)
    alt = fields.String(load_default="", validate=validate.Length(max=300),
                        metadata={"description": "Required for images: what a pupil who cannot see it needs to know."})


class CoverSchema(Strict):
    media_id = fields.Integer(required=True, allow_none=True, metadata={"description": "null removes the cover."})
    alt = fields.String(load_default="", validate=validate.Length(max=300))


# --- Tasks -----------------------------------------------------------------------------

TASK_TYPES = sorted(REGISTRY)


class TaskSchema(Schema):
    id = fields.Integer()
    station_id = fields.Integer()
    position = fields.Integer()
    type = fields.String(metadata={"enum": TASK_TYPES})
    prompt_md = fields.String()
    prompt_html = fields.Function(lambda task: markdown_to_html(task.prompt_md))
    points = fields.Float()
    config = fields.Dict(metadata={"description": "As the task type defines it, solutions included."})
    hint_text = fields.String(allow_none=True)
    hint_cost = fields.Float()
    time_limit_s = fields.Integer(allow_none=True)
    feedback_correct = fields.String()
    feedback_wrong = fields.String()
    media = fields.List(fields.Nested(MediaLinkSchema))


class TaskWriteSchema(Strict):
    """A task's fields; `type` is required when creating. Unknown fields are refused."""

    type = fields.String(validate=validate.OneOf(TASK_TYPES))
    prompt_md = fields.String(validate=validate.Length(max=10000))
    points = fields.Float(validate=validate.Range(0, 1000))
    config = fields.Dict(metadata={"description": "Checked by the task type; errors come as config.<path>."})
    hint_text = fields.String(allow_none=True, validate=validate.Length(max=2000))
    hint_cost = fields.Float(validate=validate.Range(0, 1000))
    time_limit_s = fields.Integer(allow_none=True, validate=validate.Range(5, 3600))
    feedback_correct = fields.String(validate=validate.Length(max=2000))
    feedback_wrong = fields.String(validate=validate.Length(max=2000))


# --- Stations --------------------------------------------------------------------------

def _qr_url(station):
    if station.unlock_mode != "qr" or not station.qr_token:
        return None
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/q/{station.qr_token}"


class StationSchema(Schema):
    id = fields.Integer()
    rally_id = fields.Integer()
    position = fields.Integer()
    title = fields.String()
    body_md = fields.String()
    body_html = fields.Function(lambda station: markdown_to_html(station.body_md))
    unlock_mode = fields.String(metadata={"enum": list(UNLOCK_MODES)})
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    radius_m = fields.Integer(allow_none=True)
    conditions = fields.List(fields.Dict(), metadata={
        "description": '[{"after_station": station id} | {"min_score": number}]'})
    plan_x = fields.Float(allow_none=True, metadata={"description": "Place on the site plan: fraction of its width."})
    plan_y = fields.Float(allow_none=True, metadata={"description": "Place on the site plan: fraction of its height."})
    qr_url = fields.Function(_qr_url, metadata={"description": "What the station's QR code holds (QR stations)."})
    media = fields.List(fields.Nested(MediaLinkSchema))
    tasks = fields.List(fields.Nested(TaskSchema))


class ConditionSchema(Strict):
    after_station = fields.Integer()
    min_score = fields.Float()


class StationWriteSchema(Strict):
    """A station's fields; `title` is required when creating. Location stations need lat, lon, radius_m."""

    title = fields.String(validate=validate.Length(1, 200))
    body_md = fields.String(validate=validate.Length(max=20000))
    unlock_mode = fields.String(validate=validate.OneOf(UNLOCK_MODES))
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    radius_m = fields.Integer(allow_none=True, validate=validate.Range(10, 5000))
    conditions = fields.List(fields.Nested(ConditionSchema))
    plan_x = fields.Float(allow_none=True, validate=validate.Range(0, 1),
                          metadata={"description": "Place on the site plan (0…1 of its width); with plan_y."})
    plan_y = fields.Float(allow_none=True, validate=validate.Range(0, 1),
                          metadata={"description": "Place on the site plan (0…1 of its height); with plan_x."})


class StationOrderSchema(Strict):
    station_ids = fields.List(fields.Integer(), required=True)


class TaskOrderSchema(Strict):
    task_ids = fields.List(fields.Integer(), required=True)


# --- Rallies ---------------------------------------------------------------------------

class InstitutionRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()


class SchoolRefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class AttributionSchema(Schema):
    rally_id = fields.Integer()
    title = fields.String()
    owner = fields.String()
    version = fields.Integer()
    licence = fields.String()


def _owner(rally) -> dict:
    return rally.owner_ref


class RallySummarySchema(Schema):
    id = fields.Integer()
    institution = fields.Nested(InstitutionRefSchema, allow_none=True, metadata={
        "description": "The owning institution; null for a school's rally."})
    school = fields.Nested(SchoolRefSchema, allow_none=True, metadata={"description": "The owning school, if a school's."})
    owner = fields.Function(_owner, metadata={"description": "{type: institution|school, id, name}"})
    partnership_id = fields.Integer(allow_none=True, metadata={
        "description": "A registered partnership co-owning the rally: its editors and teachers edit it too."})
    licence = fields.String(metadata={"enum": list(LICENCES)})
    attribution = fields.Nested(AttributionSchema, allow_none=True, metadata={
        "description": "For a copy from the library: the original's owner, title, version and licence."})
    title = fields.String()
    theme = fields.String()
    language = fields.String()
    age_min = fields.Integer()
    age_max = fields.Integer()
    visibility = fields.String(metadata={"enum": list(VISIBILITIES), "description":
                                         "school: only the owning school's classes; partners: partner schools "
                                         "(of a co-owned rally: the partnership's school)."})
    version = fields.Integer(metadata={"description": "The latest published version; 0 before the first publish."})
    has_unpublished_changes = fields.Boolean()
    review_note = fields.String(metadata={"description": "Why the programme office withdrew the rally."})
    updated_at = fields.DateTime()


class RallySchema(RallySummarySchema):
    description_md = fields.String()
    description_html = fields.Function(lambda rally: markdown_to_html(rally.description_md))
    about = fields.String()
    subjects = fields.List(fields.String())
    cover = fields.Function(lambda rally: descriptor(rally.cover, rally.cover_alt) if rally.cover else None)
    cover_id = fields.Integer(allow_none=True)
    cover_alt = fields.String()
    site_plan = fields.Function(lambda rally: descriptor(rally.site_plan, rally.site_plan_alt) if rally.site_plan else None,
                                metadata={"description": "The plan image stations are placed on, or null."})
    site_plan_id = fields.Integer(allow_none=True, metadata={"description": "The plan's media id (to change its alt)."})
    settings = fields.Function(lambda rally: rally.effective_settings)
    start_lat = fields.Float(allow_none=True)
    start_lon = fields.Float(allow_none=True)
    free_play_code = fields.String(allow_none=True)
    published_version_id = fields.Integer(allow_none=True)
    copied_from_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    stations = fields.List(fields.Nested(StationSchema))


class SettingsDoc(Schema):
    """Documentation of `settings`; the service checks them (unknown keys are refused)."""

    station_order = fields.String(metadata={"enum": ["fixed", "free", "random"]})
    time_limit_s = fields.Integer(allow_none=True)
    attempts_per_task = fields.Integer(allow_none=True)
    wrong_attempt_penalty = fields.Float()
    show_points = fields.Boolean()
    show_solutions = fields.Boolean()
    offline_feedback = fields.Boolean()


class RallyWriteSchema(Strict):
    title = fields.String(validate=validate.Length(1, 200))
    theme = fields.String(validate=validate.Length(max=200))
    description_md = fields.String(validate=validate.Length(max=20000))
    about = fields.String(validate=validate.Length(max=5000), metadata={
        "description": "Who made the rally, for whom and about what (required)."})
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    age_min = fields.Integer(validate=validate.Range(6, 99))
    age_max = fields.Integer(validate=validate.Range(6, 99))
    subjects = fields.List(fields.String(validate=validate.Length(1, 80)), validate=validate.Length(max=20))
    start_lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    start_lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    settings = fields.Dict(metadata={"description": "See SettingsDoc; partial updates keep other settings."})
    licence = fields.String(validate=validate.OneOf(LICENCES), metadata={
        "description": "Whether others may copy it from the library: CC licences allow it, all-rights-reserved not."})
    partnership_id = fields.Integer(allow_none=True, metadata={
        "description": "A registered partnership of the owner as co-owner; null for none."})


class RallyCreateSchema(RallyWriteSchema, OwnerChoice):
    """Editors give `institution_id`, teachers `school_id` (exactly one)."""

    title = fields.String(required=True, validate=validate.Length(1, 200))


class RallyQuerySchema(Schema):
    institution_id = fields.Integer()
    school_id = fields.Integer()


class PublishSchema(Strict):
    visibility = fields.String(required=True, validate=validate.OneOf(("partners", "school", "public")), metadata={
        "description": "An institution: partners or public; a school: school or public (partners when co-owned)."})


class UnpublishSchema(Strict):
    reason = fields.String(load_default="", validate=validate.Length(max=2000), metadata={
        "description": "Required when the programme office withdraws a rally; the editors see it."})


class CopySchema(Strict, OwnerChoice):
    """Into one of your institutions (editors) or schools (teachers)."""


class VersionSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    published_at = fields.DateTime()
    published_by_id = fields.Integer(allow_none=True)
    stations = fields.Integer(metadata={"description": "How many stations the version has."})
    current = fields.Boolean(metadata={"description": "Whether new class runs get this version."})
    runs = fields.Integer(metadata={"description": "Class runs playing this version."})


class ImportFormSchema(OwnerChoice):
    pass


class ChangeItemSchema(Schema):
    kind = fields.String(metadata={"enum": ["rally", "station", "task", "order"]})
    action = fields.String(metadata={"enum": ["added", "changed", "removed"]})
    label = fields.String()
    authors = fields.List(fields.String())


class ChangeGroupSchema(Schema):
    version = fields.Integer(allow_none=True, metadata={"description": "null: changes not yet published."})
    published_at = fields.DateTime(allow_none=True)
    authors = fields.List(fields.String(), metadata={"description": "Everyone who changed something."})
    items = fields.List(fields.Nested(ChangeItemSchema))


class LibraryQuerySchema(Schema):
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "Title, theme, about, owner."})
    subject = fields.String(validate=validate.Length(max=80))
    age = fields.Integer(validate=validate.Range(6, 99), metadata={"description": "Suitable for this age."})
    place = fields.String(validate=validate.Length(max=120), metadata={"description": "Region or address of the owner."})


class LibraryItemSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    theme = fields.String()
    about = fields.String()
    language = fields.String()
    age_min = fields.Integer()
    age_max = fields.Integer()
    subjects = fields.List(fields.String())
    owner = fields.Dict(metadata={"description": "{type: institution|school, id, name}"})
    place = fields.String()
    version = fields.Integer()
    licence = fields.String(metadata={"enum": list(LICENCES)})
    copyable = fields.Boolean(metadata={"description": "false for all-rights-reserved."})
    attribution = fields.Nested(AttributionSchema, allow_none=True)


class ImportFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "A ZIP archive from GET /rallies/{id}/export.zip."})
