"""Management API of the creative workshop: teachers open workshops, watch drafts, comment and copy.

Only the school's teachers see a workshop (404 for everyone else); copying puts a team's
stations into a draft rally of the school, and only the teacher publishes it.
"""

from __future__ import annotations

from rallies.messages import msg
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from rallies import workshops
from rallies.db import db
from rallies.errors import Forbidden, Invalid, NotFound
from rallies.models import Rally, School, Workshop, WorkshopTeam
from rallies.runtime import media_storage, setting
from server.manage.common import commit, current_api_user, guard
from server.manage.schemas_rallies import RallySchema

blp = Blueprint("manage_workshops", __name__, description="The pupils' creative workshop (teachers)")
guard(blp)


class WorkshopCreateSchema(Schema):
    school_id = fields.Integer(metadata={"description": "Required when you teach at several schools."})
    class_label = fields.String(required=True, validate=validate.Length(max=200))
    topic = fields.String(load_default="", validate=validate.Length(max=400))
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    retention_days = fields.Integer(metadata={"description": "Days after the end before drafts are deleted."})


class DraftMediaSchema(Schema):
    id = fields.String()
    kind = fields.String()
    alt = fields.String()
    bytes = fields.Integer()


class DraftTaskSchema(Schema):
    id = fields.Integer()
    type = fields.String(metadata={"description": "single_choice, text, photo or hotspot."})
    prompt = fields.String()
    config = fields.Dict()
    image_id = fields.String(allow_none=True, metadata={"description": "hotspot: the station photo to tap."})


class DraftStationSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    title = fields.String()
    body = fields.String()
    teacher_comment = fields.String()
    media = fields.List(fields.Nested(DraftMediaSchema))
    tasks = fields.List(fields.Nested(DraftTaskSchema))


class DraftTeamSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    stations = fields.List(fields.Nested(DraftStationSchema))


class WorkshopSchema(Schema):
    id = fields.Integer()
    school_id = fields.Integer()
    class_label = fields.String()
    topic = fields.String()
    join_code = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    retention_days = fields.Integer()
    delete_after = fields.DateTime()
    purged_at = fields.DateTime(allow_none=True)
    teams = fields.List(fields.Nested(DraftTeamSchema), metadata={"description": "Every team's draft, live."})


class CommentSchema(Schema):
    comment = fields.String(required=True, validate=validate.Length(max=2000))


class WorkshopCopySchema(Schema):
    team_id = fields.Integer(required=True)
    station_ids = fields.List(fields.Integer(), metadata={"description": "Default: all of the team's stations."})
    rally_id = fields.Integer(metadata={"description": "A rally of the school you edit; default: a new draft."})
    title = fields.String(validate=validate.Length(1, 200))
    credit_team = fields.Boolean(load_default=False, metadata={
        "description": "Name the team in the rally; by default team names stay out of it."})


def _teacher():
    user = current_api_user()
    if user.role != "teacher":
        raise Forbidden(msg("Nur Lehrkräfte leiten Kreativwerkstätten."), code="not_a_teacher")
    return user


def _workshop(workshop_id: int):
    user = _teacher()
    return user, workshops.visible_workshop(user, db.session.get(Workshop, workshop_id))


def _view(workshop: Workshop) -> dict:
    return {**{c: getattr(workshop, c) for c in ("id", "school_id", "class_label", "topic", "join_code", "starts_at",
                                                  "ends_at", "retention_days", "delete_after", "purged_at")},
            "teams": [{"id": t.id, "name": t.name, "stations": [workshops.station_view(s) for s in t.stations]}
                      for t in workshop.teams]}


@blp.route("/workshops")
@blp.response(200, WorkshopSchema(many=True))
def list_workshops():
    """The workshops of your schools, newest first."""
    return [_view(w) for w in workshops.workshops_for(_teacher())]


@blp.route("/workshops", methods=["POST"])
@blp.arguments(WorkshopCreateSchema)
@blp.response(201, WorkshopSchema)
def open_workshop(body):
    """Open a workshop for a class: a join code, a window and a retention period, like a class run."""
    user = _teacher()
    school_id = body.pop("school_id", None)
    if school_id is None:
        if len(user.schools) != 1:
            raise Invalid(msg("Bitte sagen Sie, für welche Ihrer Schulen."), errors={"school_id": [msg("Pflichtangabe.")]})
        school = user.schools[0]
    else:
        school = db.session.get(School, school_id)
        if school is None or school.id not in user.school_ids:
            raise Forbidden(msg("Nur Lehrkräfte der Schule öffnen ihre Werkstätten."), code="not_your_school")
    workshop = workshops.open_workshop(school=school, teacher=user, max_retention_days=setting("RETENTION_DAYS_MAX"),
                                       default_retention_days=setting("RETENTION_DAYS_DEFAULT"), **body)
    commit()
    return _view(workshop)


@blp.route("/workshops/<int:workshop_id>")
@blp.response(200, WorkshopSchema)
def get_workshop(workshop_id):
    """The workshop with every team's draft, as it is now."""
    return _view(_workshop(workshop_id)[1])


@blp.route("/workshops/<int:workshop_id>", methods=["DELETE"])
@blp.response(204)
def delete_workshop_data(workshop_id):
    """Delete the teams' drafts and files now, before the retention period ends."""
    user, workshop = _workshop(workshop_id)
    workshops.purge(workshop, storage=media_storage())
    commit()


@blp.route("/workshops/<int:workshop_id>/stations/<int:station_id>/comment", methods=["PUT"])
@blp.arguments(CommentSchema)
@blp.response(200, DraftStationSchema)
def comment_station(body, workshop_id, station_id):
    """Your comment on a team's station; the team sees it in its draft."""
    user, workshop = _workshop(workshop_id)
    station = workshops.teacher_station(user, station_id)
    if station.team.workshop_id != workshop.id:
        raise NotFound(msg("Diese Station gibt es nicht."))
    workshops.comment(station, body["comment"], actor=user)
    commit()
    return workshops.station_view(station)


@blp.route("/workshops/<int:workshop_id>/copy", methods=["POST"])
@blp.arguments(WorkshopCopySchema)
@blp.response(201, RallySchema)
def copy_stations(body, workshop_id):
    """Copy a team's stations into a draft rally of the school (new, or one you edit)."""
    user, workshop = _workshop(workshop_id)
    team = db.session.get(WorkshopTeam, body["team_id"])
    if team is None or team.workshop_id != workshop.id:
        raise NotFound(msg("Dieses Team gibt es in dieser Werkstatt nicht."))
    rally = None
    if body.get("rally_id") is not None:
        rally = db.session.get(Rally, body["rally_id"])
        if rally is None:
            raise NotFound(msg("Diese Rallye gibt es nicht."))
    result = workshops.copy_to_rally(team, actor=user, storage=media_storage(), station_ids=body.get("station_ids"),
                                     rally=rally, title=body.get("title"), credit_team=body["credit_team"])
    commit()
    return result
