"""How often a worker process rebuilds teachers' live views: at least `LIVE_MIN_INTERVAL`
seconds apart, and all of them together in at most `LIVE_CPU_SHARE` of the process's time.

Thirty teachers watching thirty busy classes would otherwise have every worker rebuild thirty
views every few seconds, time that the phones' answers need (issue 16: thirty open live
pages may cost at most 5 % of answers/s). Each build's duration is remembered per view; the
interval is the time the recently built views take together, divided by the share. A quiet
morning's classes update every `LIVE_MIN_INTERVAL` seconds; a saturated server updates the
live pages less often instead of answering the phones more slowly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

MIN_WINDOW_SECONDS = 60.0  # builds this recent count towards the share (longer when the interval is)


class BuildBudget:
    """Build durations per view, and the interval that keeps them within a share of the time."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._builds: dict[Hashable, tuple[float, float]] = {}  # view -> (finished at, seconds)
        self._lock = threading.Lock()
        self._last_interval = 0.0

    def record(self, view: Hashable, seconds: float) -> None:
        with self._lock:
            self._builds[view] = (self._clock(), seconds)

    def interval(self, min_interval: float, share: float) -> float:
        """Seconds between two builds of one view, so that all recent views stay within `share`."""
        now = self._clock()
        with self._lock:
            window = max(MIN_WINDOW_SECONDS, 2 * self._last_interval)
            for view in [v for v, (at, _) in self._builds.items() if now - at > window]:
                del self._builds[view]
            busy = sum(seconds for _, seconds in self._builds.values())
            self._last_interval = max(min_interval, busy / share if share > 0 else min_interval)
            return self._last_interval
