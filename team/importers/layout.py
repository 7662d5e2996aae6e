"""Where each tracker keeps what an import needs: one `Layout` per export format.

A layout names columns as the tracker writes them; the reader compares names trimmed and
without regard to case, because exports edited in a spreadsheet come back with other spellings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

DONE = "done"
IN_PROGRESS = "in_progress"
PLANNED = "planned"

# The kinds of values that can tell a row's area, in the order they are looked up (API.md).
VALUE_KINDS: tuple[str, ...] = ("components", "labels", "team", "project")

# A tracker's notion of a row's state, from its status and the cells of the layout's
# `state_columns` in that order (trimmed; "" where the file has no such column).
StateRule = Callable[[str, Sequence[str]], str]


@dataclass(frozen=True)
class ValueColumn:
    """A column holding values that may tell a row's area: of which kind, and whether one cell
    holds several values separated by commas (Linear's and GitHub's labels) or just one."""

    kind: str
    column: str
    split: bool = False


@dataclass(frozen=True)
class Layout:
    """The columns of one tracker's export and its rule for a row's state.

    `key` and `title` must be in the header. `estimates` are the columns that may hold an
    estimate: every one present counts, unless `first_estimate_only` (GitHub, whose projects name
    their number field freely and may also have a T-shirt `Size`), where only the first of them
    found in the header does. `assignee_list`: the assignee cell lists several, comma-separated.
    """

    source: str
    label: str
    key: str
    title: str
    state: StateRule
    status: str = "Status"
    assignee: str = "Assignee"
    assignee_list: bool = False
    estimates: tuple[str, ...] = ()
    first_estimate_only: bool = False
    values: tuple[ValueColumn, ...] = ()
    state_columns: tuple[str, ...] = ()


def fold(name: str) -> str:
    """A column name, status or value as compared: trimmed and case-folded, since exports and
    users spell them with other cases and stray spaces."""
    return name.strip().casefold()


def status_state(status: str, done: frozenset[str], started: frozenset[str]) -> str:
    """The state a status name means, when a tracker tells no more than its status (`done` and
    `started` are folded names)."""
    name = fold(status)
    if name in done:
        return DONE
    if name in started:
        return IN_PROGRESS
    return PLANNED
