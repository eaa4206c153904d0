"""What a team does from its phone: join, scan, check in, upload, answer, finish.

Writes from phones are idempotent on the client-generated id, scoped to the team, and
enforced by unique constraints (`writes.write_once`). A team's writes are serialised by
locking its row (`team_auth.lock_team`), so a replayed offline queue arriving on two workers
at once is counted exactly once. One module per concern; this package re-exports the names
the edges use.
"""

from rallies.play.answer_item import AnswerItem, check_item, parse_time
from rallies.play.answering import Rejected, submit_answers, value_digest
from rallies.play.checkins import checkin
from rallies.play.discovery import DISCOVERY_PAGE_SIZE, discover
from rallies.play.finishing import finish
from rallies.play.joining import TEAM_NAME_MAX, clean_team_name, find_join_target, is_blocked, join, joined
from rallies.play.offline import team_bundle
from rallies.play.policy import PlayPolicy
from rallies.play.scanning import scan, token_from_payload
from rallies.play.state import ACTIVITY_RESOLUTION, load_state, progress, snapshot_of
from rallies.play.team_auth import lock_team, team_for_token
from rallies.play.uploads import UPLOAD_KINDS, UploadRefused, team_upload, upload
from rallies.play.writes import write_once

__all__ = [
    "ACTIVITY_RESOLUTION", "AnswerItem", "check_item", "DISCOVERY_PAGE_SIZE", "PlayPolicy", "Rejected", "TEAM_NAME_MAX", "UPLOAD_KINDS",
    "UploadRefused", "checkin", "clean_team_name", "discover", "find_join_target", "finish", "is_blocked", "join",
    "joined", "load_state", "lock_team", "parse_time", "progress", "scan", "snapshot_of", "submit_answers",
    "team_bundle", "team_for_token", "team_upload", "token_from_payload", "upload", "value_digest", "write_once",
]
