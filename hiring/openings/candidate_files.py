"""Reading a `name,email` file of candidates, for the opening page's upload and the API's import.

Only the file's shape is checked here (its header, its values per line); whether the opening takes
them (open, managed by the caller, emails not on it yet) is `service.add_candidates`'s rule, which
names a bad row by its index: `rows_by_line` turns those back into lines of the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from hiring.openings.schemas import CandidateCreate
from team import csvio
from team.schemas import pydantic_fields

HEADER = "name,email"


@dataclass(frozen=True)
class CandidateFile:
    """A file's candidates with the line each is on, and its problems: (line, what is wrong),
    the line None for a problem of the whole file. A file with any problem adds nobody."""

    rows: tuple[tuple[int, CandidateCreate], ...]
    problems: tuple[tuple[int | None, str], ...]

    @property
    def lines(self) -> list[int]:
        """The line of each candidate, in the order `rows` hands them to the service."""
        return [line for line, _ in self.rows]


def read_candidate_upload(data: bytes) -> CandidateFile:
    """An uploaded file's bytes (UTF-8, a BOM allowed), read by `read_candidates`."""
    try:
        text = csvio.decode_upload(data)
    except ValueError as error:
        return CandidateFile((), ((None, str(error)),))
    return read_candidates(text)


def read_candidates(text: str) -> CandidateFile:
    """Parse a `name,email` file (header in any case and order) into candidates by line."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if sorted(header) != ["email", "name"]:
        return CandidateFile((), ((1, f"the header must be exactly the two columns {HEADER}"),))
    reader.fieldnames = header
    rows: list[tuple[int, CandidateCreate]] = []
    problems: list[tuple[int | None, str]] = []
    try:
        for record in reader:
            line = reader.line_num
            if len(rows) + len(problems) >= csvio.MAX_ROWS:
                return CandidateFile(
                    (), ((None, f"The file has more than {csvio.MAX_ROWS:,} candidates."),)
                )
            if None in record:
                problems.append((line, f"more values than the two columns {HEADER}"))
                continue
            try:
                values = {k: (v or "").strip() for k, v in record.items()}
                rows.append((line, CandidateCreate.model_validate(values)))
            except ValidationError as error:
                messages = [f"{k} {m}" for k, ms in pydantic_fields(error).items() for m in ms]
                problems.append((line, "; ".join(messages)))
    except csv.Error as error:
        problems.append((reader.line_num, str(error)))
    if not rows and not problems:
        problems.append((None, "The file has no candidates below its header line."))
    return CandidateFile(tuple(rows) if not problems else (), tuple(problems))


def rows_by_line(fields: Mapping[str, list[str]], lines: Sequence[int]) -> dict[int, list[str]]:
    """A service's problems named by row index (`rows.<i>.email`) as lines of the file, in
    order; problems that name no row are left out."""
    found: dict[int, list[str]] = {}
    for name, messages in fields.items():
        parts = name.split(".")
        if parts[0] == "rows" and len(parts) > 1 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(lines):
                found.setdefault(lines[index], []).extend(messages)
    return dict(sorted(found.items()))
