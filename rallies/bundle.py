"""The offline bundle a team downloads: its rally version, in its station order.

Solutions travel only when the rally allows offline feedback; otherwise no key that could
give an answer away appears anywhere in the document.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from collections import OrderedDict
from typing import Callable

from rallies.tasks import NO_SOLUTION, get_task_type


def station_order_for_team(snapshot: dict, seed: str) -> list[int] | None:
    """A per-team shuffled order for `random` rallies (None keeps the editor's order)."""
    if snapshot["rally"]["settings"].get("station_order") != "random":
        return None
    ids = [s["id"] for s in snapshot["stations"]]
    random.Random(seed).shuffle(ids)
    return ids


def ordered_stations(snapshot: dict, order: list[int] | None) -> list[dict]:
    stations = snapshot["stations"]
    if not order:
        return stations
    by_id = {s["id"]: s for s in stations}
    return [by_id[i] for i in order if i in by_id]


def build_bundle(snapshot: dict, version: int, order: list[int] | None = None) -> dict:
    """The client API bundle document for one team."""
    rally = snapshot["rally"]
    settings = rally["settings"]
    with_solutions = bool(settings.get("offline_feedback"))
    return {
        "rally": {
            "id": rally["id"],
            "title": rally["title"],
            "description_html": rally["description_html"],
            "language": rally["language"],
            "version": version,
            "cover": rally["cover"],
            # Additive (December): a plan image with the stations placed on it, or null.
            "site_plan": rally.get("site_plan"),
            "institution": {"name": rally["institution"]["name"], "kind": rally["institution"]["kind"]},
            # Additive: the licence the author chose, and for a library copy whose work it is.
            "licence": rally.get("licence", "all-rights-reserved"),
            "attribution": rally.get("attribution"),
            "settings": {
                "station_order": settings["station_order"],
                "time_limit_s": settings.get("time_limit_s"),
                "attempts_per_task": settings.get("attempts_per_task"),
                "wrong_attempt_penalty": settings.get("wrong_attempt_penalty", 0),
                "show_points": bool(settings.get("show_points", True)),
                "show_solutions": bool(settings.get("show_solutions", True)),
                "offline_feedback": with_solutions,
            },
        },
        "stations": [
            {
                "id": station["id"],
                "position": position,
                "title": station["title"],
                "body_html": station["body_html"],
                "media": station["media"],
                "unlock": station["unlock"],
                "conditions": station["conditions"],
                "plan": station.get("plan"),
                "tasks": [_task_view(task, with_solutions) for task in station["tasks"]],
            }
            for position, station in enumerate(ordered_stations(snapshot, order))
        ],
    }


def _task_view(task: dict, with_solutions: bool) -> dict:
    task_type = get_task_type(task["type"])
    config = task["config"]
    view = {
        "id": task["id"],
        "type": task["type"],
        "prompt_html": task["prompt_html"],
        "points": task["points"],
        "media": task["media"],
        "hint": task["hint"],
        "time_limit_s": task["time_limit_s"],
    }
    public = task_type.bundle_view(config, task)
    option_media = task.get("option_media") or {}
    if "options" in public:
        public["options"] = [_with_media(option, option_media) for option in public["options"]]
    view.update(public)
    if with_solutions:
        solution = task_type.solution(config)
        if solution is not NO_SOLUTION:
            view["solution"] = solution
        view["feedback"] = task.get("feedback")
    return view


def _with_media(option: dict, option_media: dict) -> dict:
    if not option.get("media"):
        return option
    return {**option, "media": [option_media[n] for n in option["media"] if n in option_media]}


def bundle_json(bundle: dict) -> bytes:
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class BundleCache:
    """A small, bounded, thread-safe LRU of built bundles.

    Keyed by (rally version id, station order): a version never changes, so an entry never
    goes stale and no snapshot has to be loaded, serialised or compared to find it.
    """

    def __init__(self, maxsize: int = 256):
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_build(self, key: tuple, build: Callable[[], tuple[bytes, str]]) -> tuple[bytes, str]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry
        entry = build()  # outside the lock: building twice at once is harmless
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


BUNDLES = BundleCache()


def bundle_bytes(snapshot: dict, version: int, order: list[int] | None) -> tuple[bytes, str]:
    """Bundle bytes and their strong ETag (a hash of exactly these bytes)."""
    body = bundle_json(build_bundle(snapshot, version, order))
    etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    return body, etag


def cached_bundle(version_id: int, order: list[int] | None, load: Callable[[], tuple[dict, int]],
                  cache: BundleCache | None = None) -> tuple[bytes, str]:
    """The bundle of one version in one station order; `load` gives (snapshot, version number) on a miss.

    Each app passes its own cache (a version id means one thing per database).
    """
    key = (version_id, tuple(order) if order else None)

    def build() -> tuple[bytes, str]:
        snapshot, version = load()
        return bundle_bytes(snapshot, version, order)

    return (cache if cache is not None else BUNDLES).get_or_build(key, build)
