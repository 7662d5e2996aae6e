"""The team and the planned work as files: the export links and the examples to fill in."""

from __future__ import annotations

from sqlmodel import Session, col, select

from team import csvio
from team.areas import list_areas, list_skills
from team.members import active_members
from team.models import WorkItem
from team.work import publish as publish_items


def _keys(session: Session) -> tuple[list[str], list[str]]:
    """Area and skill keys in display order: the columns of a members file."""
    return [a.key for a in list_areas(session=session)], [
        s.key for s in list_skills(session=session)
    ]


def export_members_csv(*, session: Session) -> str:
    """Everyone on the team (not those who left) in the members import format, without a BOM.

    Serve it with `csvio.encode_download` for spreadsheets.
    """
    area_keys, skill_keys = _keys(session)
    return csvio.write_members(
        active_members(session=session), area_keys=area_keys, skill_keys=skill_keys
    )


def export_work_items_csv(*, session: Session) -> str:
    """Every work item, done ones included, in the work items import format, without a BOM."""
    items = list(session.exec(select(WorkItem).order_by(col(WorkItem.id))).all())
    return csvio.write_work_items(publish_items(items, session=session))


def example_members_csv(*, session: Session) -> str:
    """A two-row members file with today's area and skill columns, to fill in."""
    return csvio.example_members(*_keys(session))


def example_work_items_csv(*, session: Session) -> str:
    """A two-row work items file using today's areas and skills."""
    return csvio.example_work_items(*_keys(session))
