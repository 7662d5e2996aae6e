"""The database engine and the per-request session.

SQLite (the default) is set up for a multi-process server: WAL so readers never block the writer,
foreign keys on, a busy timeout, and write transactions that begin with `BEGIN IMMEDIATE`, because
a deferred transaction that reads and then writes fails at once with "database is locked" when
another process wrote in between. Read-only requests (GET, HEAD) keep deferred transactions so
that they never queue behind writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, g, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

_write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url` with the SQLite settings above, or a pooled PostgreSQL engine."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"timeout": 30, "check_same_thread": False, "isolation_level": None},
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _sqlite_on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(connection) -> None:  # noqa: ANN001
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


@contextmanager
def write_intent(value: bool = True) -> Iterator[None]:
    """Mark the transactions begun inside as writes (or reads) for SQLite's BEGIN mode."""
    token = _write_intent.set(value)
    try:
        yield
    finally:
        _write_intent.reset(token)


def init_app(app: Flask) -> None:
    """Create the engine and give each request its own session, closed at teardown."""
    app.extensions["engine"] = make_engine(app.config["DATABASE_URL"], echo=app.config["SQL_ECHO"])

    @app.before_request
    def _mark_reads() -> None:
        g._write_token = _write_intent.set(request.method not in ("GET", "HEAD", "OPTIONS"))

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()
        token = g.pop("_write_token", None)
        if token is not None:
            try:
                _write_intent.reset(token)
            except ValueError:  # teardown ran in another context: fall back to the default
                _write_intent.set(True)


def get_engine(app: Flask | None = None) -> Engine:
    """The app's engine."""
    from flask import current_app

    return (app or current_app).extensions["engine"]


def get_session() -> Session:
    """The current request's session (one per request, so one commit per use case)."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session
