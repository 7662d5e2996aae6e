"""Helpers for the security checklist (issue 5): a full snapshot of the database's rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from hiring.access import POLICY_ATTR
from hiring.accounts import service as accounts
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


@pytest.fixture
def caller(app, db, make_user, make_opening, make_candidate, make_member, make_work_item):
    """An API client of a user holding every role, who manages an opening and sits on its
    panel, and the ids to fill into the API's paths: every body-taking route is open to it."""
    user = make_user(*ROLES)
    opening = make_opening(manager=user, panel=[user])
    ids = {
        "member_id": make_member().id,
        "item_id": make_work_item().id,
        "opening_id": opening.id,
        "candidate_id": make_candidate(opening).id,
        "user_id": user.id,  # a panelist: focus areas and interview dates
        "key": "data",  # an area's guide
        "source": "jira",  # a tracker's import mapping
    }
    token = accounts.create_token(user.id, "security", session=db)
    db.commit()
    client = app.test_client(use_cookies=False)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client, ids
