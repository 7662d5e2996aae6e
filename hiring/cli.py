"""Operator commands: `flask --app wsgi init-db | create-user | create-token | demo |
send-reminders`."""

from __future__ import annotations

import os
import secrets
from datetime import date, datetime
from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from hiring import notifications
from hiring.accounts import service
from hiring.accounts.models import ROLES
from hiring.config import instance_folder
from hiring.db import get_engine
from team.areas import seed_defaults
from team.errors import Conflict, InvalidInput, NotFound

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> AlembicConfig:
    """Alembic's config pointed at our migrations and the given database."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(app: Flask) -> None:
    """Upgrade the schema to the newest migration and seed the default areas and settings."""
    engine = get_engine(app)
    with engine.begin() as connection:
        config = alembic_config(app.config["DATABASE_URL"])
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with Session(engine) as session:
        seed_defaults(session=session)


def _fail(error: Exception) -> None:
    fields = getattr(error, "fields", {})
    details = "; ".join(f"{k}: {', '.join(v)}" for k, v in fields.items())
    raise click.ClickException(f"{getattr(error, 'message', str(error))} {details}".strip())


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the schema and seed the default areas and settings (safe to rerun)."""
    upgrade_database(current_app)
    click.echo("Database is at the newest schema, with the default areas and settings.")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--name", required=True, help="The user's full name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(ROLES),
    help="A role; give --role several times for several roles.",
)
@click.option("--password", default=None, help="Asked for when not given.")
def create_user_command(
    email: str, name: str, roles: tuple[str, ...], password: str | None
) -> None:
    """Create a user (the first admin is made this way: there is no default account)."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            user = service.create_user(email, name, list(roles), password, session=session)
        except (InvalidInput, Conflict) as error:
            _fail(error)
            return
    click.echo(f"Created {user.email} with roles: {', '.join(roles)}.")


@click.command("create-token")
@with_appcontext
@click.argument("email")
@click.option("--name", default="CLI token", help="What the token is for.")
def create_token_command(email: str, name: str) -> None:
    """Print a new API token for the user as the last line."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            user = service.user_by_email(email, session=session)
            token = service.create_token(
                user.id or 0, name, session=session, days=current_app.config["API_TOKEN_DAYS"]
            )
        except (NotFound, InvalidInput) as error:
            _fail(error)
            return
    click.echo(f"API token for {user.email} (shown once; send it as 'Authorization: Bearer'):")
    click.echo(token)


@click.command("demo")
@with_appcontext
@click.option("--password", default=None, help="Password for the demo users (default: random).")
@click.option(
    "--scale",
    type=click.IntRange(1, 100_000),
    default=None,
    help="Instead of the small demo, a synthetic organisation: N members, 20N work items and "
    "10N candidates with three scorecards each.",
)
@click.option("--seed", type=int, default=6, show_default=True, help="Seed of --scale's data.")
def demo_command(password: str | None, scale: int | None, seed: int) -> None:
    """Fill an empty database with a demo team, planned work and one user per role.

    The demo password is kept in instance/demo-credentials.txt (mode 0600) so that running the
    README's start command again still tells you how to log in. The instance folder is made
    first (0700): with DATABASE_URL and SECRET_KEY set nothing else makes it, and finding that
    out after the data is loaded would lose the password.
    """
    from hiring.demo import (
        CANDIDATES_PER_MEMBER,
        WORK_PER_MEMBER,
        load_demo,
        load_scaled_demo,
    )

    kept = instance_folder(Path(current_app.instance_path)) / "demo-credentials.txt"
    upgrade_database(current_app)
    if password is None:
        password = _kept_password(kept) or _random_demo_password()
    else:
        _check_demo_password(password)
    with Session(get_engine(), expire_on_commit=False) as session:
        notifications.mute(session)  # the demo's people are made up: mail none of them
        if scale is None:
            loaded = load_demo(session=session, password=password)
        else:
            loaded = load_scaled_demo(session=session, password=password, scale=scale, seed=seed)
    if loaded is None:
        click.echo("The database already has data; the demo only fills an empty one.")
        if _kept_password(kept):
            click.echo(_login_help(_kept_password(kept) or ""))
        return
    fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")
    if scale is None:
        click.echo(
            "Demo data loaded: 12 team members, 40 planned work items, an opening with 8"
            " candidates and their scorecards, and a user for every role."
        )
    else:
        candidates = CANDIDATES_PER_MEMBER * scale
        click.echo(
            f"Synthetic organisation loaded: {scale:,} team members, "
            f"{WORK_PER_MEMBER * scale:,} work items, an opening with {candidates:,} candidates "
            f"and {3 * candidates:,} scorecards, and a user for every role."
        )
    click.echo(_login_help(password))


def _kept_password(kept: Path) -> str | None:
    return kept.read_text().strip() or None if kept.exists() else None


def _demo_password_problems(password: str) -> list[str]:
    """What the password rules say of `password` for any of the demo users (one password for
    all of them, so it must not hold any one's name or email)."""
    from hiring.accounts.passwords import password_problems
    from hiring.demo import USERS

    found = [
        p for email, name, _ in USERS for p in password_problems(password, email=email, name=name)
    ]
    return list(dict.fromkeys(found))


def _random_demo_password() -> str:
    """A random demo password the rules accept: a random one holds a demo user's name (such as
    "Lena" or "Igor") about once in 7,000 draws, so draw again then."""
    while True:
        password = secrets.token_urlsafe(12)
        if not _demo_password_problems(password):
            return password


def _check_demo_password(password: str) -> None:
    """Refuse a --password the rules refuse before anything is loaded: the demo commits the team
    before its users, so failing on the users would leave half a demo behind."""
    if problems := _demo_password_problems(password):
        raise click.ClickException(f"--password: {'; '.join(problems)}")


def _login_help(password: str) -> str:
    from hiring.demo import USERS

    lines = ["Log in at /login as any of these users, all with the same password:"]
    lines += [f"  {email:26} {', '.join(roles)}" for email, _name, roles in USERS]
    lines.append(f"  password: {password}")
    return "\n".join(lines)


@click.command("send-reminders")
@with_appcontext
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to count overdue cards on (default: today), to catch up on a missed day.",
)
def send_reminders_command(today: datetime | None) -> None:
    """Mail each interviewer whose scorecard is overdue, once per interview (run it daily
    from cron; a second run the same day sends nothing new).

    A reminder whose mail failed is forgotten again, so the next run retries it.
    """
    if not current_app.config.get("PUBLIC_URL"):
        raise click.ClickException(
            "Set PUBLIC_URL to the service's address (https://hiring.example.com): the "
            "reminders link to it, and a command has no request to take the host from."
        )
    day = today.date() if today else date.today()
    with Session(get_engine(), expire_on_commit=False) as session:
        notices = notifications.queue_reminders(day, session=session)
        try:
            session.commit()  # the mails go now, after the reminders are recorded
        except IntegrityError as error:
            raise click.ClickException(
                "Another send-reminders run recorded the same reminders first; nothing sent."
            ) from error
        failed = session.info.get(notifications.FAILED, [])
        if failed:
            notifications.forget_reminders(failed, session=session)
            session.commit()
    click.echo(f"Sent {len(notices) - len(failed)} reminder(s) of overdue scorecards.")
    if failed:
        raise click.ClickException(
            f"{len(failed)} reminder(s) could not be sent (see the log); the next run retries."
        )


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command_ in (
        init_db_command,
        create_user_command,
        create_token_command,
        demo_command,
        send_reminders_command,
    ):
        app.cli.add_command(command_)
