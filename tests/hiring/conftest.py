"""Factories for the hiring pages' tests: openings, candidates and scorecards made through the
services, as the pages would make them, so the tests start from states the app can reach."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text
from sqlmodel import Session, select

from hiring.accounts.models import User, UserRole
from hiring.accounts.service import CurrentUser
from hiring.openings import scorecards, service
from hiring.openings.models import Candidate
from hiring.openings.schemas import CandidateCreate, OpeningCreate, OpeningPublic, ScorecardIn
from tests.conftest import PASSWORD, PG_URL, _pg_url, post_form

_numbers = count(1)


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, for the migration tests: a new SQLite file, or a new
    PostgreSQL database of the test's own (dropped after it)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server = make_url(_pg_url())
    name = f"hiring_mig_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def viewer_of(user: User, session: Session) -> CurrentUser:
    """The user as the services see a logged-in user: id, email and roles."""
    roles = session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all()
    return CurrentUser(id=user.id or 0, email=user.email, name=user.name, roles=frozenset(roles))


@pytest.fixture
def make_opening(db: Session, make_user: Callable[..., Any]) -> Callable[..., OpeningPublic]:
    """make_opening(manager=None, panel=(users), **fields) -> OpeningPublic (open by default)."""

    def make(*, manager: User | None = None, panel: Sequence[User] = (), **fields: Any):
        owner = manager or make_user("hiring_manager")
        data = OpeningCreate(
            **({"title": f"Opening {next(_numbers)}"} | fields),
            panel=[u.email for u in panel],
        )
        opening = service.create_opening(data, viewer=viewer_of(owner, db), session=db)
        db.commit()  # end the read-back's transaction, so the app's requests can write
        return opening

    return make


@pytest.fixture
def make_candidate(db: Session) -> Callable[..., Candidate]:
    """make_candidate(opening, name=..., email=..., available_from=..., status=...) ->
    Candidate, added by its opening's hiring manager."""

    def make(opening: OpeningPublic, **overrides: Any) -> Candidate:
        n = next(_numbers)
        manager = db.exec(select(User).where(User.email == opening.hiring_manager)).one()
        viewer = viewer_of(manager, db)
        data = CandidateCreate(
            name=overrides.get("name", f"Candidate {n}"),
            email=overrides.get("email", f"candidate{n}@example.com"),
            available_from=overrides.get("available_from"),
        )
        candidate = service.add_candidate(opening.id, data, viewer=viewer, session=db)
        if "status" in overrides:
            candidate = service.set_status(
                candidate.id or 0, overrides["status"], viewer=viewer, session=db
            )
        db.commit()
        return candidate

    return make


@pytest.fixture
def write_card(db: Session) -> Callable[..., Any]:
    """write_card(candidate, interviewer, ratings, submit=True, ...) saves a card as that user
    (a submitted card recommends "yes" unless told otherwise: submitting needs a recommendation)."""

    def write(
        candidate: Candidate,
        interviewer: User,
        ratings: dict[str, int | None],
        *,
        submit: bool = True,
        **fields: Any,
    ):
        if submit:
            fields.setdefault("recommendation", "yes")
        data = ScorecardIn(ratings=ratings, submit=submit, **fields)
        card = scorecards.save_card(
            candidate.id or 0, data, viewer=viewer_of(interviewer, db), session=db
        )
        db.commit()
        return card

    return write


@pytest.fixture
def client_for(app: Flask) -> Callable[[User], FlaskClient]:
    """client_for(user) -> a new browser-like client logged in as that user, so one test can
    act as several people side by side."""

    def make(user: User) -> FlaskClient:
        client = app.test_client()
        response = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return client

    return make
