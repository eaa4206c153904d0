"""The change list of a rally: who changed what, per published version.

Authoring services record every change (rallies.authoring.record_change); publishing
files the changes since the last version under the new one. Several edits of the same
station or task by the same or other people collapse into one line naming all of them.
"""

from __future__ import annotations

from rallies.db import db
from rallies.models import Rally, RallyChange, RallyVersion


def _collapse(rows: list[RallyChange]) -> dict:
    items: dict[tuple, dict] = {}
    authors: list[str] = []
    for row in rows:
        if row.author and row.author not in authors:
            authors.append(row.author)
        key = (row.kind, row.target_id)
        entry = items.get(key)
        if entry is None:
            entry = items[key] = {"kind": row.kind, "action": row.action, "label": row.label, "authors": []}
        elif row.action == "removed":
            entry["action"] = "removed" if entry["action"] != "added" else "gone"
        elif entry["action"] == "removed":
            entry["action"] = "changed"
        entry["label"] = row.label or entry["label"]
        if row.author and row.author not in entry["authors"]:
            entry["authors"].append(row.author)
    # Something added and removed again between two versions never reached a class.
    return {"authors": authors, "items": [i for i in items.values() if i["action"] != "gone"]}


def change_list(rally: Rally) -> list[dict]:
    """Newest first: the unpublished changes (version None), then each published version's."""
    rows = db.session.scalars(db.select(RallyChange).filter_by(rally_id=rally.id).order_by(RallyChange.id)).all()
    versions = {v.id: v for v in db.session.scalars(db.select(RallyVersion).filter_by(rally_id=rally.id))}
    grouped: dict[int | None, list[RallyChange]] = {}
    for row in rows:
        grouped.setdefault(row.version_id, []).append(row)
    out = []
    for version_id, group in grouped.items():
        version = versions.get(version_id)
        out.append({"version": version.version if version else None,
                    "published_at": version.published_at if version else None, **_collapse(group)})
    out.sort(key=lambda g: (g["version"] is not None, -(g["version"] or 0)))
    return out
