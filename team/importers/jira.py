"""Jira's CSV export ("Export CSV (all fields)" or "(current fields)") as a layout.

Jira writes one column per label and per component, repeating the column name as often as the
issue with the most of them needs (`Labels,Labels,Labels`, `Component/s,Component/s`): the
reader counts every one. `Status Category` (To Do, In Progress, Done) says what a workflow's
own status names mean; older exports and narrow column sets lack it, so the common status names
stand in then. Story points live in a custom field whose name depends on the project type.
"""

from __future__ import annotations

from collections.abc import Sequence

from team.importers.layout import DONE, IN_PROGRESS, PLANNED, Layout, ValueColumn, status_state

_DONE_STATUSES = frozenset(("done", "closed", "resolved"))
_STARTED_STATUSES = frozenset(("in progress",))


def _state(status: str, cells: Sequence[str]) -> str:
    """Done or in progress by the status category when the row has one, else by the status name:
    the category is what Jira itself means, whatever a workflow calls its statuses."""
    (category,) = cells
    category = category.casefold()
    if category == "done":
        return DONE
    if category == "in progress":
        return IN_PROGRESS
    if category:
        return PLANNED
    return status_state(status, _DONE_STATUSES, _STARTED_STATUSES)


LAYOUT = Layout(
    source="jira",
    label="Jira",
    key="Issue key",
    title="Summary",
    state=_state,
    estimates=(
        # Company-managed projects ("Story Points"), team-managed ones ("Story point estimate"),
        # and the plain name some exports and add-ons write.
        "Custom field (Story Points)",
        "Custom field (Story point estimate)",
        "Story Points",
    ),
    values=(
        ValueColumn("components", "Component/s"),
        ValueColumn("labels", "Labels"),
        ValueColumn("project", "Project name"),
    ),
    state_columns=("Status Category",),
)
