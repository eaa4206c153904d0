"""Binds the configured media storage to the app."""

from __future__ import annotations

from flask import Flask


def init_media_store(app: Flask) -> None:
    from media.storage import storage_from_url

    app.extensions["media_storage"] = storage_from_url(app.config["MEDIA_STORAGE"])
