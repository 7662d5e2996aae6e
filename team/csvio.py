"""Reading and writing the team's CSV files (API.md, "CSV"), without touching the database.

Two formats: members (`name,email,title,fte,<area key>...,<skill key>...,start_date,end_date`)
and work items (`title,area,points,status,skills,assignee`). Files are UTF-8 with or without a
byte order mark. Exports are made to be opened in a spreadsheet, so every cell that a
spreadsheet would run as a formula is neutralised with a leading apostrophe (OWASP, "CSV
Injection"); reading takes that apostrophe off again, so an exported file imports back to the
same data.

This module only turns text into cells and cells into text; which rows are valid and what they
do to the team is decided in `team.imports`, with the schemas and services the forms and API use.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from team.levels import LEVEL_NAMES, parse_level
from team.schemas import MemberPublic, WorkItemPublic

BOM = "\ufeff"
MAX_ROWS = 100_000

MEMBER_COLUMNS: tuple[str, ...] = ("name", "email", "title", "fte")
# After the area and skill columns, so that files written before them still read the same.
MEMBER_DATE_COLUMNS: tuple[str, ...] = ("start_date", "end_date")
MEMBER_REQUIRED: tuple[str, ...] = ("name", "email")
# `assignee` (a member's email) last, so that files written before it still read the same.
WORK_COLUMNS: tuple[str, ...] = ("title", "area", "points", "status", "skills", "assignee")
WORK_REQUIRED: tuple[str, ...] = ("title", "area", "points")
# The fixed column names of both formats: no area or skill key may be one of them (team.areas),
# or a header could not say whether a column is a level or a member's field.
RESERVED_COLUMNS = frozenset((*MEMBER_COLUMNS, *MEMBER_DATE_COLUMNS, *WORK_COLUMNS))
_MEMBER_FIXED = frozenset((*MEMBER_COLUMNS, *MEMBER_DATE_COLUMNS))
SKILL_SEPARATOR = ";"

# A spreadsheet runs a cell as a formula when it starts with one of these (tab and CR too, since
# some spreadsheets strip them first); `starts_formula` below is the whole rule. Cells that start
# with apostrophes followed by a formula get one more apostrophe, so that taking one off on import
# gives back exactly what was exported.
FORMULA_START = "=+-@\t\r"
# Line breaks and other spaces in front of a formula character may be trimmed by a spreadsheet too.
# And lookalikes count as the character itself: spreadsheets read the full-width forms that East
# Asian keyboards type (＝ ＋ － ＠), the small forms (﹦ ﹢ ﹣ ﹫) and the like as = + - @, so a
# character is compared after Unicode compatibility folding (NFKC), which maps each of them there.
_FORMULA_CHARS = ("=", "+", "-", "@")
_MINUS_SIGN = "\u2212"  # − reads as a minus in some spreadsheets, but NFKC leaves it as it is


def starts_formula(cell: str) -> bool:
    """Whether a spreadsheet could run `cell`, its leading apostrophes left aside, as a formula.

    The one rule: after any leading whitespace and invisible format characters (a byte-order
    mark, zero-width spaces: a spreadsheet may drop them), the first character is, or folds
    (NFKC) to, one of = + - @ (or is the minus sign); or the cell starts with a tab or a line
    break.
    """
    text = cell.lstrip("'")
    if text[:1] in ("\t", "\r", "\n"):
        return True
    start = 0
    while start < len(text) and (
        text[start].isspace() or unicodedata.category(text[start]) == "Cf"
    ):
        start += 1
    text = text[start:]
    if not text:
        return False
    first = text[0]
    return first == _MINUS_SIGN or unicodedata.normalize("NFKC", first)[:1] in _FORMULA_CHARS


class CsvFileError(ValueError):
    """The file as a whole cannot be read (empty, bad header, too long): nothing in it is used."""

    def __init__(self, messages: Sequence[str]):
        """Keep every message: a header can be wrong in several ways at once."""
        super().__init__("; ".join(messages))
        self.messages = tuple(messages)


# Slotted: a 100,000-row file holds one per row.
@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: the line it starts on (the header is line 1) and its cells by column."""

    line: int
    cells: Mapping[str, str]


@dataclass(frozen=True)
class CsvTable:
    """The columns named in the header, the non-blank rows, and rows that could not be split."""

    columns: tuple[str, ...]
    rows: tuple[CsvRow, ...]
    errors: Mapping[int, tuple[str, ...]] = field(default_factory=dict)


def decode_upload(data: bytes) -> str:
    """Bytes of an uploaded file as text: UTF-8, a byte order mark removed.

    Raises ValueError with a message fit to show when the bytes are not UTF-8 text, because a
    wrongly guessed encoding would silently garble names.
    """
    if b"\x00" in data:
        raise ValueError("The file is not a CSV text file (it contains binary data).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"The file is not UTF-8 text (byte {error.start + 1} is not valid UTF-8). "
            "Save it as “CSV UTF-8” and upload it again."
        ) from None


def encode_download(text: str) -> bytes:
    """CSV text as the bytes of a download: UTF-8 with a BOM, so spreadsheets read accents right."""
    return (BOM + text.removeprefix(BOM)).encode("utf-8")


def neutralise(cell: str) -> str:
    """Guard a cell against running as a spreadsheet formula (a leading apostrophe)."""
    return "'" + cell if starts_formula(cell) else cell


def restore(cell: str) -> str:
    """Undo `neutralise`: take one apostrophe off a guarded cell and leave every other as is."""
    return cell[1:] if cell.startswith("'") and starts_formula(cell) else cell


def level_keys(keys: Iterable[str]) -> list[str]:
    """The area or skill keys that are level columns: all of them, but for a key stored before
    it was reserved that names a member field (that column is the field)."""
    return [key for key in keys if key not in _MEMBER_FIXED]


def member_columns(area_keys: Iterable[str], skill_keys: Iterable[str]) -> tuple[str, ...]:
    """Every column a members file may have, in the order the export writes them."""
    levels = (*level_keys(area_keys), *level_keys(skill_keys))
    return (*MEMBER_COLUMNS, *levels, *MEMBER_DATE_COLUMNS)


def read_table(
    text: str, *, required: Sequence[str], known: Collection[str], max_rows: int = MAX_ROWS
) -> CsvTable:
    """Split CSV text into rows of cells keyed by the header's column names.

    Column names are compared trimmed and in lowercase; cells are trimmed and un-neutralised.
    Blank rows are skipped. Raises CsvFileError for problems of the whole file; rows that cannot be
    split cleanly are reported in `errors` by line.
    """
    records = _records(text.removeprefix(BOM))
    first = next(records, None)
    if first is None:
        raise CsvFileError(["the file is empty"])
    columns = tuple(name.strip().lower() for name in first[1])
    _check_header(columns, required, known)
    rows: list[CsvRow] = []
    errors: dict[int, tuple[str, ...]] = {}
    for line, cells in records:
        if len(rows) + len(errors) >= max_rows:
            raise CsvFileError([f"the file has more than {max_rows} rows; split it up"])
        row, problems = _row(line, cells, columns)
        if problems:
            errors[line] = problems
        else:
            rows.append(row)
    if not rows and not errors:
        raise CsvFileError(["the file has a header but no rows"])
    return CsvTable(columns=tuple(c for c in columns if c), rows=tuple(rows), errors=errors)


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on; a quoting error ends the file there."""
    reader = csv.reader(io.StringIO(text, newline=""))
    previous_end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            message = f"line {reader.line_num}: cannot be read as CSV ({error})"
            raise CsvFileError([message]) from None
        line, previous_end = previous_end + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            yield line, cells


def _check_header(columns: Sequence[str], required: Sequence[str], known: Collection[str]) -> None:
    """Refuse a header with missing, unknown or repeated columns, naming each."""
    problems = [f"missing column '{name}'" for name in required if name not in columns]
    seen: set[str] = set()
    for name in columns:
        if not name:
            continue
        if name not in known:
            problems.append(f"unknown column '{name}' (the columns are: {', '.join(known)})")
        elif name in seen:
            problems.append(f"column '{name}' appears more than once")
        seen.add(name)
    if problems:
        raise CsvFileError(problems)


def _row(line: int, cells: Sequence[str], columns: Sequence[str]) -> tuple[CsvRow, tuple[str, ...]]:
    """One record as cells by column; values beyond the header or under a nameless column are
    errors, since we cannot tell what they mean."""
    problems = []
    if any(cell.strip() for cell in cells[len(columns) :]):
        problems.append(f"has {len(cells)} cells but the header has {len(columns)} columns")
    values: dict[str, str] = {}
    for index, name in enumerate(columns):
        cell = restore(cells[index].strip()) if index < len(cells) else ""
        if name:
            values[name] = cell
        elif cell:
            problems.append(f"column {index + 1} has a value but no name in the header")
    return CsvRow(line=line, cells=values), tuple(problems)


def member_fields(
    row: CsvRow, *, area_keys: Collection[str], skill_keys: Collection[str]
) -> tuple[dict[str, object], dict[str, list[str]]]:
    """A members row as schema input (only the columns present) and the cells that are no level.

    An empty level cell means 0; an empty fte cell means "not given" (1 for a new member); an
    empty date cell means no date (it clears a stored one). Dates are checked by the schemas.
    """
    cells = row.cells
    data: dict[str, object] = {"name": cells.get("name", ""), "email": cells.get("email", "")}
    if "title" in cells:
        data["title"] = cells["title"]
    if cells.get("fte"):
        data["fte"] = cells["fte"]
    for column in MEMBER_DATE_COLUMNS:
        if column in cells:
            data[column] = cells[column] or None
    errors: dict[str, list[str]] = {}
    for target, keys in (("levels", level_keys(area_keys)), ("skills", level_keys(skill_keys))):
        levels: dict[str, int] = {}
        for key in keys:
            if key not in cells:
                continue
            try:
                levels[key] = parse_level(cells[key])
            except ValueError as error:
                errors[key] = [f"{error} or a level name ({', '.join(LEVEL_NAMES)})"]
        if any(key in cells for key in keys):
            data[target] = levels
    return data, errors


def work_item_fields(row: CsvRow) -> dict[str, object]:
    """A work items row as schema input: status names read loosely, skills split on `;`."""
    cells = row.cells
    data: dict[str, object] = {"title": cells.get("title", ""), "area": cells.get("area", "")}
    if cells.get("points"):
        data["points"] = cells["points"]
    if cells.get("status"):
        data["status"] = re.sub(r"[\s-]+", "_", cells["status"].strip().lower())
    keys = (key.strip().lower() for key in cells.get("skills", "").split(SKILL_SEPARATOR))
    data["skills"] = list(dict.fromkeys(key for key in keys if key))
    return data


def work_item_assignee(row: CsvRow) -> str:
    """A work items row's assignee as written (trimmed; "" for none). Which member it names,
    if any, is `team.assignees`' question: an unknown one does not make the row wrong."""
    return row.cells.get("assignee", "")


def number(value: float) -> str:
    """A number as a cell: 1 rather than 1.0, and every digit kept so that it reads back equal."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def write_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """CSV text (CRLF line ends, RFC 4180) with every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def write_members(
    members: Iterable[MemberPublic], *, area_keys: Sequence[str], skill_keys: Sequence[str]
) -> str:
    """Members in the import format: every area and every skill as a column, levels as numbers,
    then the start and end dates (ISO, empty for none)."""
    areas, skills = level_keys(area_keys), level_keys(skill_keys)
    rows = (
        [
            m.name,
            m.email,
            m.title,
            number(m.fte),
            *(str(m.levels.get(key, 0)) for key in areas),
            *(str(m.skills.get(key, 0)) for key in skills),
            _day(m.start_date),
            _day(m.end_date),
        ]
        for m in members
    )
    return write_table(member_columns(area_keys, skill_keys), rows)


def write_work_items(items: Iterable[WorkItemPublic]) -> str:
    """Work items in the import format, skills joined with `;`, the assignee's email last."""
    rows = (
        [
            i.title,
            i.area,
            number(i.points),
            i.status,
            SKILL_SEPARATOR.join(i.skills),
            i.assignee or "",
        ]
        for i in items
    )
    return write_table(WORK_COLUMNS, rows)


def example_members(area_keys: Sequence[str], skill_keys: Sequence[str]) -> str:
    """A small members file with the current columns, to download and fill in."""
    people = [
        ("Ada Lovelace", "ada@example.com", "Research scientist", 1.0, (4, 1, 2)),
        ("Grace Hopper", "grace@example.com", "ML engineer", 0.8, (1, 3, 2)),
    ]
    members = [
        MemberPublic(
            id=0,
            name=name,
            email=email,
            title=title,
            fte=fte,
            active=True,
            levels={key: levels[i % len(levels)] for i, key in enumerate(area_keys)},
            skills={key: 2 for key in skill_keys[:1]},
        )
        for name, email, title, fte, levels in people
    ]
    return write_members(members, area_keys=area_keys, skill_keys=skill_keys)


def example_work_items(area_keys: Sequence[str], skill_keys: Sequence[str]) -> str:
    """A small work items file using the current areas and skills."""
    first = area_keys[0] if area_keys else "research"
    last = area_keys[-1] if area_keys else first
    items = [
        WorkItemPublic(
            id=0,
            title="Evaluate the ranking model",
            area=first,
            points=8,
            status="planned",
            skills=list(skill_keys[:1]),
        ),
        WorkItemPublic(
            id=0,
            title="Nightly feature backfill",
            area=last,
            points=3.5,
            status="in_progress",
            skills=[],
        ),
    ]
    return write_work_items(items)
