"""Screenshots for the README: written into docs/ only when asked, so test runs leave the tree clean."""

from __future__ import annotations

import os
import pathlib

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs"


def docs_screenshot(target, name: str, **options) -> None:
    """docs/<name> from a Playwright page or locator, refreshed only with SCREENSHOTS=1."""
    if os.environ.get("SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        target.screenshot(path=str(DOCS / name), **options)
