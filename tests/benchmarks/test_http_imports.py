"""The issue's import targets over real HTTP: importing 20,000 members, or 20,000 work items in
our own format, takes at most 3x listing the same rows back over the API (500 a page).

An import only adds rows once, so every run imports into a fresh database (a copy of one made
at the start of the run: the schema by `init-db`, the default areas, a few skills, an admin's
token, and for the work items the people they are assigned to) served by a server of its own;
then the same server lists what was imported. Making the copy and starting the server are not
timed. Runs alternate the two sides as `compare` does (one warm-up each, then the median).

`BENCH_DATABASE_URL=postgresql://...` measures on that PostgreSQL database instead (emptied and
made afresh before every run; not part of CI's run, which is on SQLite as every benchmark is).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from hiring import create_app
from hiring.accounts import service as accounts
from team.areas import create_skill
from team.imports import import_members
from tests.benchmarks.conftest import (
    PASSWORD,
    REPORT,
    RUNS,
    Http,
    Organisation,
    Timing,
    api_pages,
    serve,
)
from tests.conftest import TestConfig

TARGET = 3.0
ROWS = 20_000
PG_URL = os.environ.get("BENCH_DATABASE_URL", "")
# Skills in the default areas, so that files carry skill columns and skill lists too.
SKILLS = (("research", "nlp", "NLP"), ("engineering", "python", "Python"), ("data", "sql", "SQL"))
AREAS = ("research", "engineering", "data")
ADMIN = "admin@example.com"
# People whom the work items are assigned to.
ASSIGNEES = 50


def members_csv(rows: int, first: int = 0) -> bytes:
    """A members file in our format: every area and skill column, a few dates."""
    lines = ["name,email,title,fte,research,engineering,data,nlp,python,sql,start_date,end_date"]
    for n in range(first, first + rows):
        start = "2026-03-02" if n % 10 == 0 else ""
        lines.append(
            f"Person {n},person{n}@example.com,Engineer,{0.5 if n % 4 == 0 else 1},"
            f"{n % 5},{(n + 1) % 5},{(n + 2) % 5},{n % 3},{(n // 3) % 5},,{start},"
        )
    return ("\n".join(lines) + "\n").encode()


def work_items_csv(rows: int) -> bytes:
    """A work items file in our format: real areas, some skills, most items assigned."""
    lines = ["title,area,points,status,skills,assignee"]
    statuses = ("planned", "planned", "in_progress", "done")
    for n in range(rows):
        area = AREAS[n % 3]
        skills = SKILLS[n % 3][1] if n % 2 else ""
        assignee = f"person{n % ASSIGNEES}@example.com" if n % 5 else ""
        lines.append(f"Ticket {n},{area},{1 + n % 8},{statuses[n % 4]},{skills},{assignee}")
    return ("\n".join(lines) + "\n").encode()


@dataclass
class Blank:
    """A database to import into, as it stands before any import: its URL and a token."""

    url: str
    directory: Path
    token: str


def _prepare(url: str, directory: Path, people: int) -> str:
    """Schema, areas, skills, an admin with a token and `people` members; returns the token."""
    app = create_app(TestConfig(url, directory))
    try:
        result = app.test_cli_runner().invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        with Session(app.extensions["engine"]) as session:
            for area, key, name in SKILLS:
                create_skill(area, key, name, session=session)
            session.commit()
            admin = accounts.create_user(ADMIN, "Admin", ["admin"], PASSWORD, session=session)
            token = accounts.create_token(admin.id or 0, "benchmarks", session=session)
            if people:
                body = members_csv(people).decode()
                imported = import_members(body, session=session, actor=ADMIN, apply=True)
                assert imported.created == people, imported.errors
    finally:
        app.extensions["engine"].dispose()
    return token


class Databases:
    """Fresh databases, each with the same starting rows: copies of one SQLite file made once,
    or the PostgreSQL database emptied and made afresh."""

    def __init__(self, root: Path, people: int) -> None:
        self.root, self.people, self.count = root, people, 0
        self.template = root / "template"
        self.template.mkdir(parents=True)
        if not PG_URL:
            self.token = _prepare(f"sqlite:///{self.template / 'bench.db'}", self.template, people)

    def fresh(self) -> Blank:
        """A database as the import finds it."""
        self.count += 1
        directory = self.root / f"run{self.count}"
        directory.mkdir()
        if PG_URL:
            url = "postgresql+psycopg://" + PG_URL.split("://", 1)[1]
            app = create_app(TestConfig(url, directory))
            with app.extensions["engine"].begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            app.extensions["engine"].dispose()
            return Blank(url, directory, _prepare(url, directory, self.people))
        shutil.copy(self.template / "bench.db", directory / "bench.db")
        return Blank(f"sqlite:///{directory / 'bench.db'}", directory, self.token)


def serving(blank: Blank) -> Organisation:
    """A server of its own on a fresh database (the benchmarks' werkzeug server)."""
    org = Organisation(0, blank.url, blank.directory, 0, 0, blank.token)
    serve(org)
    return org


def stop(org: Organisation) -> None:
    """Stop the server and close its app's connections."""
    org.server.shutdown()
    if org.thread is not None:
        org.thread.join(timeout=10)
    org.server.app.extensions["engine"].dispose()


def import_then_list(
    databases: Databases, path: str, body: bytes, listing: str, expected: Callable[[dict], bool]
) -> tuple[Timing, Timing]:
    """Import `body` into a fresh database, then list `listing` from it; RUNS times (after a
    warm-up of each), so that both sides see the same machine."""
    imports, lists = Timing(f"POST {path} ({ROWS:,} rows)"), Timing(f"GET {listing}?limit=500")
    for run in range(RUNS + 1):
        org = serving(databases.fresh())
        try:
            client = Http(org.base, org.token)
            started = time.perf_counter()
            status, answer = client.request("POST", path, body, {"Content-Type": "text/csv"})
            took = time.perf_counter() - started
            assert status == 200, answer[:500]
            assert expected(json.loads(answer)), answer[:500]
            started = time.perf_counter()
            listed = api_pages(client, listing)
            listed_in = time.perf_counter() - started
            assert listed >= ROWS
        finally:
            stop(org)
        if run:  # the first is the warm-up
            imports.runs.append(took)
            lists.runs.append(listed_in)
    return imports, lists


def _where() -> str:
    return "PostgreSQL" if PG_URL else "SQLite"


def test_importing_20000_members_within_3x_of_listing_them(tmp_path_factory):
    databases = Databases(tmp_path_factory.mktemp("members-import"), people=0)
    imported, listed = import_then_list(
        databases,
        "/api/v1/import/members",
        members_csv(ROWS),
        "/api/v1/members",
        lambda answer: answer == {"created": ROWS, "updated": 0},
    )
    ratio = REPORT.ratio(
        f"f. importing members vs listing them (API, {_where()})",
        f"{ROWS:,} new members with 3 area and 3 skill columns",
        imported,
        listed,
        TARGET,
    )
    assert ratio <= TARGET


def test_importing_20000_work_items_within_3x_of_listing_them(tmp_path_factory):
    databases = Databases(tmp_path_factory.mktemp("work-import"), people=ASSIGNEES)
    imported, listed = import_then_list(
        databases,
        "/api/v1/import/work-items",
        work_items_csv(ROWS),
        "/api/v1/work-items",
        lambda answer: answer["created"] == ROWS and answer.get("unknown_assignees") == 0,
    )
    ratio = REPORT.ratio(
        f"g. importing work items vs listing them (API, {_where()})",
        f"{ROWS:,} new work items (our format) over 3 areas, {ASSIGNEES} assignees",
        imported,
        listed,
        TARGET,
    )
    assert ratio <= TARGET
