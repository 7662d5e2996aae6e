"""Reading a Jira, Linear or GitHub CSV export into `ExportRow`s, as the tracker wrote them.

Nothing here knows areas or mappings: the reader only finds the columns (`team.importers.layout`),
splits the records and refuses what cannot be read, so that the same file always reads the same
whatever the mapping. Cells are kept as written, trimmed; unlike our own files (team.csvio), a
tracker's export has no apostrophe of ours to take off.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter

from team.importers import github, jira, linear
from team.importers.export import (
    MAX_KEY_LENGTH,
    MAX_ROWS,
    SOURCES,
    ExportFile,
    ExportFormatError,
    ExportRow,
)
from team.importers.layout import Layout, fold

BOM = "\ufeff"  # team.csvio.BOM, not imported: team.csvio pulls in the database models

LAYOUTS: dict[str, Layout] = {
    layout.source: layout for layout in (jira.LAYOUT, linear.LAYOUT, github.LAYOUT)
}

# A record read: the row, or the problems that keep it from being one.
RowOrProblems = ExportRow | tuple[str, ...]

_NOT_AN_EXPORT = (
    "not a Jira, Linear or GitHub export: the header has neither 'Issue key' and 'Summary' "
    "(Jira), nor 'ID' and 'Title' (Linear), nor 'Title' and 'URL' (GitHub)"
)


@dataclass(frozen=True)
class _Columns:
    """Where a layout's columns are in one file's header, found once for all its rows. A column
    the file lacks is at `width`, where every record gets an empty cell (see `_row_reader`)."""

    width: int
    key: int
    key_name: str
    title: int
    status: int
    assignee: int
    estimates: tuple[tuple[int, str], ...]
    values: tuple[tuple[str, int, bool], ...]
    state: tuple[int, ...]


def detect(header: Sequence[str]) -> str | None:
    """Which tracker wrote a file with this header, from the columns only that tracker writes,
    so that a user need not say; None when it is none of them (our own format, for one)."""
    names = {fold(name.removeprefix(BOM)) for name in header}
    if "issue key" in names and "summary" in names:
        return "jira"
    if "id" in names and "title" in names:
        return "linear"
    if "title" in names and "url" in names:
        return "github"
    return None


def read_export(
    text: str,
    source: str | None = None,
    *,
    estimate_column: str | None = None,
    max_rows: int = MAX_ROWS,
) -> ExportFile:
    """Read a tracker's CSV export: the rows that can be read, and by line the ones that cannot.

    `source` ("jira", "linear" or "github") is detected from the header when not given.
    `estimate_column` names the only column to read estimates from (GitHub projects name their
    number field freely). Raises ExportFormatError when the file as a whole cannot be used: it is
    empty, not an export of that tracker, lacks a column named, cannot be split as CSV, or has
    more than `max_rows` rows.
    """
    records = _records(text.removeprefix(BOM))
    first = next(records, None)
    if first is None:
        raise ExportFormatError(["the file is empty"])
    header = tuple(first[1])
    layout = LAYOUTS[_source(header, source)]
    columns = _columns(layout, header, estimate_column)
    read_row = _row_reader(layout, columns)
    rows: list[ExportRow] = []
    errors: dict[int, tuple[str, ...]] = {}
    for count, (line, cells) in enumerate(records):
        if count >= max_rows:
            raise ExportFormatError([f"the file has more than {max_rows:,} rows; split it up"])
        row = read_row(line, cells)
        if isinstance(row, ExportRow):
            rows.append(row)
        else:
            errors[line] = row
    if not rows and not errors:
        raise ExportFormatError(["the file has a header but no rows"])
    return ExportFile(source=layout.source, columns=header, rows=tuple(rows), errors=errors)


def _source(header: Sequence[str], source: str | None) -> str:
    """The source named, or the one the header shows; refuse a source we do not read."""
    if source is None:
        detected = detect(header)
        if detected is None:
            raise ExportFormatError([_NOT_AN_EXPORT])
        return detected
    if source not in LAYOUTS:
        raise ExportFormatError(
            [f"unknown source '{source}' (the sources are: {', '.join(SOURCES)})"]
        )
    return source


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on. Strict quoting, so that a quote left open
    is refused on the line it opens rather than swallowing the rest of the file into one cell."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous_end = 0
    while True:
        line = previous_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ExportFormatError([f"line {line}: cannot be read as CSV ({error})"]) from None
        previous_end = reader.line_num
        # any() first: it skips empty records without building a string.
        if any(cells) and not "".join(cells).isspace():
            yield line, cells


def _columns(layout: Layout, header: Sequence[str], estimate_column: str | None) -> _Columns:
    """Find the layout's columns in the header; refuse a header without the key, the title or
    the estimate column named, naming each missing one."""
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        positions.setdefault(fold(name), []).append(index)

    def first(name: str) -> int | None:
        """The column of that name, the first if repeated: key and title are read once."""
        found = positions.get(fold(name))
        return found[0] if found else None

    def at_or_past_end(name: str) -> int:
        """The column of that name, or the empty cell past the header when there is none."""
        found = first(name)
        return len(header) if found is None else found

    key, title = first(layout.key), first(layout.title)
    problems = [
        f"missing column '{name}', which every {layout.label} export has"
        for name, index in ((layout.key, key), (layout.title, title))
        if index is None
    ]
    wanted: tuple[str, ...] = layout.estimates
    if estimate_column is not None and estimate_column.strip():
        wanted = (estimate_column,)
        if first(estimate_column) is None:
            problems.append(f"missing column '{estimate_column.strip()}', named for the estimate")
    elif layout.first_estimate_only:
        wanted = tuple(name for name in layout.estimates if first(name) is not None)[:1]
    if problems or key is None or title is None:
        raise ExportFormatError(problems)
    folded = {fold(name) for name in wanted}
    estimates = tuple(
        (index, name.strip()) for index, name in enumerate(header) if fold(name) in folded
    )
    values = tuple(
        (value.kind, index, value.split)
        for value in layout.values
        for index in positions.get(fold(value.column), [])
    )
    return _Columns(
        width=len(header),
        key=key,
        key_name=header[key].strip(),
        title=title,
        status=at_or_past_end(layout.status),
        assignee=at_or_past_end(layout.assignee),
        estimates=estimates,
        values=values,
        state=tuple(at_or_past_end(name) for name in layout.state_columns),
    )


def _row_reader(layout: Layout, columns: _Columns) -> Callable[[int, list[str]], RowOrProblems]:
    """A function reading one record of this file as a row, or the problems that keep it from
    being one. Made once per file with every index bound, since it runs for up to 100,000 rows:
    cells are taken with itemgetters and trimmed with map, which run in C."""
    width = columns.width
    padding = [""] * (width + 1)
    key_at, title_at, status_at, assignee_at = (
        columns.key,
        columns.title,
        columns.status,
        columns.assignee,
    )
    estimate_names = tuple(name for _, name in columns.estimates)
    estimate_cells = _getter(tuple(at for at, _ in columns.estimates))
    value_kinds = tuple(kind for kind, _, _ in columns.values)
    value_cells = _getter(tuple(at for _, at, _ in columns.values))
    split_kinds = frozenset(kind for kind, _, split in columns.values if split)
    state_cells = _getter(columns.state)
    state_rule, several = layout.state, layout.assignee_list
    first_line: dict[str, int] = {}

    def read(line: int, cells: list[str]) -> RowOrProblems:
        """One record: padded to the header's width plus one empty cell (Linear leaves trailing
        empty cells off; absent columns point past the header), trimmed, then read."""
        count = len(cells)
        if count <= width:
            cells.extend(padding[count:])
        elif "".join(cells[width:]).strip():
            return _problems(columns, line, cells, first_line)
        cells = list(map(str.strip, cells))
        key = cells[key_at]
        if not key or len(key) > MAX_KEY_LENGTH or key in first_line:
            return _problems(columns, line, cells, first_line)
        first_line[key] = line
        status, assignee = cells[status_at], cells[assignee_at]
        values = [pair for pair in zip(value_kinds, value_cells(cells), strict=True) if pair[1]]
        if split_kinds:
            values = _split(values, split_kinds)
        return ExportRow(  # positional: this runs for every row
            line,
            key,
            cells[title_at],
            status,
            state_rule(status, state_cells(cells)),
            tuple(zip(estimate_names, estimate_cells(cells), strict=True)),
            tuple(values),
            _first_of(assignee) if several and "," in assignee else assignee,
        )

    return read


def _getter(indices: tuple[int, ...]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """The cells at these indices as a tuple, whatever their number (itemgetter alone gives a
    bare cell for one index and cannot take none)."""
    if len(indices) > 1:
        return itemgetter(*indices)
    if indices:
        (only,) = indices
        return lambda cells: (cells[only],)
    return lambda cells: ()


def _split(values: list[tuple[str, str]], split_kinds: frozenset[str]) -> list[tuple[str, str]]:
    """Values with the cells that list several (Linear's and GitHub's labels) split on commas,
    trimmed, empty parts left out, in the order written."""
    found: list[tuple[str, str]] = []
    for kind, cell in values:
        if kind in split_kinds and "," in cell:
            found.extend((kind, value) for part in cell.split(",") if (value := part.strip()))
        else:
            found.append((kind, cell))
    return found


def _problems(
    columns: _Columns, line: int, cells: Sequence[str], first_line: dict[str, int]
) -> tuple[str, ...]:
    """Why a record cannot be a row: cells past the header, or a key that is empty, too long or
    seen before (refused on the later line, naming the first, since items match on their key)."""
    problems: list[str] = []
    width, name = columns.width, columns.key_name
    if len(cells) > width and "".join(cells[width:]).strip():
        problems.append(f"has {len(cells)} cells but the header has {width} columns")
    key = cells[columns.key].strip()
    if not key:
        problems.append(f"{name}: may not be empty")
    elif len(key) > MAX_KEY_LENGTH:
        problems.append(f"{name}: may be at most {MAX_KEY_LENGTH} characters")
    elif key in first_line:
        problems.append(f"{name}: '{key}' is also on line {first_line[key]}")
    else:
        first_line.setdefault(key, line)
    return tuple(problems)


def _first_of(names: str) -> str:
    """Of several assignees (GitHub), the first, who is taken to lead the work."""
    return next((name.strip() for name in names.split(",") if name.strip()), "")
