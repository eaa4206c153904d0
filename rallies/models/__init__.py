"""Every model of the domain, importable from one place."""

from rallies.models.accounts import ROLES, ApiToken, User, user_institutions, user_schools
from rallies.models.content import (
    COPYABLE_LICENCES, DEFAULT_SETTINGS, LICENCES, UNLOCK_MODES, VISIBILITIES, MediaAsset, Rally, RallyChange,
    RallyVersion, Station, StationMedia, Task, TaskMedia, media_asset_institutions, media_asset_schools,
)
from rallies.models.institutions import ADMITTED_KINDS, REFUSED_KINDS, Institution, School
from rallies.models.partnerships import STATUSES, Partnership, PartnershipEvent, PartnershipMember
from rallies.models.play import Answer, Checkin, ClassRun, Scan, StationUnlock, Team, Upload
from rallies.models.workshops import Workshop, WorkshopMedia, WorkshopStation, WorkshopTask, WorkshopTeam

__all__ = [
    "Workshop", "WorkshopMedia", "WorkshopStation", "WorkshopTask", "WorkshopTeam",
    "ADMITTED_KINDS", "COPYABLE_LICENCES", "DEFAULT_SETTINGS", "LICENCES", "RallyChange", "media_asset_schools", "REFUSED_KINDS", "ROLES", "STATUSES", "UNLOCK_MODES",
    "VISIBILITIES", "Answer", "ApiToken", "Checkin", "ClassRun", "Institution", "MediaAsset",
    "Partnership", "PartnershipEvent", "PartnershipMember", "Rally", "RallyVersion", "Scan",
    "School", "Station", "StationMedia", "StationUnlock", "Task", "TaskMedia", "Team", "Upload",
    "User", "media_asset_institutions", "user_institutions", "user_schools",
]
