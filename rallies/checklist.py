"""The publish checklist: what a class would hit, each item naming the station or task to fix.

Blocking items stop publishing (`publishing.publish_problems` includes them); the others
are warnings an author should see before printing and going out with a class.
"""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import ValidationError

from rallies.messages import Msg, msg
from rallies.models import Rally, Station
from rallies.tasks import REGISTRY, get_task_type
from rallies.validation import error_paths


@dataclass(frozen=True)
class Item:
    """One thing to fix: what, where (station, task, field) and whether it blocks publishing."""

    code: str
    message: Msg
    blocking: bool = True
    station_id: int | None = None
    task_id: int | None = None
    field: str = ""
    path: str = ""  # the field path publish errors use (stations.0.tasks.1.prompt_md)


def checklist(rally: Rally) -> list[Item]:
    """Every problem of the working copy, in the order of the rally."""
    items: list[Item] = []
    if not rally.stations:
        items.append(Item("no_stations", msg("Die Rallye braucht mindestens eine Station."), path="stations"))
    for s_index, station in enumerate(rally.stations):
        items.extend(_station_items(station, s_index))
        for t_index, task in enumerate(station.tasks):
            items.extend(_task_items(station, task, f"stations.{s_index}.tasks.{t_index}"))
    items.extend(_cycles(rally))
    items.extend(_unreachable_scores(rally))
    return items


def _station_items(station: Station, index: int) -> list[Item]:
    where = {"station_id": station.id}
    items = []
    if station.unlock_mode == "location" and None in (station.lat, station.lon, station.radius_m):
        items.append(Item("location_without_place", msg("Station „%(title)s“ wird am Ort freigeschaltet, hat aber "
                                                        "keinen Ort: auf der Karte setzen.", title=station.title),
                          field="lat", path=f"stations.{index}.unlock", **where))
    if station.unlock_mode == "qr" and station.qr_token and station.qr_printed_token != station.qr_token:
        items.append(Item("qr_not_printed", msg("Der QR-Code der Station „%(title)s“ ist noch nicht ausgedruckt "
                                                "(oder wurde seitdem erneuert).", title=station.title),
                          blocking=False, field="qr", **where))
    return items


def _task_items(station: Station, task, path: str) -> list[Item]:
    where = {"station_id": station.id, "task_id": task.id}
    items = []
    number = station.tasks.index(task) + 1
    if not (task.prompt_md or "").strip():
        items.append(Item("empty_prompt", msg("Station „%(title)s“, Aufgabe %(number)s: Der Aufgabentext fehlt.",
                                              title=station.title, number=number),
                          field="prompt_md", path=f"{path}.prompt_md", **where))
    if task.type in REGISTRY:
        try:
            get_task_type(task.type).load_config(task.config or {})
        except ValidationError as error:
            code = "no_right_option" if task.type in ("single_choice", "multiple_choice") else "invalid_config"
            text = (msg("Station „%(title)s“, Aufgabe %(number)s: Keine Antwort ist als richtig markiert.",
                        title=station.title, number=number) if code == "no_right_option" else
                    msg("Station „%(title)s“, Aufgabe %(number)s: Die Einstellungen sind unvollständig (%(fields)s).",
                        title=station.title, number=number, fields=", ".join(sorted(error_paths(error.messages)))))
            items.append(Item(code, text, field="config", path=f"{path}.config", **where))
    for link in task.media:
        if link.asset.kind == "image" and not (link.alt or "").strip():
            items.append(Item("image_without_alt", msg("Station „%(title)s“, Aufgabe %(number)s: Ein Bild hat keinen "
                                                       "Alternativtext.", title=station.title, number=number),
                              field="media", path=f"{path}.media", **where))
    return items


def _waits_for(rally: Rally) -> dict[int, set[int]]:
    """For each station, the stations it waits for: its conditions, and the previous one in a fixed order."""
    ids = [station.id for station in rally.stations]
    fixed = rally.effective_settings.get("station_order") == "fixed"
    edges: dict[int, set[int]] = {}
    for index, station in enumerate(rally.stations):
        wanted = {c["after_station"] for c in station.conditions or [] if c.get("after_station") in ids}
        if fixed and index > 0:
            wanted.add(ids[index - 1])
        edges[station.id] = wanted
    return edges


def _cycles(rally: Rally) -> list[Item]:
    """Stations that wait for each other, directly or around a circle: none of them ever opens."""
    edges = _waits_for(rally)
    reach = {sid: _reachable(sid, edges) for sid in edges}
    items, seen = [], set()
    for index, station in enumerate(rally.stations):
        if station.id in seen or station.id not in reach[station.id]:
            continue
        ring = [(i, s) for i, s in enumerate(rally.stations)
                if s.id == station.id or (s.id in reach[station.id] and station.id in reach[s.id])]
        seen.update(s.id for _, s in ring)
        names = ", ".join(f"{i + 1}. {s.title}" for i, s in ring)
        items.append(Item("condition_cycle", msg("Diese Stationen warten aufeinander und öffnen sich nie: "
                                                 "%(stations)s.", stations=names),
                          station_id=station.id, field="after_stations", path=f"stations.{index}.conditions"))
    return items


def _reachable(start: int, edges: dict[int, set[int]]) -> set[int]:
    """Every station `start` waits for, directly or not (itself only around a circle)."""
    result: set[int] = set()
    frontier = list(edges.get(start, ()))
    while frontier:
        current = frontier.pop()
        if current not in result:
            result.add(current)
            frontier.extend(edges.get(current, ()))
    return result


def _unreachable_scores(rally: Rally) -> list[Item]:
    """A minimum score above all points a team can earn before the station (not counting stations after it)."""
    edges = _waits_for(rally)
    points = {station.id: sum(task.points or 0 for task in station.tasks
                              if task.type in REGISTRY and get_task_type(task.type).earns_points)
              for station in rally.stations}
    items = []
    for index, station in enumerate(rally.stations):
        needed = max((c["min_score"] for c in station.conditions or [] if "min_score" in c), default=None)
        if needed is None:
            continue
        later = _depending_on(station.id, edges)
        reachable = sum(p for sid, p in points.items() if sid != station.id and sid not in later)
        if needed > reachable:
            items.append(Item("unreachable_score", msg("Station „%(title)s“ verlangt %(needed)s Punkte, vorher sind "
                                                       "aber höchstens %(reachable)s zu holen.", title=station.title,
                                                       needed=f"{needed:g}", reachable=f"{reachable:g}"),
                              station_id=station.id, field="min_score", path=f"stations.{index}.conditions"))
    return items


def _depending_on(station_id: int, edges: dict[int, set[int]]) -> set[int]:
    """Every station that (directly or not) waits for `station_id`."""
    return {other for other in edges if other != station_id and station_id in _reachable(other, edges)}
