"""The database engine, without the web framework: the services and the CLI use it too.

SQLite (the default) is set up for a multi-process server: WAL so readers never block the writer,
foreign keys on, a busy timeout, and write transactions that begin with `BEGIN IMMEDIATE`, because
a deferred transaction that reads and then writes fails at once with "database is locked" when
another process wrote in between. Read-only requests (GET, HEAD) keep deferred transactions so
that they never queue behind writers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import create_engine

_write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url` with the SQLite settings above, or a pooled PostgreSQL engine."""
    if url.startswith("sqlite"):
        _create_private_file(url)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"timeout": 30, "check_same_thread": False, "isolation_level": None},
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _create_private_file(url: str) -> None:
    """Create a new SQLite database file readable and writable by its owner only (0600).

    SQLite would create it 0644 (less the umask): readable by every local user, and it holds
    personal data. It gives the `-wal` and `-shm` files the database file's mode, so creating the
    file first, empty (which SQLite reads as an empty database), settles all three. An existing
    file is left as it is: its owner chose its mode.
    """
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return  # in memory, or a URI filename that SQLite opens with its own options
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except (FileExistsError, FileNotFoundError):
        pass  # there already, or no such folder: SQLite opens it or says what is wrong


def _sqlite_on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(connection) -> None:  # noqa: ANN001
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def mark_writes(value: bool) -> Token[bool]:
    """Mark what follows as writes (or reads) until `token` is given to `unmark`: the web
    layer's per-request form of `write_intent`, whose end comes in another callback."""
    return _write_intent.set(value)


def unmark(token: Token[bool]) -> None:
    """End a `mark_writes`; from another context (teardown may run in one), back to writes."""
    try:
        _write_intent.reset(token)
    except ValueError:
        _write_intent.set(True)


@contextmanager
def write_intent(value: bool = True) -> Iterator[None]:
    """Mark the transactions begun inside as writes (or reads) for SQLite's BEGIN mode."""
    token = _write_intent.set(value)
    try:
        yield
    finally:
        _write_intent.reset(token)
