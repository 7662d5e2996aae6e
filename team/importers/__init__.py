"""Reading the CSV exports of Jira, Linear and GitHub projects as planned work (API.md, "Imports
of planned work also read the CSV exports of Jira, Linear and GitHub").

Pure: text in, rows out. `read_export` turns a file into the rows as the tracker wrote them;
`team.importers.mapping` turns those rows into work items by the user's mapping of components,
labels, teams and projects to areas. The import service validates the result and writes it.
One module per export format (`jira`, `linear`, `github`) says where that tracker keeps what.
"""

from team.importers.export import (
    MAX_KEY_LENGTH,
    MAX_ROWS,
    SOURCES,
    ExportFile,
    ExportFormatError,
    ExportRow,
)
from team.importers.reader import detect, read_export

__all__ = [
    "MAX_KEY_LENGTH",
    "MAX_ROWS",
    "SOURCES",
    "ExportFile",
    "ExportFormatError",
    "ExportRow",
    "detect",
    "read_export",
]
