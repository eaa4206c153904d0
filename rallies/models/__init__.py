"""Every model of the domain, importable from one place."""

from rallies.models.accounts import (
    ROLES, TOKEN_PURPOSES, AccountToken, ApiToken, AuditEvent, User, user_institutions, user_schools,
)
from rallies.models.content import (
    COPYABLE_LICENCES, DEFAULT_SETTINGS, LICENCES, UNLOCK_MODES, VISIBILITIES, MediaAsset, Rally, RallyChange,
    RallyVersion, Station, StationMedia, Task, TaskMedia, media_asset_institutions, media_asset_schools,
)
from rallies.models.institutions import ADMITTED_KINDS, REFUSED_KINDS, Institution, School
from rallies.models.partnerships import STATUSES, Partnership, PartnershipEvent, PartnershipMember
from rallies.models.play import Answer, Checkin, ClassRun, RunMessage, Scan, StationUnlock, Team, Upload
from rallies.models.workshops import Workshop, WorkshopMedia, WorkshopStation, WorkshopTask, WorkshopTeam

__all__ = [
    "Workshop", "WorkshopMedia", "WorkshopStation", "WorkshopTask", "WorkshopTeam",
    "ADMITTED_KINDS", "COPYABLE_LICENCES", "DEFAULT_SETTINGS", "LICENCES", "REFUSED_KINDS", "ROLES", "STATUSES",
    "UNLOCK_MODES", "TOKEN_PURPOSES", "VISIBILITIES", "AccountToken", "Answer", "ApiToken", "AuditEvent", "Checkin",
    "ClassRun", "Institution", "MediaAsset", "Partnership", "PartnershipEvent", "PartnershipMember", "Rally",
    "RallyChange", "RallyVersion", "RunMessage", "Scan", "media_asset_schools",
    "School", "Station", "StationMedia", "StationUnlock", "Task", "TaskMedia", "Team", "Upload",
    "User", "media_asset_institutions", "user_institutions", "user_schools",
]
