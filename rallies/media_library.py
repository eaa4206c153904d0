"""Rally media: stored once by content hash, described the same way everywhere."""

from __future__ import annotations

import logging

from media.intake import ingest
from media.storage import content_name

from rallies.db import db
from rallies.models import MediaAsset

log = logging.getLogger(__name__)

RALLY_MEDIA_KINDS = {"image", "audio", "video"}


def add_media(data: bytes, *, storage, limits, institution_id: int | None = None,
              allowed_kinds: set[str] = RALLY_MEDIA_KINDS) -> MediaAsset:
    """Check, clean and store a file; the same content twice gives the same asset."""
    ingested = ingest(data, allowed_kinds=allowed_kinds, limits=limits)
    name = content_name(ingested.data, ingested.extension)
    existing = db.session.scalar(db.select(MediaAsset).filter_by(name=name))
    if existing is not None:
        return existing
    storage.put(name, ingested.data)
    asset = MediaAsset(
        name=name, kind=ingested.kind, content_type=ingested.content_type, bytes=len(ingested.data),
        sha256=ingested.sha256, width=ingested.width, height=ingested.height,
        duration_s=ingested.duration_s, institution_id=institution_id,
    )
    display = ingested.derivatives.get("display")
    if display is not None:
        display_name = content_name(display.data, display.extension)
        storage.put(display_name, display.data)
        asset.display_name = display_name
        asset.display_bytes = len(display.data)
        from media.storage import sha256_hex

        asset.display_sha256 = sha256_hex(display.data)
        asset.display_width, asset.display_height = display.width, display.height
    thumbnail = ingested.derivatives.get("thumbnail")
    if thumbnail is not None:
        asset.thumb_name = content_name(thumbnail.data, thumbnail.extension)
        storage.put(asset.thumb_name, thumbnail.data)
    db.session.add(asset)
    db.session.flush()
    log.info("media %s stored (%s, %d bytes)", name, asset.content_type, asset.bytes)
    return asset


def descriptor(asset: MediaAsset, alt: str = "") -> dict:
    """The client API's media object; images point at their phone-sized rendition."""
    if asset.kind == "image" and asset.display_name:
        name, size, sha = asset.display_name, asset.display_bytes, asset.display_sha256
        width, height = asset.display_width, asset.display_height
        content_type = "image/png" if name.endswith(".png") else "image/jpeg"
    else:
        name, size, sha = asset.name, asset.bytes, asset.sha256
        width, height, content_type = asset.width, asset.height, asset.content_type
    out = {"name": name, "url": f"/media/{name}", "content_type": content_type, "bytes": size,
           "sha256": sha, "alt": alt or ""}
    if width:
        out["width"], out["height"] = width, height
    if asset.duration_s:
        out["duration_s"] = asset.duration_s
    return out


def servable_names() -> set[str]:
    """Every name /media may serve: rally media and their renditions, never uploads."""
    names = set()
    for row in db.session.execute(db.select(MediaAsset.name, MediaAsset.display_name, MediaAsset.thumb_name)):
        names.update(n for n in row if n)
    return names


def find_servable(name: str) -> MediaAsset | None:
    """The asset a /media name belongs to, if it is rally media."""
    return db.session.scalar(db.select(MediaAsset).where(
        (MediaAsset.name == name) | (MediaAsset.display_name == name) | (MediaAsset.thumb_name == name)
    ))


def get_by_name(name: str) -> MediaAsset | None:
    return db.session.scalar(db.select(MediaAsset).filter_by(name=name))
