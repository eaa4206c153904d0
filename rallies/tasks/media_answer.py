"""Photo, audio and video answers: an upload of the team's, graded later by the teacher."""

from __future__ import annotations

import uuid
from typing import Any

from marshmallow import validate

from .base import InvalidValue, Score, TaskType, task_type
from .schemas import StrictSchema, Text
from rallies.messages import msg

PENDING = Score(correct=None, share=None, pending_review=True)


class MediaAnswerConfigSchema(StrictSchema):
    """Optional instructions for grading or taking the recording."""

    instructions = Text(validate=validate.Length(max=2000))


class MediaAnswerTask(TaskType):
    """Record something and hand it in; the server only checks that the upload is the team's."""

    config_schema = MediaAnswerConfigSchema

    def teacher_graded(self, config: dict) -> bool:
        """No server can tell whether a photo shows the right thing."""
        return True

    def parse_value(self, config: dict, value: Any) -> str:
        """A media_id (a UUID) in canonical form; whose upload it is, the answering service checks."""
        if not isinstance(value, str):
            raise InvalidValue(msg("Die Antwort muss die media_id eines Uploads sein."))
        try:
            return str(uuid.UUID(value))
        except ValueError as error:
            raise InvalidValue(msg("Die Antwort muss die media_id eines Uploads sein.")) from error

    def score(self, config: dict, value: str) -> Score:
        """Waits for the teacher."""
        return PENDING

    def describe_value(self, config: dict, value: str) -> str:
        """Which upload was handed in."""
        return f"{self.upload_kind} {value}"

    def describe_solution(self, config: dict) -> str:
        """The instructions the teacher grades by."""
        instructions = config.get("instructions")
        return msg("bewertet von der Lehrkraft: %(instructions)s", instructions=instructions) if instructions \
            else msg("bewertet von der Lehrkraft")


@task_type("photo")
class PhotoTask(MediaAnswerTask):
    """Take a photo."""

    upload_kind = "image"


@task_type("audio")
class AudioTask(MediaAnswerTask):
    """Record a sound or a spoken answer."""

    upload_kind = "audio"


@task_type("video")
class VideoTask(MediaAnswerTask):
    """Film a short video."""

    upload_kind = "video"
