"""Who may see and change what. Objects outside a user's reach are reported as not found,
so that nobody learns which ids exist at other institutions or schools."""

from __future__ import annotations

from rallies.errors import Forbidden, NotFound
from rallies.models import ClassRun, Institution, Partnership, Rally, School, User
from rallies.messages import msg


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise Forbidden(f"This needs the role {' or '.join(roles)}.")


def can_edit_institution_content(user: User, institution_id: int) -> bool:
    return user.role == "editor" and institution_id in user.institution_ids


def visible_institution(user: User, institution: Institution | None) -> Institution:
    """The office sees every institution; editors their own; teachers those they can play with."""
    if institution is None:
        raise NotFound(msg("Diese Einrichtung gibt es nicht."))
    if user.role == "office" or institution.id in user.institution_ids:
        return institution
    if user.role == "teacher":
        return institution  # names and kinds of institutions are public programme information
    raise NotFound(msg("Diese Einrichtung gibt es nicht."))


def visible_school(user: User, school: School | None) -> School:
    if school is None:
        raise NotFound(msg("Diese Schule gibt es nicht."))
    if user.role == "office" or school.id in user.school_ids:
        return school
    raise NotFound(msg("Diese Schule gibt es nicht."))


def visible_partnership(user: User, partnership: Partnership | None) -> Partnership:
    """Office: all. Teachers: their schools'. Editors: their institutions'."""
    if partnership is None:
        raise NotFound(msg("Diese Partnerschaft gibt es nicht."))
    if user.role == "office":
        return partnership
    if user.role == "teacher" and partnership.school_id in user.school_ids:
        return partnership
    if user.role == "editor" and partnership.institution_ids & user.institution_ids:
        return partnership
    raise NotFound(msg("Diese Partnerschaft gibt es nicht."))


def editable_rally(user: User, rally: Rally | None) -> Rally:
    """Only editors of the rally's institution change it."""
    if rally is None or not can_edit_institution_content(user, rally.institution_id):
        raise NotFound(msg("Diese Rallye gibt es nicht."))
    return rally


def readable_rally(user: User, rally: Rally | None) -> Rally:
    """Editors read their own rallies; the office and teachers read published ones."""
    if rally is None:
        raise NotFound(msg("Diese Rallye gibt es nicht."))
    if can_edit_institution_content(user, rally.institution_id):
        return rally
    if user.role in ("office", "teacher") and rally.published_version_id is not None and (
            rally.visibility != "draft" or user.role == "office"):
        return rally
    raise NotFound(msg("Diese Rallye gibt es nicht."))


def visible_run(user: User, run: ClassRun | None, *, pupil_data: bool = True) -> ClassRun:
    """Teachers see their schools' runs; editors runs of their institution's rallies.

    The office never sees pupil data, so it is refused whenever `pupil_data` is asked for.
    """
    if run is None:
        raise NotFound(msg("Diese Klassenrallye gibt es nicht."))
    if user.role == "teacher" and run.school_id in user.school_ids:
        return run
    if user.role == "editor" and run.rally.institution_id in user.institution_ids:
        return run
    if user.role == "office" and not pupil_data:
        return run
    raise NotFound(msg("Diese Klassenrallye gibt es nicht."))


def may_see_uploads(user: User, run: ClassRun) -> bool:
    """Pupils' uploads: the run's teachers, and the institution only when the teacher shared them."""
    if user.role == "teacher" and run.school_id in user.school_ids:
        return True
    return user.role == "editor" and run.share_uploads_with_institution and \
        run.rally.institution_id in user.institution_ids
