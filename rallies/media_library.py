"""Rally media: stored once by content hash, described the same way everywhere."""

from __future__ import annotations

import logging

from media.errors import MediaError, TooLarge, UnsafeArchive, UnsupportedMedia
from media.intake import Ingested, ingest
from media.storage import content_name, sha256_hex

from rallies.db import db
from rallies.errors import DomainError, Invalid
from rallies.models import Institution, MediaAsset, School

log = logging.getLogger(__name__)

RALLY_MEDIA_KINDS = {"image", "audio", "video"}


class MediaTooLarge(DomainError):
    status = 413
    code = "too_large"


class MediaUnsupported(DomainError):
    status = 415
    code = "unsupported_media"


def refusal(error: MediaError) -> DomainError:
    """The domain error (and so the HTTP status) for a file the media checks refused."""
    if isinstance(error, TooLarge):
        return MediaTooLarge(error.message, limit=error.limit)
    if isinstance(error, UnsafeArchive):
        return Invalid(error.message, code=error.code)
    if isinstance(error, UnsupportedMedia):
        return MediaUnsupported(error.message)
    return Invalid(error.message, code=error.code)


def add_media(data: bytes, *, storage, limits, institution_id: int | None = None, school_id: int | None = None,
              allowed_kinds: set[str] = RALLY_MEDIA_KINDS) -> MediaAsset:
    """Check, clean and store a file; the same content twice gives the same asset.

    A refused file raises MediaTooLarge (413), MediaUnsupported (415) or Invalid, and
    nothing is stored. The institution that sent it may use the asset from then on.
    """
    return store_media(check_media(data, limits=limits, allowed_kinds=allowed_kinds), data,
                       storage=storage, institution_id=institution_id, school_id=school_id)


def check_media(data: bytes, *, limits, allowed_kinds: set[str] = RALLY_MEDIA_KINDS) -> Ingested:
    """Check and clean a file without storing anything; refusals as in add_media."""
    try:
        return ingest(data, allowed_kinds=allowed_kinds, limits=limits)
    except MediaError as error:
        raise refusal(error) from error


def store_media(ingested: Ingested, original: bytes, *, storage, institution_id: int | None = None,
                school_id: int | None = None) -> MediaAsset:
    """Store a checked file (see check_media) as an asset, or find the asset it already is.

    A file that is byte for byte one we stored before (a re-uploaded or re-imported asset)
    is that asset, so exporting and importing on the same server keeps media names.
    """
    name = content_name(ingested.data, ingested.extension)
    existing = db.session.scalar(db.select(MediaAsset).filter_by(name=name)) or db.session.scalar(
        db.select(MediaAsset).filter_by(sha256=sha256_hex(original)).limit(1))
    if existing is not None:
        name = existing.name
        grant(existing, institution_id, school_id)
        if not storage.exists(name) and name == content_name(ingested.data, ingested.extension):
            _put_files(storage, ingested)  # storage restored from an older backup: heal it
        return existing
    _put_files(storage, ingested)
    asset = MediaAsset(
        name=name, kind=ingested.kind, content_type=ingested.content_type, bytes=len(ingested.data),
        sha256=ingested.sha256, width=ingested.width, height=ingested.height,
        duration_s=ingested.duration_s, institution_id=institution_id,
    )
    display = ingested.derivatives.get("display")
    if display is not None:
        asset.display_name = content_name(display.data, display.extension)
        asset.display_bytes = len(display.data)
        asset.display_sha256 = sha256_hex(display.data)
        asset.display_width, asset.display_height = display.width, display.height
    thumbnail = ingested.derivatives.get("thumbnail")
    if thumbnail is not None:
        asset.thumb_name = content_name(thumbnail.data, thumbnail.extension)
    db.session.add(asset)
    grant(asset, institution_id, school_id)
    db.session.flush()
    log.info("media %s stored (%s, %d bytes)", name, asset.content_type, asset.bytes)
    return asset


def _put_files(storage, ingested) -> None:
    storage.put(content_name(ingested.data, ingested.extension), ingested.data)
    for rendition in ingested.derivatives.values():
        storage.put(content_name(rendition.data, rendition.extension), rendition.data)


def grant(asset: MediaAsset, institution_id: int | None, school_id: int | None = None) -> None:
    """Let an institution or a school use an asset (it uploaded the same file, or copied a rally with it)."""
    if institution_id is not None and institution_id not in asset.institution_ids:
        institution = db.session.get(Institution, institution_id)
        if institution is not None:
            asset.institutions.append(institution)
    if school_id is not None and school_id not in asset.school_ids:
        school = db.session.get(School, school_id)
        if school is not None:
            asset.schools.append(school)


def grant_to_owner(asset: MediaAsset, rally) -> None:
    """Let the rally's owner (institution or school) use the asset."""
    grant(asset, rally.institution_id, rally.school_id)


def usable_by(asset: MediaAsset, institution_id: int) -> bool:
    """Whether a rally of the institution may show the asset."""
    return institution_id in asset.institution_ids or asset.institution_id == institution_id


def usable_in(asset: MediaAsset, rally) -> bool:
    """Whether the rally may show the asset: its owner has the file, or (co-owned) its partnership does."""
    # A rally being created has its owner object but not yet its owner's id column.
    institution_id = rally.institution_id if rally.institution_id is not None else getattr(rally.institution, "id", None)
    school_id = rally.school_id if rally.school_id is not None else getattr(rally.school, "id", None)
    if institution_id is not None and usable_by(asset, institution_id):
        return True
    if school_id is not None and school_id in asset.school_ids:
        return True
    partnership = rally.partnership if rally.partnership_id is not None else None
    return partnership is not None and bool(
        partnership.institution_ids & asset.institution_ids or partnership.school_id in asset.school_ids)


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
