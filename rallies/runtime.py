"""Access to the app's media storage and settings for code that runs inside the app.

Domain services take what they need as arguments; routes and CLI commands fetch it here.
"""

from __future__ import annotations

from flask import current_app


def media_storage():
    """The configured media storage (local folder or S3-compatible)."""
    return current_app.extensions["media_storage"]


def setting(name: str):
    return current_app.config[name]


def media_limits():
    from media.limits import Limits

    return Limits(
        image=setting("MAX_IMAGE_BYTES"),
        audio=setting("MAX_AUDIO_BYTES"),
        video=setting("MAX_VIDEO_BYTES"),
        image_pixels=setting("MAX_IMAGE_PIXELS"),
    )


def snapshot_cache():
    """The app's cache of parsed rally versions (a version never changes once published)."""
    from rallies.bundle import BundleCache

    return current_app.extensions.setdefault("rally_snapshots", BundleCache(maxsize=256))


def message_cache():
    """The app's cache of the teams' view of a run's messages, keyed by run and last message time."""
    from rallies.bundle import BundleCache

    return current_app.extensions.setdefault("run_messages", BundleCache(maxsize=512))
