"""A GitHub project's table view exported as CSV ("Export view data") as a layout.

The columns are the view's fields: `Title` and `URL` always, `Status` and `Labels` usually, the
labels and assignees each in one cell separated by commas. The estimate is a number field the
project names itself, so the user may name it (`estimate_column`); otherwise the common names
are tried. A `State` column (OPEN or CLOSED) appears when the view shows the issue's own state.
Draft issues have no URL, so they cannot be matched on a re-import and are refused on their row.
"""

from __future__ import annotations

from collections.abc import Sequence

from team.importers.layout import DONE, Layout, ValueColumn, status_state

_DONE_STATUSES = frozenset(("done", "closed"))
_STARTED_STATUSES = frozenset(("in progress",))


def _state(status: str, cells: Sequence[str]) -> str:
    """Done when the issue or pull request is closed or its status says so; in progress by the
    status: a closed issue left in a "Todo" column is still finished work."""
    (state,) = cells
    if state.casefold() == "closed":
        return DONE
    return status_state(status, _DONE_STATUSES, _STARTED_STATUSES)


LAYOUT = Layout(
    source="github",
    label="GitHub",
    key="URL",
    title="Title",
    state=_state,
    assignee="Assignees",
    assignee_list=True,
    # Tried in this order; only the first found counts (a `Size` is often "S/M/L", not points).
    estimates=("Estimate", "Points", "Story Points", "Size"),
    first_estimate_only=True,
    values=(ValueColumn("labels", "Labels", split=True),),
    state_columns=("State",),
)
