"""The shared library: public rallies of every institution and school, to find and copy.

Copying follows the licence the author chose per rally: CC BY, CC BY-SA and CC0 allow it
(the copy records and shows whose work it is), "all rights reserved" does not.
"""

from __future__ import annotations

from rallies.db import db
from rallies.errors import NotFound
from rallies.models import COPYABLE_LICENCES, Rally
from rallies.messages import msg

LICENCE_NAMES = {
    "CC-BY-4.0": "CC BY 4.0",
    "CC-BY-SA-4.0": "CC BY-SA 4.0",
    "CC0-1.0": "CC0 1.0",
    "all-rights-reserved": "Alle Rechte vorbehalten",
}
LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def place_of(rally: Rally) -> str:
    owner = rally.owner
    return ", ".join(part for part in (getattr(owner, "region", ""), getattr(owner, "address", "")) if part)


def browse(*, q: str | None = None, subject: str | None = None, age: int | None = None,
           place: str | None = None) -> list[Rally]:
    """Public, published rallies matching every given filter, by title.

    Text is matched here, not in SQL, so that it means the same on SQLite and PostgreSQL.
    """
    rallies = db.session.scalars(db.select(Rally).where(
        Rally.visibility == "public", Rally.published_version_id.is_not(None)).order_by(Rally.title, Rally.id)).all()
    needle, subject_key, place_key = _fold(q), _fold(subject), _fold(place)
    found = []
    for rally in rallies:
        if needle and not any(needle in _fold(text) for text in
                              (rally.title, rally.theme, rally.about, rally.owner_name, *(rally.subjects or []))):
            continue
        if subject_key and not any(subject_key in _fold(s) for s in rally.subjects or []):
            continue
        if age is not None and not rally.age_min <= age <= rally.age_max:
            continue
        if place_key and place_key not in _fold(place_of(rally)) and place_key not in _fold(rally.owner_name):
            continue
        found.append(rally)
    return found


def library_rally(rally: Rally | None) -> Rally:
    """A rally in the library (public and published); anything else is not found."""
    if rally is None or rally.visibility != "public" or rally.published_version_id is None:
        raise NotFound(msg("Diese Rallye gibt es in der Bibliothek nicht."))
    return rally


def is_copyable(rally: Rally) -> bool:
    return rally.licence in COPYABLE_LICENCES


def item(rally: Rally) -> dict:
    """What the library shows of a rally."""
    return {"id": rally.id, "title": rally.title, "theme": rally.theme, "about": rally.about,
            "language": rally.language, "age_min": rally.age_min, "age_max": rally.age_max,
            "subjects": list(rally.subjects or []), "owner": rally.owner_ref, "place": place_of(rally),
            "version": rally.version, "licence": rally.licence, "copyable": is_copyable(rally),
            "attribution": rally.attribution}
