"""Fixtures: an app on a fresh real database per test, and factories that return callables.

The suite runs on SQLite by default (a new file per test) and on PostgreSQL when
TEST_DATABASE_URL names a server (tables created once, emptied before every test).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import hiring.models  # noqa: F401  (every table on the metadata)
from hiring import create_app
from hiring.accounts import passwords
from hiring.accounts import service as accounts
from hiring.config import Config
from hiring.db import make_engine, write_intent
from team import members as members_service
from team import work as work_service
from team.areas import seed_defaults
from team.schemas import MemberCreate, WorkItemCreate

PASSWORD = "correct horse battery"

# Production hashing costs ~0.7 s a password on this machine's two cores; the suite makes and
# logs in hundreds of users, so it hashes with argon2id at the lowest cost. The production
# parameters are checked on their own in tests/hiring/test_passwords.py.
passwords.set_cost(time_cost=1, memory_cost=1024, parallelism=1)
PG_URL = os.environ.get("TEST_DATABASE_URL", "")

# CI (HYPOTHESIS_PROFILE=ci) runs the same generated examples every time, so that a red build
# is a reproducible failure of the code, never the luck of a draw; by hand, each run draws new
# examples and so keeps exploring.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def _pg_url() -> str:
    for prefix in ("postgres://", "postgresql://"):
        if PG_URL.startswith(prefix):
            return "postgresql+psycopg://" + PG_URL[len(prefix) :]
    return PG_URL


class TestConfig(Config):
    __test__ = False  # a config, not a test class

    """Config for one test: its own database, a fixed key, no environment lookups."""

    TESTING = True

    def __init__(self, database_url: str, instance: Path) -> None:
        self.SECRET_KEY = "test-secret-key"
        self.DATABASE_URL = database_url
        self.INSTANCE_PATH = instance


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine | None]:
    """On PostgreSQL, the schema is created once per run (and dropped at the end)."""
    if not PG_URL:
        yield None
        return
    engine = make_engine(_pg_url())
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    yield engine
    SQLModel.metadata.drop_all(engine)
    engine.dispose()


def fresh_database(directory: Path, pg_engine: Engine | None) -> str:
    """A fresh, empty database with the schema, the default areas and settings; its URL.

    SQLite: a new file in `directory`. PostgreSQL: the run's database, every table emptied.
    """
    if pg_engine is None:
        url = f"sqlite:///{directory / 'test.db'}"
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
    else:
        url = _pg_url()
        engine = pg_engine
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    with Session(engine) as session:
        seed_defaults(session=session)
    if pg_engine is None:
        engine.dispose()
    return url


@pytest.fixture
def database_url(tmp_path: Path, pg_engine: Engine | None) -> str:
    """A fresh, empty database for one test (see `fresh_database`)."""
    return fresh_database(tmp_path, pg_engine)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on this test's database."""
    app = create_app(TestConfig(database_url, tmp_path))
    yield app
    app.extensions["engine"].dispose()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session on the app's database, for arranging and checking rows.

    Its transactions begin deferred (SQLite's plain BEGIN): a test that reads through it must
    not hold the write lock that the app's requests then wait for. Reads made before a request
    see a snapshot: call `db.commit()` (or `db.rollback()`) before reading what a request wrote.
    """
    with write_intent(False), Session(app.extensions["engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client (cookies kept between requests)."""
    return app.test_client()


_sequence = count(1)


@pytest.fixture
def make_user(db: Session) -> Callable[..., Any]:
    """make_user(*roles, email=..., name=..., password=...) -> User."""

    def make(*roles: str, **overrides: Any):
        n = next(_sequence)
        email = overrides.get("email", f"user{n}@example.com")
        name = overrides.get("name", f"User {n}")
        password = overrides.get("password", PASSWORD)
        return accounts.create_user(email, name, list(roles or ["admin"]), password, session=db)

    return make


@pytest.fixture
def make_member(db: Session) -> Callable[..., Any]:
    """make_member(**overrides) -> MemberPublic (levels default to working in every area)."""

    def make(**overrides: Any):
        n = next(_sequence)
        data = {
            "name": f"Member {n}",
            "email": f"member{n}@example.com",
            "title": "ML engineer",
            "fte": 1.0,
            "levels": {"research": 2, "engineering": 2, "data": 2},
        } | overrides
        member = members_service.create_member(MemberCreate(**data), session=db, actor="test")
        db.commit()  # end the read-back's transaction: on SQLite it would block the app's writes
        return member

    return make


@pytest.fixture
def make_work_item(db: Session) -> Callable[..., Any]:
    """make_work_item(**overrides) -> WorkItemPublic."""

    def make(**overrides: Any):
        n = next(_sequence)
        data = {"title": f"Ticket {n}", "area": "engineering", "points": 3} | overrides
        item = work_service.create_work_item(WorkItemCreate(**data), session=db)
        db.commit()  # end the read-back's transaction: on SQLite it would block the app's writes
        return item

    return make


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token a page hands out, read the way a browser would get it."""
    page = client.get(url)
    match = CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], *, page: str | None = None, **kwargs: Any
):
    """POST a form the way a browser does: with the CSRF token of the page that shows it."""
    token = csrf_token(client, page or url)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


@pytest.fixture
def login(client: FlaskClient) -> Callable[..., Any]:
    """login(user, password=PASSWORD) logs the test client in through the real login form."""

    def do(user: Any, password: str = PASSWORD):
        response = post_form(client, "/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do


@pytest.fixture
def as_role(make_user: Callable[..., Any], login: Callable[..., Any]) -> Callable[..., Any]:
    """as_role(*roles) creates a user with those roles and logs the client in as them."""

    def do(*roles: str):
        user = make_user(*roles)
        login(user)
        return user

    return do


@pytest.fixture
def api(app: Flask, db: Session, make_user: Callable[..., Any]) -> Callable[..., Any]:
    """api(*roles) -> a client whose requests carry a bearer token of a new user with roles."""

    def make(*roles: str) -> FlaskClient:
        user = make_user(*roles)
        token = accounts.create_token(user.id, "test", session=db)
        client = app.test_client(use_cookies=False)
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return make
