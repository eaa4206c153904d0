"""Schemas of the class-run, results and office endpoints of the management API.

Per audience: teachers see their run's join code; editors see runs of their rallies
without it; nothing here ever carries a team token or anything about a pupil but the
team name. The office's schemas hold counts only.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from rallies.exports import VIEWS
from server.manage.common import Said
from rallies.messages import msg


class RunCreateSchema(Schema):
    rally_id = fields.Integer(required=True, strict=True)
    school_id = fields.Integer(strict=True, metadata={"description": "Needed when the teacher has several schools."})
    class_label = fields.String(required=True, metadata={"example": "7b"})
    starts_at = fields.AwareDateTime(metadata={"description": "ISO 8601 with an offset; required unless start_now."})
    ends_at = fields.AwareDateTime(metadata={"description": "Required unless start_now."})
    start_now = fields.Boolean(load_default=False, metadata={
        "description": "Open the window now, for `minutes` (default: the rally's run_minutes, else 90)."})
    minutes = fields.Integer(strict=True, validate=validate.Range(10, 14 * 24 * 60),
                             metadata={"description": "Length of a window started now."})
    retention_days = fields.Integer(strict=True, metadata={
        "description": "Days after the end until the pupil data is deleted; 1 to the operator's maximum."})
    share_uploads_with_institution = fields.Boolean()

    @validates_schema
    def window_or_now(self, data, **kwargs):
        if data.get("start_now"):
            given = [name for name in ("starts_at", "ends_at") if name in data]
            if given:
                raise ValidationError({name: ["Not with start_now."] for name in given})
        else:
            missing = [name for name in ("starts_at", "ends_at") if name not in data]
            if missing:
                raise ValidationError({name: [msg("Pflichtfeld.")] for name in missing})
            if "minutes" in data:
                raise ValidationError({"minutes": ["Only with start_now."]})


class RunPatchSchema(Schema):
    class_label = fields.String(metadata={"description": "Before the start only."})
    starts_at = fields.AwareDateTime(metadata={"description": "Before the start only."})
    ends_at = fields.AwareDateTime(metadata={
        "description": "Before the start, or while the run is under way (extend or shorten; teams see the new end)."})
    retention_days = fields.Integer(strict=True)
    share_uploads_with_institution = fields.Boolean()
    show_ranking = fields.Boolean(metadata={"description": "Whether the closing ranking may be shown."})


class MessageCreateSchema(Schema):
    text = fields.String(required=True, metadata={"description": "1 to 500 characters.",
                                                  "example": "Bitte in 10 Minuten am Eingang sammeln"})


class MessageSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    sent_at = fields.DateTime()


class MessageListSchema(Schema):
    items = fields.List(fields.Nested(MessageSchema), metadata={"description": "Newest first."})


class RankingPlaceSchema(Schema):
    rank = fields.Integer()
    name = fields.String()
    score = fields.Float()
    max_score = fields.Float()


class RankingSchema(Schema):
    run_id = fields.Integer()
    rally_title = fields.String()
    class_label = fields.String()
    teams = fields.List(fields.Nested(RankingPlaceSchema),
                        metadata={"description": "Last place first: the order a teacher reveals them in."})


class StationLiveSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    title = fields.String()
    unlocked = fields.Integer(metadata={"description": "Teams that have the station open or done."})
    done = fields.Integer(metadata={"description": "Teams that have finished every task of the station."})
    teams = fields.Integer()


class StationLiveListSchema(Schema):
    items = fields.List(fields.Nested(StationLiveSchema))


class RunListQuerySchema(Schema):
    rally_id = fields.Integer()


class RunIdNameSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class RunRallySchema(Schema):
    id = fields.Integer()
    title = fields.String()
    version = fields.Integer()
    institution = fields.Nested(RunIdNameSchema)


class RunSchema(Schema):
    """A class run as its institution's editors see it: no join code."""

    id = fields.Integer()
    rally = fields.Nested(RunRallySchema)
    school = fields.Nested(RunIdNameSchema)
    class_label = fields.String()
    state = fields.String(metadata={"description": "scheduled, open, ended or deleted"})
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    retention_days = fields.Integer()
    delete_after = fields.DateTime(metadata={"description": "When the pupil data is deleted for good."})
    purged_at = fields.DateTime(allow_none=True)
    share_uploads_with_institution = fields.Boolean()
    show_ranking = fields.Boolean()
    partnership_run = fields.Boolean()
    team_count = fields.Integer()
    created_at = fields.DateTime()


class TeacherRunSchema(RunSchema):
    """A class run as its teachers see it, with what pupils need to join."""

    join_code = fields.String(allow_none=True)
    join_url = fields.String(allow_none=True)


class RunListSchema(Schema):
    items = fields.List(fields.Nested(TeacherRunSchema))


class RunnableSchema(Schema):
    runnable = fields.Boolean()
    reason = Said()
    schools = fields.List(fields.Dict(), metadata={"description": "Per school of the teacher: runnable and reason."})


class TeamProgressSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    score = fields.Float()
    max_score = fields.Float()
    stations_done = fields.Integer()
    stations_total = fields.Integer()
    tasks_done = fields.Integer()
    tasks_total = fields.Integer()
    pending_review = fields.Integer()
    joined_at = fields.DateTime()
    last_activity_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class ProgressSchema(Schema):
    run_id = fields.Integer()
    state = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    teams_total = fields.Integer()
    teams_finished = fields.Integer()
    pending_review = fields.Integer()
    teams = fields.List(fields.Nested(TeamProgressSchema))


class UploadRefSchema(Schema):
    id = fields.String()
    kind = fields.String()
    content_type = fields.String()
    bytes = fields.Integer()
    url = fields.Function(lambda upload: f"/api/manage/v1/runs/{upload['run_id']}/uploads/{upload['id']}")


class OpenAnswerSchema(Schema):
    answer_id = fields.Integer()
    team = fields.Nested(RunIdNameSchema)
    text = fields.String(allow_none=True)
    upload = fields.Nested(UploadRefSchema, allow_none=True)
    answered_at = fields.DateTime()
    pending_review = fields.Boolean()
    points = fields.Float(allow_none=True)
    feedback = fields.String()
    graded_at = fields.DateTime(allow_none=True)


class OpenTaskSchema(Schema):
    task_id = fields.Integer()
    label = fields.String()
    station_title = fields.String()
    type = fields.String()
    prompt_html = fields.String()
    points = fields.Float()
    grading_note = fields.String()
    uploads_visible = fields.Boolean()
    answers = fields.List(fields.Nested(OpenAnswerSchema))


class OpenAnswersSchema(Schema):
    tasks = fields.List(fields.Nested(OpenTaskSchema))


class OpenAnswersQuerySchema(Schema):
    pending_only = fields.Boolean(load_default=False)


class GradeSchema(Schema):
    points = fields.Float(required=True, allow_nan=False)
    feedback = fields.String(load_default="", validate=validate.Length(max=2000))


class GradedAnswerSchema(Schema):
    id = fields.Integer()
    team_id = fields.Integer()
    task_id = fields.Integer()
    points = fields.Float(allow_none=True)
    pending_review = fields.Boolean()
    teacher_feedback = fields.String(data_key="feedback")
    graded_at = fields.DateTime(allow_none=True)
    team_score = fields.Float()


class TaskOutcomeSchema(Schema):
    task_id = fields.Integer()
    label = fields.String()
    attempts = fields.Integer()
    correct = fields.Boolean(allow_none=True)
    points = fields.Float(allow_none=True)
    pending_review = fields.Boolean()
    answer = fields.String(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    seconds = fields.Integer(allow_none=True, metadata={"description": "Seconds from joining to the answer."})


class TeamResultSchema(Schema):
    team = fields.Nested(RunIdNameSchema)
    rank = fields.Integer()
    score = fields.Float()
    max_score = fields.Float()
    stations_done = fields.Integer()
    joined_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    duration_s = fields.Integer(allow_none=True)
    tasks = fields.List(fields.Nested(TaskOutcomeSchema))


class TaskHeadSchema(Schema):
    task_id = fields.Integer()
    label = fields.String()
    station_title = fields.String()
    type = fields.String()
    points = fields.Float()


class SurveyCountSchema(Schema):
    value = fields.Raw()
    label = fields.String()
    count = fields.Integer()


class SurveyTallySchema(Schema):
    task_id = fields.Integer()
    label = fields.String()
    prompt_html = fields.String()
    responses = fields.Integer()
    mean = fields.Float(allow_none=True)
    counts = fields.List(fields.Nested(SurveyCountSchema))


class ResultsSchema(Schema):
    run_id = fields.Integer()
    rally = fields.Dict()
    tasks = fields.List(fields.Nested(TaskHeadSchema))
    teams = fields.List(fields.Nested(TeamResultSchema))
    survey = fields.List(fields.Nested(SurveyTallySchema))


class WrongAnswerSchema(Schema):
    answer = fields.String()
    count = fields.Integer()


class TaskStatisticsSchema(Schema):
    task_id = fields.Integer()
    label = fields.String()
    station_title = fields.String()
    type = fields.String()
    points = fields.Float()
    solution = fields.String()
    teams_answered = fields.Integer()
    teams_correct = fields.Integer(allow_none=True)
    share_correct = fields.Float(allow_none=True)
    average_points = fields.Float(allow_none=True)
    attempts = fields.Integer()
    pending_review = fields.Integer()
    most_common_wrong = fields.Nested(WrongAnswerSchema, allow_none=True)


class StatisticsSchema(Schema):
    run_id = fields.Integer()
    teams_total = fields.Integer()
    tasks = fields.List(fields.Nested(TaskStatisticsSchema))
    survey = fields.List(fields.Nested(SurveyTallySchema))


class ExportQuerySchema(Schema):
    tz = fields.String(metadata={"description": "IANA time zone for times; default Europe/Berlin."})


class CsvQuerySchema(ExportQuerySchema):
    sep = fields.String(load_default=",", validate=validate.OneOf([",", ";"]))
    view = fields.String(load_default="teams", validate=validate.OneOf(VIEWS))


class CertificatesQuerySchema(ExportQuerySchema):
    team_id = fields.Integer()


# --- Office ----------------------------------------------------------------------------

class FigureRowSchema(Schema):
    region = fields.String()
    institution_kind = fields.String()
    institution_kind_label = Said()
    rallies_published = fields.Integer()
    runs_held = fields.Integer()
    teams = fields.Integer()
    teams_finished = fields.Integer()
    completion_rate = fields.Float(allow_none=True, metadata={"description": "finished teams / teams"})


class FigureTotalsSchema(Schema):
    rallies_published = fields.Integer()
    runs_held = fields.Integer()
    teams = fields.Integer()
    teams_finished = fields.Integer()
    completion_rate = fields.Float(allow_none=True)


class FiguresSchema(Schema):
    rows = fields.List(fields.Nested(FigureRowSchema))
    totals = fields.Nested(FigureTotalsSchema)


class FiguresCsvQuerySchema(Schema):
    sep = fields.String(load_default=",", validate=validate.OneOf([",", ";"]))


class OfficeDueQuerySchema(Schema):
    within_days = fields.Integer(load_default=90, validate=validate.Range(min=0, max=3650))


class OfficeDueItemSchema(Schema):
    partnership_id = fields.Integer()
    title = fields.String()
    status = fields.String()
    school = fields.String()
    institutions = fields.List(fields.String())
    due = fields.String(metadata={"description": "evaluation or renewal"})
    on = fields.Date(allow_none=True)


class OfficeDueSchema(Schema):
    items = fields.List(fields.Nested(OfficeDueItemSchema))
