"""Linear's CSV export (Settings, "Import / Export", "Export CSV") as a layout.

Linear writes all of an issue's labels in one cell, separated by commas ("Data, Pipeline"), and
says when an issue was started, completed or canceled with timestamps: those, not the team's own
status names, tell its state.
"""

from __future__ import annotations

from collections.abc import Sequence

from team.importers.layout import DONE, IN_PROGRESS, PLANNED, Layout, ValueColumn


def _state(status: str, cells: Sequence[str]) -> str:
    """Done once completed or canceled, in progress once started (or named so), else planned:
    Linear sets those timestamps from the status type, whatever the team calls its statuses."""
    started, completed, canceled = cells
    if completed or canceled:
        return DONE
    if started or status.casefold() == "in progress":
        return IN_PROGRESS
    return PLANNED


LAYOUT = Layout(
    source="linear",
    label="Linear",
    key="ID",
    title="Title",
    state=_state,
    estimates=("Estimate",),
    values=(
        ValueColumn("labels", "Labels", split=True),
        ValueColumn("team", "Team"),
        ValueColumn("project", "Project"),
    ),
    state_columns=("Started", "Completed", "Canceled"),
)
