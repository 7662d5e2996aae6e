"""A deployment per test: a fresh database set up with the CLI, users, and gunicorn servers.

Every test runs on SQLite (a file in the test's tmp dir) and, when TEST_DATABASE_URL names a
PostgreSQL database, on that database too (emptied first: drop every table, then `init-db`).
Servers a test starts are stopped at its end, and their logs are kept in the tmp dir and
printed when the test fails.

These tests take minutes, so the default `pytest` run leaves the folder out (pyproject's
`--ignore=tests/reliability`, and `pytest_collection_modifyitems` below skips them unless the
folder is named); CI runs them as their own step, with the ignore overridden:
`.venv/bin/pytest -o addopts="-ra --strict-markers" -p no:cacheprovider tests/reliability`
(add TEST_DATABASE_URL=postgresql://... for the PostgreSQL half). Counts come from RELIABILITY_*
variables, see each module. The figures are printed at the end of the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import hiring.models  # noqa: F401  (every table on the metadata, to drop them on PostgreSQL)
from hiring.accounts import service as accounts
from hiring.db import make_engine, write_intent
from team.areas import create_skill
from tests.conftest import PASSWORD
from tests.reliability.support import Gunicorn, flask_cli, rows

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _driver_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass
class Account:
    """A seeded user: log in with email and password, or call the API with the token."""

    id: int
    email: str
    password: str
    token: str


@dataclass
class Deployment:
    """One database and the servers started on it by a test."""

    backend: str
    url: str
    env: dict[str, str]
    engine: Engine
    tmp: Path
    servers: list[Gunicorn] = field(default_factory=list)

    def server(self, name: str, **options: Any) -> Gunicorn:
        """A gunicorn on this database (not started), stopped when the test ends."""
        server = Gunicorn(self.env, self.tmp / f"{name}.log", **options)
        self.servers.append(server)
        return server

    def seed_users(self, count: int, roles: list[str], prefix: str) -> list[Account]:
        """`count` users with these roles and an API token each."""
        made = []
        with write_intent(True), Session(self.engine, expire_on_commit=False) as session:
            for n in range(count):
                email = f"{prefix}{n}@example.com"
                name = f"{prefix} {n}"
                user = accounts.create_user(email, name, roles, PASSWORD, session=session)
                token = accounts.create_token(user.id or 0, "reliability", session=session)
                made.append(Account(user.id or 0, email, PASSWORD, token))
        return made

    def add_skills(self, per_area: int = 2) -> dict[str, list[str]]:
        """Skills under every area (work items name them); {area key: [skill keys]}."""
        skills: dict[str, list[str]] = {}
        with write_intent(True), Session(self.engine) as session:
            for area in self.area_keys():
                for n in range(per_area):
                    key = f"{area}-skill-{n}"
                    create_skill(area, key, f"{area} skill {n}", session=session)
                    skills.setdefault(area, []).append(key)
        return skills

    def area_keys(self) -> list[str]:
        return [key for (key,) in rows(self.engine, "SELECT key FROM area ORDER BY position")]


def _empty_postgresql(url: str) -> None:
    """Drop every table (and Alembic's version table) so that `init-db` starts from nothing."""
    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    """A database made the README's way (`flask --app wsgi init-db` from the environment)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'reliability.db'}"
    else:
        if not PG_URL:
            pytest.skip("TEST_DATABASE_URL does not name a PostgreSQL database")
        url = _driver_url(PG_URL)
        _empty_postgresql(url)
    env = dict(os.environ)
    env.pop("TEST_DATABASE_URL", None)
    env |= {"DATABASE_URL": url, "SECRET_KEY": "reliability-" + os.urandom(8).hex()}
    flask_cli(env, "init-db")
    engine = make_engine(url)
    found = Deployment(request.param, url, env, engine, tmp_path)
    try:
        yield found
    finally:
        for server in found.servers:
            server.stop()
        engine.dispose()
        if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
            for server in found.servers:
                print(f"--- {server.log.name} (last 4000 characters) ---")
                print(server.log_text()[-4000:])


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip these tests unless this folder (or a file in it) was named on the command line, so
    that a plain `pytest` stays fast even where pyproject does not ignore the folder."""
    named = [Path(str(arg).split("::")[0]).resolve() for arg in config.args]
    if any(path == HERE or HERE in path.parents for path in named):
        return
    skip = pytest.mark.skip(reason="reliability tests run on their own: pytest tests/reliability")
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(skip)


FIGURES: list[tuple[str, dict[str, Any]]] = []


def report(title: str, figures: dict[str, Any]) -> None:
    """Print a test's figures now and again in the run's summary (for README's reliability
    section), whether or not pytest shows captured output."""
    FIGURES.append((title, figures))
    print(f"\n{title}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The figures of every reliability test that got as far as printing them."""
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for title, figures in FIGURES:
        terminalreporter.write_line(title)
        for key, value in figures.items():
            terminalreporter.write_line(f"    {key}: {value}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Keep the call phase's report on the item, so the fixture can print logs on failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
