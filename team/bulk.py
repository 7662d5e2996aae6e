"""Many rows in few statements, on SQLite and PostgreSQL: what a 100,000-row import writes.

An ORM flush per row made a big file take minutes. Here a table gets its rows in one of two ways:
- PostgreSQL: `COPY ... FROM STDIN` (psycopg's copy) of text made here a column at a time
  (`copy_text`), the fastest way in; when the caller needs the new ids, they are taken from the
  table's sequence first, in one query, and sent with the rows, so no RETURNING is needed.
- SQLite: one `executemany` of the rows. New ids: SQLite gives each inserted row the next rowid
  after the largest one, and the caller's transaction holds the only write lock, so the rows get
  one run of consecutive ids ending at `last_insert_rowid()`, in their order (checked: a gap would
  mean the rule does not hold, and the import is refused rather than mislinked).

Everything runs on the session's connection, inside the caller's transaction.

A `Batch` runs a whole import's statements in order. On PostgreSQL it hands them to a thread of
its own: the server checks and stores one chunk (its foreign keys, indexes and WAL were half of a
100,000-member import's time) while Python checks and prepares the next, where one waited for
the other before. On SQLite, an in-process database, they run at once.
"""

from __future__ import annotations

import json
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from datetime import date, datetime
from itertools import repeat
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Executable, Table, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

# Statements a `Batch` holds before its caller waits: a few chunks' rows in memory at most.
DEPTH = 8
# New ids a `Batch` reserves at a time, ahead of need (one chunk of an import's new members).
ID_BLOCK = 1000


def insert_rows(
    table: Table, rows: Sequence[Mapping[str, Any]], *, session: Session, ids: bool = False
) -> list[int]:
    """Insert `rows` (dicts with the same keys) into `table`; with `ids`, return the new rows'
    `id`s in the order of `rows` (else an empty list)."""
    if not rows:
        return []
    connection = session.connection()
    with _refused(connection, table):
        if connection.dialect.name == "postgresql":
            new_ids = _next_ids(connection, table, len(rows)) if ids else []
            _copy(table, _columns(rows, new_ids), copy_text(rows, new_ids), connection)
            return new_ids
        return _sqlite(table, rows, connection, ids=ids)


class _refused:
    """The driver's own IntegrityError raised as SQLAlchemy's: callers (e.g.
    `team.imports.common.write_all`) roll back and say the data changed meanwhile."""

    def __init__(self, connection: Connection, table: Table) -> None:
        self.driver_error = connection.dialect.loaded_dbapi.IntegrityError
        self.table = table

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, error: BaseException | None, _: Any) -> None:
        if error is not None and isinstance(error, self.driver_error):
            raise IntegrityError(f"bulk insert into {self.table.name}", None, error) from error


def runs_beside(session: Session) -> bool:
    """Whether a `Batch` on this session runs its statements beside its caller (PostgreSQL,
    a server of its own) rather than at once (SQLite, in this process)."""
    return session.get_bind().dialect.name == "postgresql"


class Batch:
    """One bulk write's statements, run in the order given on the session's connection, in its
    transaction. On PostgreSQL a thread of its own runs them, at most `DEPTH` behind the caller,
    and new ids come from the table's sequence a block ahead of need (so the caller never waits
    for the statements before); on SQLite each runs when given.

    Between opening and closing, only the batch may use the connection. What the database
    refuses (as SQLAlchemy's IntegrityError where it is one) is raised by the call that gave the
    statement or by a later one, `finish` at the latest (on PostgreSQL the statement runs after
    its call has returned); no statement after it runs. Close the batch with `finish` (waits for
    every statement) or `abandon` (waits, raises nothing: the caller rolls back); as a context
    manager, an exception in the block abandons it.
    """

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()
        self.threaded = runs_beside(session)
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue(DEPTH)
        self._reserved: dict[str, deque[int]] = {}
        self._pending: dict[str, Future[list[int]]] = {}
        self._failed: BaseException | None = None
        self._open = True
        self._thread: threading.Thread | None = None
        if self.threaded:
            self._thread = threading.Thread(target=self._run, name="bulk-batch", daemon=True)
            self._thread.start()

    def __enter__(self) -> Batch:
        return self

    def __exit__(
        self, kind: type | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if error is None:
            self.finish()
        else:
            self.abandon()

    def insert(
        self, table: Table, rows: Sequence[Mapping[str, Any]], *, ids: bool = False
    ) -> list[int]:
        """Insert `rows` as `insert_rows` does; with `ids`, their new ids now (the rows may
        still be on their way)."""
        self._check_open()
        if not rows:
            return []
        if not self.threaded:
            with _refused(self.connection, table):
                return _sqlite(table, rows, self.connection, ids=ids)
        new_ids = self._take_ids(table, len(rows)) if ids else []
        columns, data = _columns(rows, new_ids), copy_text(rows, new_ids)

        def copy() -> None:
            with _refused(self.connection, table):
                _copy(table, columns, data, self.connection)

        self._submit(copy)
        return new_ids

    def execute(self, statement: Executable, parameters: Any = None) -> None:
        """Run a statement (an UPDATE or a DELETE) in its turn."""
        self._check_open()
        if not self.threaded:
            self.connection.execute(statement, parameters)
            return
        self._submit(lambda: self.connection.execute(statement, parameters))

    def finish(self) -> None:
        """Wait for every statement; raise the first the database refused."""
        self._close()
        if self._failed is not None:
            raise self._failed

    def abandon(self) -> None:
        """Wait for the statements under way and run no more (the caller rolls back)."""
        if self._failed is None:
            self._failed = _Abandoned()
        self._close()

    def _check_open(self) -> None:
        if not self._open:
            raise RuntimeError("the batch is closed")
        if self._failed is not None:
            raise self._failed

    def _close(self) -> None:
        self._open = False
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None

    def _submit(self, job: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        self._jobs.put((job, future))
        return future

    def _run(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, future = item
            if self._failed is not None:  # after a refusal, nothing more is run
                future.set_exception(self._failed)
                continue
            try:
                future.set_result(job())
            except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
                self._failed = error
                future.set_exception(error)

    def _take_ids(self, table: Table, count: int) -> list[int]:
        """`count` new ids of `table`, from blocks reserved ahead (a sequence's values are
        never given twice; ones left unused are a gap, as after any rollback)."""
        reserved = self._reserved.setdefault(table.name, deque())
        while len(reserved) < count:
            if table.name not in self._pending:
                self._reserve(table, max(count - len(reserved), ID_BLOCK))
            reserved.extend(self._pending.pop(table.name).result())
        taken = [reserved.popleft() for _ in range(count)]
        if table.name not in self._pending and len(reserved) < ID_BLOCK:
            self._reserve(table, ID_BLOCK)
        return taken

    def _reserve(self, table: Table, count: int) -> None:
        self._pending[table.name] = self._submit(lambda: _next_ids(self.connection, table, count))


class _Abandoned(Exception):
    """What statements still queued when a batch is abandoned are answered with."""


def _sqlite(
    table: Table, rows: Sequence[Mapping[str, Any]], connection: Connection, *, ids: bool
) -> list[int]:
    """SQLite: one `executemany` of plain tuples, values converted by the columns' own types.

    SQLAlchemy's multi-row INSERT converted every value through Python code on each row, which
    took most of the time; here a value that repeats (the import's timestamp) is converted once.
    With `ids`, the run of new ids ends at `last_insert_rowid()` and is checked to be whole.
    """
    columns = list(rows[0])
    converters = [_converter(table, name, connection.dialect) for name in columns]
    if all(convert is None for convert in converters):
        values = [tuple(row[name] for name in columns) for row in rows]
    else:
        pairs = list(zip(columns, converters, strict=True))
        values = [
            tuple(row[name] if convert is None else convert(row[name]) for name, convert in pairs)
            for row in rows
        ]
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" * len(columns))
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', values)
        if not ids:
            return []
        last = cursor.execute("SELECT last_insert_rowid()").fetchone()[0]
        first = last - len(rows) + 1
        count = cursor.execute(
            f'SELECT count(*) FROM "{table.name}" WHERE id BETWEEN ? AND ?', (first, last)
        ).fetchone()[0]
    finally:
        cursor.close()
    if count != len(rows):
        raise RuntimeError(f"{table.name}: the new ids are not consecutive; nothing written")
    return list(range(first, last + 1))


def _converter(table: Table, name: str, dialect: Any) -> Any:
    """How the column `name` stores a Python value (its type's bind processor, then sqlite3's
    own adapter for dates), or None when values go in as they are. The stored form of a
    hashable value is remembered: an import's rows share one timestamp."""
    process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
    seen: dict[Any, Any] = {}

    def stored(value: Any) -> Any:
        value = process(value) if process is not None else value
        # What sqlite3 would do with it (its default adapters, deprecated since Python 3.12),
        # done here once per distinct value; the stored text is the same either way.
        if isinstance(value, datetime):
            return value.isoformat(" ")
        if isinstance(value, date):
            return value.isoformat()
        return value

    def convert(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, dict | list):
            return stored(value)
        if value not in seen:
            seen[value] = stored(value)
        return seen[value]

    column_type = table.c[name].type.python_type if _has_python_type(table, name) else None
    if process is None and column_type not in (datetime, date):
        return None
    return convert


def _has_python_type(table: Table, name: str) -> bool:
    try:
        table.c[name].type.python_type  # noqa: B018
    except NotImplementedError:
        return False
    return True


def _columns(rows: Sequence[Mapping[str, Any]], ids: Sequence[int]) -> list[str]:
    """The columns `copy_text` writes: `id` first when ids are given, then the rows' keys."""
    return ["id", *rows[0]] if ids else list(rows[0])


def _next_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """PostgreSQL: `count` new ids from the table's sequence, in one query."""
    sequence = connection.execute(
        text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
    ).scalar_one()
    return [
        row[0]
        for row in connection.execute(
            text("SELECT nextval(CAST(:sequence AS regclass)) FROM generate_series(1, :n)"),
            {"sequence": sequence, "n": count},
        )
    ]


def copy_text(rows: Sequence[Mapping[str, Any]], ids: Sequence[int] = ()) -> str:
    """The rows (dicts with the same keys, in the same order), with the given ids (if any) as
    their first column, in COPY's text format: a line a row, a tab between values, `\\N` for
    null, and a backslash before a backslash, newline, carriage return or tab in a value.

    Made in the caller's thread, so that a `Batch`'s own thread only sends it and waits for the
    server: formatting there took half of that thread's time, while the server waited.
    """
    formatted = [_copy_column([row[name] for row in rows]) for name in rows[0]]
    if ids:
        formatted.insert(0, list(map(str, ids)))
    return "".join(f"{line}\n" for line in map("\t".join, zip(*formatted, strict=True)))


def _copy_column(values: list[Any]) -> Iterable[str]:
    """One column's values in COPY's text format, a column at a time: a column of one plain
    type (ids, levels, names) is turned by one C-level `map` rather than value by value."""
    kinds = set(map(type, values))
    if kinds == {int}:
        return map(str, values)
    if kinds == {str}:
        return map(str.translate, values, repeat(_ESCAPES))
    if len(kinds) == 1 and len(values) > 1 and values.count(values[0]) == len(values):
        return [_copy_value(values[0])] * len(values)  # e.g. an import's one timestamp
    return map(_copy_value, values)


_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _copy_value(value: Any) -> str:
    """One value in COPY's text format, as PostgreSQL reads it into its column: JSON columns
    as JSON text, moments and days in ISO 8601."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value).translate(_ESCAPES)
    return str(value).translate(_ESCAPES)


def _copy(table: Table, columns: Sequence[str], data: str, connection: Connection) -> None:
    """PostgreSQL: one COPY of rows already in COPY's text format (`copy_text`)."""
    names = ", ".join(f'"{name}"' for name in columns)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:  # type: ignore[union-attr]
        copy.write(data)
