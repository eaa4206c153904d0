"""Backup and restore of the database and the media storage, as one folder.

    flask --app server backup create /srv/backups/2026-12-07
    flask --app server backup restore /srv/backups/2026-12-07

A backup folder holds `manifest.json` (when, which schema revision, every media file with
its SHA-256), the database (`database.dump`, pg_dump's custom format, consistent by
itself; or `database.sqlite3` through SQLite's online backup) and `media/`. The database is
dumped first, then the media copied: files are content-addressed and never change, so every
file the dump refers to is still there unless retention deleted it in between (those are
listed as `missing` and would be deleted again anyway).

Restoring loads the dump into the configured (empty) database, puts every media file back
(checked against its SHA-256), and then runs the retention purge: a backup older than a
purge holds pupil data whose time is up, and it is deleted again before anyone sees it.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import text
from sqlalchemy.engine import make_url

from rallies.db import db

FORMAT = 1
MANIFEST = "manifest.json"

backup_cli = AppGroup("backup", help="Back up and restore the database and media storage.")


class BackupError(click.ClickException):
    """A backup or restore that cannot go on; the message says why."""


def pg_tool(name: str) -> str:
    """The newest installed PostgreSQL client tool (pg_dump must not be older than the server)."""
    configured = current_app.config.get("PG_BIN_DIR") or ""
    candidates = [os.path.join(configured, name)] if configured else []
    candidates += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    candidates.append(shutil.which(name) or "")
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(f"{name} not found: install PostgreSQL's client tools or set PG_BIN_DIR")


def _libpq(uri: str) -> tuple[str, dict]:
    """The database URL as libpq understands it, with the password passed in the environment."""
    url = make_url(uri)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _sqlite_path(uri: str) -> Path:
    return Path(make_url(uri).database or "")


def _revision() -> str | None:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def create_backup(target: Path) -> dict:
    """Dump the database, then copy every media file; return the manifest written."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"{target} is not empty: a backup goes into a new folder")
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    kind = make_url(uri).get_backend_name()
    revision = _revision()
    if kind == "postgresql":
        conninfo, env = _libpq(uri)
        subprocess.run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                        f"--file={target / 'database.dump'}", f"--dbname={conninfo}"],
                       check=True, env=env, capture_output=True)
    elif kind == "sqlite":
        with sqlite3.connect(_sqlite_path(uri)) as source, sqlite3.connect(target / "database.sqlite3") as copy:
            source.backup(copy)
    else:
        raise BackupError(f"no backup procedure for {kind}")
    storage = current_app.extensions["media_storage"]
    media_dir = target / "media"
    media_dir.mkdir()
    files = {}
    for name in sorted(storage.names()):
        try:
            data = storage.get(name)
        except FileNotFoundError:  # deleted by retention since it was listed
            continue
        (media_dir / name).write_bytes(data)
        files[name] = hashlib.sha256(data).hexdigest()
    manifest = {"format": FORMAT, "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                "database": kind, "revision": revision, "media": files}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def restore_backup(source: Path, *, purge: bool = True) -> dict:
    """Load a backup folder into the configured database and storage; then purge what expired."""
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} holds no {MANIFEST}: not a backup folder")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    kind = make_url(uri).get_backend_name()
    if kind != manifest["database"]:
        raise BackupError(f"the backup is of {manifest['database']}, the configured database is {kind}")
    files = manifest["media"]
    for name, digest in files.items():  # check everything before changing anything
        data = (source / "media" / name).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise BackupError(f"media file {name} does not match its checksum")
    db.session.remove()
    db.engine.dispose()
    if kind == "postgresql":
        conninfo, env = _libpq(uri)
        subprocess.run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                        "--exit-on-error", "--single-transaction", f"--dbname={conninfo}",
                        str(source / "database.dump")], check=True, env=env, capture_output=True)
    else:
        with sqlite3.connect(source / "database.sqlite3") as backup, sqlite3.connect(_sqlite_path(uri)) as live:
            backup.backup(live)
    storage = current_app.extensions["media_storage"]
    for name in files:
        storage.put(name, (source / "media" / name).read_bytes())
    report = {"revision": manifest["revision"], "media_files": len(files)}
    if purge:
        from rallies import retention

        purged = retention.purge_expired(storage=storage)
        db.session.commit()
        report["retention"] = purged.summary()
    return report


@backup_cli.command("create")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def create_command(folder: Path):
    """Write a backup of the database and all media files into a new FOLDER."""
    try:
        manifest = create_backup(folder)
    except subprocess.CalledProcessError as error:
        raise BackupError("pg_dump failed: " + error.stderr.decode(errors="replace").strip()) from error
    click.echo(f"backup written to {folder}: schema {manifest['revision']}, {len(manifest['media'])} media files")


@backup_cli.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--no-purge", is_flag=True, help="Do not run the retention purge after restoring.")
def restore_command(folder: Path, no_purge: bool):
    """Restore the database and media files from a backup FOLDER, then purge expired pupil data."""
    try:
        report = restore_backup(folder, purge=not no_purge)
    except subprocess.CalledProcessError as error:
        raise BackupError("pg_restore failed: " + error.stderr.decode(errors="replace").strip()) from error
    click.echo(f"restored schema {report['revision']} and {report['media_files']} media files")
    if "retention" in report:
        click.echo(report["retention"])
