"""Helpers for the fuzz tests: a snapshot of every stored row, and the API's error contract.

Hypothesis runs many examples against one app and one database per test (the function-scoped
fixtures are made once per test, not per example), so the invariants are relative: a rejected
request leaves the snapshot exactly as it was, whatever earlier examples stored.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlmodel import SQLModel

# The hiring and API fixtures (openings, candidates, cards, token clients) of tests/hiring.
from tests.hiring.api.conftest import api_as, bearer, token_for  # noqa: F401
from tests.hiring.conftest import (  # noqa: F401
    client_for,
    make_candidate,
    make_opening,
    write_card,
)

# Every fuzz test's example count is multiplied by FUZZ_SCALE (default 1: the whole folder
# runs in about a minute on SQLite); a longer CI step or a hunt for bugs sets e.g. 20.
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))


def examples(count: int) -> int:
    """`count` examples, scaled by FUZZ_SCALE."""
    return max(1, round(count * SCALE))


# Rows that change on every authenticated request or login (a token's "last used" time, login
# sessions and throttling records) are bookkeeping, not data a request body can write.
BOOKKEEPING = {"api_token", "login_session", "login_failure"}

# API.md "Errors": the code each status answers with.
ERROR_CODES = {
    400: {"validation_error"},
    401: {"unauthorized"},
    403: {"forbidden"},
    404: {"not_found"},
    405: {"method_not_allowed"},
    409: {"conflict"},
    413: {"too_large"},
    415: {"unsupported_media_type"},
    422: {"validation_error"},
}

Snapshot = dict[str, list[tuple[Any, ...]]]

# Tracebacks the app logged (its 500 handler logs one), so a failing example shows the cause.
LOGGED: list[str] = []


class _Keep(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            LOGGED.append("".join(traceback.format_exception(*record.exc_info))[-4000:])


@pytest.fixture(autouse=True)
def keep_tracebacks(app: Flask) -> Iterator[None]:
    """Keep what the app logs with a traceback for the failure message of a 5xx."""
    handler = _Keep(logging.ERROR)
    app.logger.addHandler(handler)
    LOGGED.clear()
    yield
    app.logger.removeHandler(handler)


@pytest.fixture
def snapshot(app: Flask) -> Callable[[], Snapshot]:
    """snapshot() -> every row of every data table, read on a fresh connection.

    A fresh connection (closed at once) sees every commit and holds no lock the app's next
    request would wait for on SQLite.
    """
    engine = app.extensions["engine"]
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in BOOKKEEPING]

    def take() -> Snapshot:
        with engine.connect() as connection:
            found = {
                table.name: sorted(
                    (tuple(row) for row in connection.execute(table.select())), key=repr
                )
                for table in tables
            }
            connection.rollback()
        return found

    return take


def assert_error_shape(response: Any) -> dict[str, Any]:
    """A 4xx answers API.md's error body: `{"error": {"code", "message", "fields"?}}`."""
    status = response.status_code
    assert 400 <= status < 500, (status, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json", (status, response.mimetype)
    body = response.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert error["code"] in ERROR_CODES.get(status, {error["code"]}), (status, error)
    assert isinstance(error["message"], str) and error["message"], error
    for key in ("fields", "rows"):
        if key in error:
            assert isinstance(error[key], dict) and error[key], error
            for name, problems in error[key].items():
                assert isinstance(name, str), error
                assert problems and all(isinstance(p, str) and p for p in problems), error
    assert "Traceback" not in response.get_data(as_text=True)
    return error


def assert_not_server_error(response: Any, sent: Any) -> None:
    """Bad input never gives a 5xx (API.md)."""
    if response.status_code >= 500:
        cause = LOGGED[-1] if LOGGED else "(nothing logged)"
        raise AssertionError(f"{response.status_code} for {sent!r:.1000}\n{cause}")
