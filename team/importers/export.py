"""What reading a tracker's CSV export gives: its rows as the tracker wrote them, and the problems.

Kept apart from the readers so that the mapping (`team.importers.mapping`) and the import service
can name these types without importing any reader.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

SOURCES: tuple[str, ...] = ("jira", "linear", "github")
# Tracker exports are whole backlogs, ten times the size our own work items files may have
# (team.csvio.MAX_ROWS); the readers stay linear in the rows, so this is about memory, not time.
MAX_ROWS = 100_000
# The longest external key the database keeps (team.models.WorkItem.external_key): a longer one
# is refused on its row rather than by the database, which would refuse the whole file.
MAX_KEY_LENGTH = 300


class ExportFormatError(ValueError):
    """The file as a whole cannot be read (empty, not an export we know, too long): none of it is
    used. The same shape as team.csvio.CsvFileError, so that callers show both alike."""

    def __init__(self, messages: Sequence[str]):
        """Keep every message: a header can lack several columns at once."""
        super().__init__("; ".join(messages))
        self.messages = tuple(messages)


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One record of an export, with the cells the import needs, as the tracker wrote them.

    `line` is the physical line the record starts on (the header is line 1): a quoted newline
    in a description makes a record span several lines. `state` is the tracker's own notion of
    done or started ("done", "in_progress" or "planned"); the mapping may add done statuses.
    `estimates` holds every estimate column of the file, empty cells included, in header order;
    `values` the components, labels, team and project, in the order they are looked up.
    """

    line: int
    key: str
    title: str
    status: str
    state: str
    estimates: tuple[tuple[str, str], ...]
    values: tuple[tuple[str, str], ...]
    assignee: str


@dataclass(frozen=True)
class ExportFile:
    """A whole export: which tracker wrote it, its header, the rows read and the rows refused."""

    source: str
    columns: tuple[str, ...]
    rows: tuple[ExportRow, ...]
    errors: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
