"""CSV import and export of the team and the planned work: one use case per file, all or nothing.

Rows are checked with the same schemas (`team.schemas`) as the forms and the API, so a file can do
nothing that a person typing in the form could not. A preview (`apply=False`) reads the database
and writes nothing; applying writes every row in one transaction, or, if any row is wrong, nothing
at all. Our own formats (`members`, `work`) and the trackers' exports (`trackers`) share the
result types (`common`) and the bulk writer of work items (`bulk`).
"""

from team.imports.common import ImportResult, ImportRow
from team.imports.exports import (
    example_members_csv,
    example_work_items_csv,
    export_members_csv,
    export_work_items_csv,
)
from team.imports.members import import_members
from team.imports.work import import_work_items

__all__ = [
    "ImportResult",
    "ImportRow",
    "example_members_csv",
    "example_work_items_csv",
    "export_members_csv",
    "export_work_items_csv",
    "import_members",
    "import_work_items",
]
