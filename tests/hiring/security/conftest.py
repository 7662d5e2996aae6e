"""Helpers for the security checklist (issue 5): a full snapshot of the database's rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from hiring.access import POLICY_ATTR
from hiring.accounts.models import ROLES

# Columns that record a visit rather than a change: a GET may move them and write nothing else.
TOUCHED = {"last_seen_at", "last_used_at"}


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (visit stamps left out), to prove a request wrote nothing."""
    session.rollback()  # a fresh snapshot of what requests committed
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for table in SQLModel.metadata.sorted_tables:
        columns = [column for column in table.columns if column.name not in TOUCHED]
        found = session.execute(select(*columns)).all()
        rows[table.name] = sorted((tuple(row) for row in found), key=repr)
    session.rollback()
    return rows


def policies(app: Flask) -> dict[str, object]:
    """Each endpoint's declared policy: a tuple of roles, or "public"."""
    return {
        endpoint: getattr(view, POLICY_ATTR, None)
        for endpoint, view in app.view_functions.items()
        if endpoint != "static"
    }


@pytest.fixture
def as_everyone(make_user: Callable[..., Any], login: Callable[..., Any]) -> Any:
    """A user holding every role, logged in: every page's policy lets them through."""
    user = make_user(*ROLES)
    login(user)
    return user
