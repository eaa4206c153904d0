"""The import directions DESIGN.md allows, checked on the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"server", "rallies", "media", "client_api", "tests"}
ALLOWED = {
    "media": set(),
    "rallies": {"media"},
    "client_api": {"rallies", "media"},
    "server": {"rallies", "media", "client_api"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & OURS


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_the_design_allows(package):
    offending = {}
    files = list((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no Python files"
    for path in files:
        wrong = imported_packages(path) - ALLOWED[package] - {package}
        if wrong:
            offending[str(path.relative_to(ROOT))] = sorted(wrong)
    assert offending == {}


def test_media_does_not_depend_on_flask():
    for path in (ROOT / "media").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any(m.split(".")[0] == "flask" for m in modules), path


def test_domain_never_reads_the_request():
    for path in (ROOT / "rallies").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "from flask import request" not in text and "flask.request" not in text, path
