"""Who may see and change what. Objects outside a user's reach are reported as not found,
so that nobody learns which ids exist at other institutions or schools."""

from __future__ import annotations

import datetime as dt

from rallies.errors import Forbidden, NotFound
from rallies.models import ClassRun, Institution, Partnership, Rally, School, User
from rallies.messages import msg


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise Forbidden(msg("Dafür ist diese Rolle nötig: %(roles)s.", roles=" / ".join(roles)))


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


# --- Rallies: one place says who may view, edit, publish and run them -------------------

VIEW, EDIT, PUBLISH, RUN = "view", "edit", "publish", "run"


def owns_rally(user: User, rally: Rally) -> bool:
    """The owning side: editors of the owning institution, or teachers of the owning school."""
    if rally.institution_id is not None:
        return user.role == "editor" and rally.institution_id in user.institution_ids
    return user.role == "teacher" and rally.school_id in user.school_ids


def in_co_owning_partnership(user: User, rally: Rally) -> bool:
    """The co-owning partnership's side: its institutions' editors and its school's teachers."""
    partnership = rally.partnership if rally.partnership_id is not None else None
    if partnership is None:
        return False
    if user.role == "editor":
        return bool(partnership.institution_ids & user.institution_ids)
    return user.role == "teacher" and partnership.school_id in user.school_ids


def _partnership_current(rally: Rally, today: dt.date | None) -> bool:
    from rallies.partnerships import is_current

    return rally.partnership is not None and is_current(rally.partnership, today)


def may_school_run(rally: Rally, school_id: int, today: dt.date | None = None) -> bool:
    """Whether classes of the school may play the rally's published version.

    Public: every school. School: only the owning school. Partners: the co-owning
    partnership's school while it is current, or, for an institution's own rally, any
    school with a registered, current partnership with the institution.
    """
    if not rally.is_published:
        return False
    if rally.visibility == "public":
        return True
    if rally.visibility == "school":
        return school_id is not None and school_id in {rally.school_id, getattr(rally.partnership, "school_id", None)}
    if rally.visibility == "partners":
        if rally.partnership_id is not None:
            return rally.partnership.school_id == school_id and _partnership_current(rally, today)
        if rally.institution_id is None:
            return False
        from rallies.partnerships import current_partnership

        return current_partnership(school_id, rally.institution_id, today) is not None
    return False


def rally_permissions(user: User | None, rally: Rally | None, *, today: dt.date | None = None) -> frozenset[str]:
    """What the user may do with the rally: any of view, edit, publish, run.

    The owner side edits and publishes; the co-owning partnership's side does too while the
    partnership is current, and keeps read access once it has ended (the creating side keeps
    the rally). The office reads published rallies. Teachers read published rallies whose
    audience includes them (a school's rally: only its teachers) and run those their school may run.
    """
    if rally is None or user is None:
        return frozenset()
    granted: set[str] = set()
    if owns_rally(user, rally) or (in_co_owning_partnership(user, rally) and _partnership_current(rally, today)):
        granted |= {VIEW, EDIT, PUBLISH}
    elif in_co_owning_partnership(user, rally):
        granted.add(VIEW)
    if rally.published_version_id is not None:
        if user.role == "office":
            granted.add(VIEW)
        elif user.role == "teacher" and rally.visibility != "draft":
            schools = user.school_ids
            if rally.visibility != "school" or any(may_school_run(rally, s, today) for s in schools):
                granted.add(VIEW)
            if any(may_school_run(rally, s, today) for s in schools):
                granted.add(RUN)
    return frozenset(granted)


def editable_rally(user: User, rally: Rally | None) -> Rally:
    """The rally's authors change it (see rally_permissions): 403 for those who only read it, else 404."""
    granted = rally_permissions(user, rally)
    if EDIT not in granted:
        if VIEW in granted:
            raise Forbidden(msg("Nur die Autorinnen und Autoren der Rallye können sie ändern."), code="not_an_author")
        raise NotFound(msg("Diese Rallye gibt es nicht."))
    return rally


def readable_rally(user: User, rally: Rally | None) -> Rally:
    """Authors read their rallies; the office and the audience read published ones."""
    if VIEW not in rally_permissions(user, rally):
        raise NotFound(msg("Diese Rallye gibt es nicht."))
    return rally


def can_author_for(user: User, *, institution_id: int | None = None, school_id: int | None = None) -> bool:
    """Whether the user creates rallies for this owner: an institution's editors, a school's teachers."""
    if institution_id is not None:
        return can_edit_institution_content(user, institution_id)
    return school_id is not None and user.role == "teacher" and school_id in user.school_ids


def visible_run(user: User, run: ClassRun | None, *, pupil_data: bool = True) -> ClassRun:
    """Teachers see their schools' runs; editors runs of their institution's rallies.

    The office never sees pupil data, so it is refused whenever `pupil_data` is asked for.
    """
    if run is None:
        raise NotFound(msg("Diese Klassenrallye gibt es nicht."))
    if user.role == "teacher" and run.school_id in user.school_ids:
        return run
    if user.role == "editor" and EDIT in rally_permissions(user, run.rally):
        return run
    if user.role == "office" and not pupil_data:
        return run
    raise NotFound(msg("Diese Klassenrallye gibt es nicht."))


def may_see_uploads(user: User, run: ClassRun) -> bool:
    """Pupils' uploads: the run's teachers, and the institution only when the teacher shared them."""
    if user.role == "teacher" and run.school_id in user.school_ids:
        return True
    return user.role == "editor" and run.share_uploads_with_institution and \
        EDIT in rally_permissions(user, run.rally)
