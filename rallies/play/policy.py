"""The operator's settings that shape play, passed to the play services by the edge."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class PlayPolicy:
    """Operator settings that shape play."""

    grace: dt.timedelta = dt.timedelta(hours=2)
    free_play_lifetime: dt.timedelta = dt.timedelta(hours=24)
    blocklist: tuple[str, ...] = ()
