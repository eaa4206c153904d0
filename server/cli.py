"""Command line: accounts, demo data and data retention.

    flask --app server users create --role editor --email a@museum.de --institution 1
    flask --app server users token a@museum.de
    flask --app server demo seed
    flask --app server retention run
    flask --app server backup create|restore FOLDER   (server/backup.py)
"""

from __future__ import annotations

import getpass
import secrets

import click
from flask import Flask
from flask.cli import AppGroup

from rallies import accounts
from rallies.db import db
from rallies.errors import DomainError
from rallies.models import User
from server.i18n import say

users_cli = AppGroup("users", help="Manage accounts.")
demo_cli = AppGroup("demo", help="Demo data for trying the app.")
retention_cli = AppGroup("retention", help="Delete pupil data past its retention period.")


def _fail(error: DomainError) -> None:
    details = "; ".join(f"{k}: {' '.join(say(v))}" for k, v in (error.errors or {}).items())
    raise click.ClickException(f"{say(error.message)} {details}".strip())


@users_cli.command("create")
@click.option("--role", type=click.Choice(["office", "editor", "teacher"]), required=True)
@click.option("--email", required=True)
@click.option("--name", "display_name", default="")
@click.option("--institution", "institution_ids", type=int, multiple=True, help="Institution id (editors).")
@click.option("--school", "school_ids", type=int, multiple=True, help="School id (teachers).")
@click.option("--password", default=None, help="Prompted for when omitted; generated with --generate-password.")
@click.option("--generate-password", is_flag=True, help="Generate a random password and print it once.")
def create_user(role, email, display_name, institution_ids, school_ids, password, generate_password):
    """Create an account for the office, an editor or a teacher."""
    if generate_password:
        password = secrets.token_urlsafe(12)
    elif password is None:
        password = getpass.getpass("Password: ")
    try:
        user = accounts.create_user(email=email, password=password, role=role, display_name=display_name,
                                    institution_ids=list(institution_ids), school_ids=list(school_ids))
    except DomainError as error:
        db.session.rollback()
        _fail(error)
    db.session.commit()
    click.echo(f"Created {role} {user.email} (id {user.id}).")
    if generate_password:
        click.echo(f"Password: {password}")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="CLI token")
def create_token(email, name):
    """Issue a personal API token for EMAIL and print it once."""
    user = db.session.scalar(db.select(User).filter_by(email=accounts.normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No account with e-mail {email}.")
    _, secret = accounts.issue_api_token(user, name)
    db.session.commit()
    click.echo(secret)


@demo_cli.command("seed")
def seed_demo():
    """Create the demo institution, school, accounts, rally and class run (once)."""
    import logging

    from server.demo import seed

    logging.getLogger("rallies").setLevel(logging.WARNING)
    summary = seed()
    db.session.commit()
    click.echo(summary)


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
def run_retention(dry_run):
    """Delete teams, answers and uploads (files included) of runs past their retention."""
    from rallies import retention
    from rallies.runtime import media_storage

    report = retention.purge_expired(storage=media_storage(), dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    click.echo(report.summary())


def register_commands(app: Flask) -> None:
    from server.backup import backup_cli

    app.cli.add_command(backup_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(retention_cli)
