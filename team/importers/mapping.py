"""Turning a tracker's rows into planned work by the user's mapping (API.md, "Imports of planned
work"): which area each row is in, whether it is done, and how many points it counts.

Pure: the import service loads the mapping and the area keys, calls `mapping_problems` first,
then `apply_mapping`, and refuses the file when the answer has errors or unmapped values.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from team.importers.export import ExportFile, ExportFormatError, ExportRow
from team.importers.layout import DONE, IN_PROGRESS, PLANNED, VALUE_KINDS, fold
from team.importers.reader import LAYOUTS
from team.text import has_control

# The bounds of a work item's title and points (team.schemas ItemTitle and Points), checked here
# so that a row breaking them is reported on its line with the rest, not by the schema later.
MAX_TITLE = 200
MAX_POINTS = 1000.0

SKIPPED_DONE = "done, with no mapped area"
SKIPPED_NO_POINTS = "no estimate and no default points"
NO_VALUES = "no component, label, team or project to tell its area"


@dataclass(frozen=True)
class ImportMapping:
    """The user's reading of one tracker's export, saved per source (team.models.ImportMapping).

    `area_by_value` maps a component, label, team or project name (any case) to an area key;
    `done_statuses` are status names that count as done besides the tracker's own notion;
    `default_points` counts for rows with no estimate (None: such rows are skipped);
    `points_column` is the only estimate column read (None: the first non-empty one).
    """

    area_by_value: Mapping[str, str]
    done_statuses: tuple[str, ...] = ()
    default_points: float | None = None
    points_column: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The mapping as JSON holds it: how it is stored, kept with an upload, and answered."""
        return {
            "area_by_value": dict(self.area_by_value),
            "done_statuses": list(self.done_statuses),
            "default_points": self.default_points,
            "points_column": self.points_column,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImportMapping:
        """A mapping from what `as_dict` gave (a stored row's fields, an upload's options, an
        API body); missing entries read as the empty mapping's."""
        return cls(
            area_by_value=dict(data.get("area_by_value") or {}),
            done_statuses=tuple(data.get("done_statuses") or ()),
            default_points=data.get("default_points"),
            points_column=data.get("points_column") or None,
        )


@dataclass(frozen=True, slots=True)
class MappedRow:
    """A row that becomes a work item: its key in the tracker, title, area key, points, status
    (planned, in_progress or done) and assignee as written ("" for none)."""

    line: int
    key: str
    title: str
    area: str
    points: float
    status: str
    assignee: str


@dataclass(frozen=True)
class Skipped:
    """A row left out on purpose, not refused: done work outside the mapped areas, or work with
    no estimate when no default is set. Listed so that the user sees what was left out."""

    line: int
    key: str
    reason: str


@dataclass(frozen=True)
class UnmappedValue:
    """A value of rows that have no mapped value: what the mapping still needs. `count` is the
    number of such rows having it; `value` is spelled as it first appears."""

    kind: str
    value: str
    count: int


@dataclass(frozen=True)
class MappedFile:
    """The whole file mapped. The service imports `rows` only when `errors` and `unmapped` are
    both empty; rows with unmapped values are in neither `rows` nor `errors`."""

    rows: tuple[MappedRow, ...]
    skipped: tuple[Skipped, ...] = ()
    errors: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    unmapped: tuple[UnmappedValue, ...] = ()
    unestimated: int = 0


def mapping_problems(mapping: ImportMapping, areas: Collection[str]) -> dict[str, list[str]]:
    """What makes a mapping unusable, by field: targets that are not areas, a value mapped to two
    areas, empty names, default points out of range. Empty when the mapping can be applied;
    checked before saving a mapping and before applying one, since areas can be deleted since."""
    problems: dict[str, list[str]] = {}
    targets: dict[str, tuple[str, str]] = {}
    for value, area in mapping.area_by_value.items():
        if not value.strip():
            problems.setdefault("area_by_value", []).append("a value may not be empty")
            continue
        if area not in areas:
            problems.setdefault("area_by_value", []).append(
                f"'{value}' maps to '{area}', which is not an area"
            )
        earlier = targets.setdefault(fold(value), (value, area))
        if earlier[1] != area:
            problems.setdefault("area_by_value", []).append(
                f"'{earlier[0]}' and '{value}' are the same value but map to "
                f"'{earlier[1]}' and '{area}'"
            )
    if any(not status.strip() for status in mapping.done_statuses):
        problems["done_statuses"] = ["a status may not be empty"]
    points = mapping.default_points
    if points is not None and (
        isinstance(points, bool) or not math.isfinite(points) or not 0 < points <= MAX_POINTS
    ):
        problems["default_points"] = [
            f"must be a number greater than 0 and at most {MAX_POINTS:g}, or null"
        ]
    if mapping.points_column is not None and not mapping.points_column.strip():
        problems["points_column"] = ["may not be empty (null reads the first estimate column)"]
    return problems


def apply_mapping(export: ExportFile, mapping: ImportMapping, areas: Collection[str]) -> MappedFile:
    """Map every row of an export: a work item, a skipped row, a row error, or unmapped values.

    In this order: a done row with no mapped area is skipped (finished work elsewhere is no
    concern of the plan); a row with no points (no estimate or 0, and no `default_points`) is
    skipped; any other row is an error when its estimate or title is unusable or it has no value
    at all; a row whose values are all unmapped counts them in `unmapped` and is left out (the
    service refuses the file then, asking for them to be mapped); the rest are `rows`.

    Raises ValueError when `mapping_problems` finds any (the caller checks first: a row must
    never be given an area that does not exist), and ExportFormatError when `points_column`
    names no estimate column of the file (read it with `estimate_column=points_column`).
    """
    problems = mapping_problems(mapping, areas)
    if problems:
        raise ValueError("; ".join(f"{name}: {m}" for name, ms in problems.items() for m in ms))
    _check_points_column(export, mapping.points_column)
    title_column = _title_column(export)
    area_by_value = {fold(value): area for value, area in mapping.area_by_value.items()}
    done_statuses = frozenset(fold(status) for status in mapping.done_statuses)
    points_column = fold(mapping.points_column) if mapping.points_column else None
    rows: list[MappedRow] = []
    skipped: list[Skipped] = []
    errors: dict[int, tuple[str, ...]] = dict(export.errors)
    unmapped: Counter[tuple[str, str]] = Counter()
    spelling: dict[tuple[str, str], str] = {}
    unestimated = 0
    for row in export.rows:
        status = _status(row, done_statuses)
        area = _area(row, area_by_value)
        if area is None and status == DONE:
            skipped.append(Skipped(row.line, row.key, SKIPPED_DONE))
            continue
        row_errors: list[str] = []
        estimate = _points(row, points_column, row_errors)
        points = estimate if estimate is not None else mapping.default_points
        if points is None and not row_errors:
            skipped.append(Skipped(row.line, row.key, SKIPPED_NO_POINTS))
            continue
        row_errors.extend(_title_problems(row.title, title_column))
        if area is None and not row.values:
            row_errors.append(NO_VALUES)
        elif area is None:
            _count_unmapped(row, unmapped, spelling)
        if row_errors:
            errors[row.line] = tuple(row_errors)
        elif area is not None and points is not None:
            unestimated += estimate is None
            mapped = MappedRow(
                row.line, row.key, row.title, area, float(points), status, row.assignee
            )
            rows.append(mapped)
    return MappedFile(
        rows=tuple(rows),
        skipped=tuple(skipped),
        errors=dict(sorted(errors.items())),
        unmapped=_sorted_unmapped(unmapped, spelling),
        unestimated=unestimated,
    )


def _area(row: ExportRow, area_by_value: Mapping[str, str]) -> str | None:
    """The area of the row's first value that the mapping knows, in lookup order (components,
    labels, team, project): a component is the most specific thing a tracker says of an issue."""
    for _, value in row.values:
        area = area_by_value.get(value.strip().casefold())
        if area is not None:
            return area
    return None


def _status(row: ExportRow, done_statuses: frozenset[str]) -> str:
    """The work item status: the tracker's notion, with the user's done statuses added (a team's
    "Won't do" is finished as far as the plan is concerned)."""
    if row.state == DONE or (done_statuses and fold(row.status) in done_statuses):
        return DONE
    return IN_PROGRESS if row.state == IN_PROGRESS else PLANNED


def _points(row: ExportRow, points_column: str | None, problems: list[str]) -> float | None:
    """The row's points from its first non-empty estimate (in `points_column` only, when set);
    None for no estimate or 0, which the default stands in for. An estimate that is no usable
    number is a problem naming the column and the value, since guessing would skew the plan."""
    for column, cell in row.estimates:
        if not cell or (points_column is not None and fold(column) != points_column):
            continue
        try:
            points = float(cell) if "_" not in cell else math.nan
        except ValueError:
            points = math.nan
        if not math.isfinite(points):
            problems.append(f"{column}: '{cell}' is not a number")
        elif points < 0:
            problems.append(f"{column}: '{cell}' may not be negative")
        elif points > MAX_POINTS:
            problems.append(f"{column}: '{cell}' is more than {MAX_POINTS:g} points")
        else:
            return points or None
        return None
    return None


def _title_problems(title: str, column: str) -> list[str]:
    """What keeps a title from being a work item's (team.schemas ItemTitle), named by the
    tracker's column so that the user finds it in their file."""
    if not title:
        return [f"{column}: may not be empty"]
    if len(title) <= MAX_TITLE and title.isprintable():
        return []  # the common case, in C: printable text holds no control character
    problems = []
    if len(title) > MAX_TITLE:
        problems.append(f"{column}: may be at most {MAX_TITLE} characters (it has {len(title)})")
    if has_control(title):
        problems.append(f"{column}: may not contain control characters")
    return problems


def _count_unmapped(
    row: ExportRow, unmapped: Counter[tuple[str, str]], spelling: dict[tuple[str, str], str]
) -> None:
    """Count each value of a row with no mapped value once, merged without regard to case and
    spelled as first seen: these are what the user must still map."""
    merged = {(kind, fold(value)): value for kind, value in reversed(row.values)}
    for name, value in merged.items():
        spelling.setdefault(name, value)
    unmapped.update(merged.keys())


def _sorted_unmapped(
    unmapped: Counter[tuple[str, str]], spelling: Mapping[tuple[str, str], str]
) -> tuple[UnmappedValue, ...]:
    """The unmapped values, the most common first (those are worth mapping first)."""
    order = {kind: index for index, kind in enumerate(VALUE_KINDS)}
    names = sorted(
        unmapped,
        key=lambda name: (-unmapped[name], name[1], spelling[name], order.get(name[0], 0)),
    )
    return tuple(UnmappedValue(name[0], spelling[name], unmapped[name]) for name in names)


def _title_column(export: ExportFile) -> str:
    """The title column as the file spells it (Jira's `Summary`, else `Title`), for messages."""
    name = LAYOUTS[export.source].title
    return next((column.strip() for column in export.columns if fold(column) == fold(name)), name)


def _check_points_column(export: ExportFile, points_column: str | None) -> None:
    """Refuse a mapping's points column that the file has no estimates under: reading every
    row as unestimated would silently count default points for real estimates."""
    if points_column is None or not export.rows:
        return
    if not any(fold(column) == fold(points_column) for column, _ in export.rows[0].estimates):
        raise ExportFormatError(
            [f"points_column: the file has no estimate column '{points_column.strip()}'"]
        )
