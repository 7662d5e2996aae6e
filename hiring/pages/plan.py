"""The ticket plan's pages and downloads (MODEL.md, "The ticket plan"): the plan as CSV for a
spreadsheet, and each member's queue as an iCalendar file for their calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response, request
from icalendar import Calendar, Event

from hiring.access import TEAM_READERS, allow
from hiring.db import get_session
from team.csvio import encode_download, number, write_table
from team.members import get_member
from team.plan import PlanRow, current_plan, member_rows

bp = Blueprint("plan", __name__)

CSV_COLUMNS = (
    "member",
    "member_email",
    "item_id",
    "title",
    "area",
    "points",
    "personal_weeks",
    "start_date",
    "finish_date",
    "status",
    "moved",
)


@bp.route("/plan.csv")
@allow(*TEAM_READERS)
def plan_csv():
    """Every planned item with who takes it and when, member by member in queue order (items
    no one can finish within the horizon are on the plan's page and in the API, not here)."""
    view = current_plan(session=get_session())
    emails = {lane.member_id: lane.email for lane in view.lanes}
    rows = [
        [
            r.member_name,
            emails.get(r.member_id, ""),
            str(r.item_id),
            r.title,
            r.area,
            number(r.points),
            f"{r.personal_weeks:.6g}",
            r.start_date.isoformat() if r.start_date else "",
            r.finish_date.isoformat() if r.finish_date else "",
            r.status,
            "true" if r.moved else "false",
        ]
        for r in view.rows
    ]
    # write_table neutralises cells a spreadsheet would run as formulas (a title, a name).
    return Response(
        encode_download(write_table(CSV_COLUMNS, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=plan.csv"},
    )


@bp.route("/plan/members/<int:member_id>.ics")
@allow(*TEAM_READERS)
def member_calendar(member_id: int):
    """One member's planned items as all-day events from their start to their finish date, to
    subscribe to or import in a calendar (a member with nothing planned gets an empty one)."""
    db = get_session()
    member = get_member(member_id, session=db)  # 404 for no such member
    rows = member_rows(current_plan(session=db), member_id)
    host = request.host.partition(":")[0] or "localhost"
    body = _calendar(f"Plan: {member.name}", rows, host).to_ical()
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f"attachment; filename=plan-member-{member_id}.ics"},
    )


def _calendar(name: str, rows: tuple[PlanRow, ...], host: str) -> Calendar:
    """An iCalendar of the rows: each an all-day event from its start date to the day after
    its finish date (DTEND is exclusive), with a UID that stays the same from one download to
    the next, so that a calendar updates an item rather than adding it again."""
    calendar = Calendar()
    calendar.add("prodid", "-//hiring-gap//ticket plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for r in rows:
        if r.start_date is None or r.finish_date is None:
            continue  # never finishes within the horizon: no dates to show
        event = Event()
        event.add("uid", f"plan-item-{r.item_id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", r.start_date)
        event.add("dtend", r.finish_date + timedelta(days=1))
        points = number(r.points)
        event.add("summary", f"{r.title} ({points} point{'' if points == '1' else 's'})")
        event.add(
            "description",
            f"{r.area_name}: about {r.personal_weeks:.1f} full-time weeks for {r.member_name}"
            + (" (in progress)" if r.status == "in_progress" else ""),
        )
        calendar.add_component(event)
    return calendar
