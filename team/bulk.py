"""Many rows in few statements, on SQLite and PostgreSQL: what a 100,000-row import writes.

An ORM flush per row made a big file take minutes. Here a table gets its rows in one of two ways:
- PostgreSQL: `COPY ... FROM STDIN` (psycopg's copy), the fastest way in; when the caller needs
  the new ids, they are taken from the table's sequence first, in one query, and sent with the
  rows, so no RETURNING is needed.
- SQLite: one `executemany` of the rows. New ids: SQLite gives each inserted row the next rowid
  after the largest one, and the caller's transaction holds the only write lock, so the rows get
  one run of consecutive ids ending at `last_insert_rowid()`, in their order (checked: a gap would
  mean the rule does not hold, and the import is refused rather than mislinked).

Everything runs on the session's connection, inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session


def insert_rows(
    table: Table, rows: Sequence[Mapping[str, Any]], *, session: Session, ids: bool = False
) -> list[int]:
    """Insert `rows` (dicts with the same keys) into `table`; with `ids`, return the new rows'
    `id`s in the order of `rows` (else an empty list)."""
    if not rows:
        return []
    connection = session.connection()
    try:
        if connection.dialect.name == "postgresql":
            return _copy(table, rows, session=session, ids=ids)
        return _sqlite(table, rows, session=session, ids=ids)
    except connection.dialect.loaded_dbapi.IntegrityError as error:
        # The driver's own error, as SQLAlchemy would have raised it: callers (e.g.
        # `team.imports.common.write_all`) roll back and say the data changed meanwhile.
        raise IntegrityError(f"bulk insert into {table.name}", None, error) from error


def _sqlite(
    table: Table, rows: Sequence[Mapping[str, Any]], *, session: Session, ids: bool
) -> list[int]:
    """SQLite: one `executemany` of plain tuples, values converted by the columns' own types.

    SQLAlchemy's multi-row INSERT converted every value through Python code on each row, which
    took most of the time; here a value that repeats (the import's timestamp) is converted once.
    With `ids`, the run of new ids ends at `last_insert_rowid()` and is checked to be whole.
    """
    connection = session.connection()
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


def _copy(
    table: Table, rows: Sequence[Mapping[str, Any]], *, session: Session, ids: bool
) -> list[int]:
    """PostgreSQL: ids from the sequence (when wanted), then one COPY of every row."""
    connection = session.connection()
    columns = list(rows[0])
    new_ids: list[int] = []
    if ids:
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        ).scalar_one()
        new_ids = [
            row[0]
            for row in connection.execute(
                text("SELECT nextval(CAST(:sequence AS regclass)) FROM generate_series(1, :n)"),
                {"sequence": sequence, "n": len(rows)},
            )
        ]
    names = ", ".join(f'"{name}"' for name in (["id", *columns] if ids else columns))
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:  # type: ignore[union-attr]
        for index, row in enumerate(rows):
            values = [_cell(row[key]) for key in columns]
            copy.write_row([new_ids[index], *values] if ids else values)
    return new_ids


def _cell(value: Any) -> Any:
    """A value as COPY's text format takes it: JSON columns as JSON text."""
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value
