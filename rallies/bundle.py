"""The offline bundle a team downloads: its rally version, in its station order.

Solutions travel only when the rally allows offline feedback; otherwise no key that could
give an answer away appears anywhere in the document.
"""

from __future__ import annotations

import hashlib
import json
import random
from functools import lru_cache

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
            "institution": {"name": rally["institution"]["name"], "kind": rally["institution"]["kind"]},
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
    public = task_type.public_view(config)
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


@lru_cache(maxsize=256)
def cached_bundle_bytes(version_id: int, version: int, order_key: str, snapshot_json: str) -> tuple[bytes, str]:
    """Bundle bytes and strong ETag for one version and station order (versions never change)."""
    snapshot = json.loads(snapshot_json)
    order = [int(i) for i in order_key.split(",")] if order_key else None
    body = bundle_json(build_bundle(snapshot, version, order))
    etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    return body, etag
