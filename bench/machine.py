"""How busy the machine was with other work while a phase ran.

On a 2-core machine a test suite running beside the benchmark halves every figure. This
meter sums the CPU time of every process that is not the benchmark's own (its process
tree and its PostgreSQL cluster's) over a phase, so the table can say whether the
figures were taken on a quiet machine.
"""

from __future__ import annotations

import os
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _snapshot() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, CPU ticks used so far)."""
    result = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                raw = f.read().decode("latin-1")
        except OSError:
            continue
        fields = raw[raw.rfind(")") + 2:].split()
        # fields[0] is the state, [1] ppid, [11] utime, [12] stime (man 5 proc, shifted by 2)
        result[int(name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return result


def _descendants(roots: set[int], snapshot: dict[int, tuple[int, int]]) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in snapshot.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), list(roots)
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        found.add(pid)
        todo += children.get(pid, [])
    return found


class ForeignLoad:
    """start() before a phase, stop() after: cores used by other processes meanwhile."""

    def __init__(self, extra_roots=lambda: set()) -> None:
        self.extra_roots = extra_roots
        self._before: dict | None = None
        self._started = 0.0

    def start(self) -> None:
        self._before = _snapshot()
        self._started = time.monotonic()

    def stop(self) -> float:
        after = _snapshot()
        elapsed = time.monotonic() - self._started
        ours = _descendants({os.getpid(), *self.extra_roots()}, after) | _descendants({os.getpid()}, self._before)
        ticks = 0
        for pid, (_, used) in after.items():
            if pid in ours or pid == 0:
                continue
            ticks += used - self._before.get(pid, (0, 0))[1] if pid in self._before else used
        return ticks / CLK_TCK / elapsed if elapsed > 0 else 0.0


def postmaster_pid(data_dir: str) -> int | None:
    try:
        with open(os.path.join(data_dir, "postmaster.pid")) as f:
            return int(f.readline().strip())
    except (OSError, ValueError):
        return None


def load_average() -> float:
    return os.getloadavg()[0]
