"""Helpers for the API tests: row counts that see other sessions' writes, and raw tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from hiring.accounts import service as accounts


@pytest.fixture
def count(db: Session) -> Callable[[type], int]:
    """count(Table) -> rows now in the table, read in a fresh transaction.

    The test's session would otherwise keep reading its own snapshot (and, on SQLite, keep a
    write lock the app's request would wait for).
    """

    def rows(table: type) -> int:
        db.rollback()
        found = db.exec(select(func.count()).select_from(table)).one()
        db.rollback()
        return int(found)

    return rows


@pytest.fixture
def token_for(db: Session) -> Callable[[Any], str]:
    """token_for(user) -> a new raw API token of that user."""

    def make(user: Any) -> str:
        token = accounts.create_token(user.id, "test", session=db)
        db.rollback()
        return token

    return make


@pytest.fixture
def bearer(app: Flask) -> Callable[[str], FlaskClient]:
    """bearer(token) -> a cookie-less client whose requests carry that token."""

    def make(token: str) -> FlaskClient:
        client = app.test_client(use_cookies=False)
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return make


@pytest.fixture
def api_as(
    token_for: Callable[[Any], str], bearer: Callable[[str], FlaskClient]
) -> Callable[[Any], FlaskClient]:
    """api_as(user) -> a bearer client acting as that user: hiring tests need to know who is on
    which panel, which `api(*roles)` (a fresh, unnamed user) cannot say."""

    def make(user: Any) -> FlaskClient:
        return bearer(token_for(user))

    return make
