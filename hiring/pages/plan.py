"""The ticket plan's pages and downloads (MODEL.md, "The ticket plan"): the plan page (its
finish, bounds and gap, a Gantt chart of one lane per member with filters and pages, what moved
since the published plan, what is left out, the manual assignees, and publishing), the plan as
CSV for a spreadsheet, and each member's queue as an iCalendar file for their calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from icalendar import Calendar, Event
from wtforms import HiddenField
from wtforms.validators import Regexp

from hiring.access import TEAM_EDITORS, TEAM_READERS, allow
from hiring.db import get_session, write_intent
from hiring.numbers import duration
from hiring.pages.gantt import gantt
from hiring.pages.listing import MAX_OFFSET
from hiring.web import day
from team.csvio import encode_download, number, write_table
from team.errors import Conflict
from team.members import get_member
from team.plan import PlanRow, current_plan, member_rows, publish_plan
from team.plan_lanes import PlanFilters, plan_page

bp = Blueprint("plan", __name__)


class PublishPlanForm(FlaskForm):
    """Publishing the plan: a CSRF token, and the latest publication the page showed (0: none),
    so that a form sent twice, or after someone else published, publishes nothing."""

    seen = HiddenField(validators=[Regexp(r"^[0-9]{1,10}$")])


def _filters() -> PlanFilters:
    """The page's query (?area=&member=&q=&offset=), read leniently: a hand-edited URL shows
    the plan unfiltered rather than an error page."""
    member = request.args.get("member", "")
    offset = request.args.get("offset", "")
    return PlanFilters(
        area=request.args.get("area", "").strip()[:40],
        member_id=int(member) if member.isdigit() and len(member) < 10 else None,
        search=request.args.get("q", "").strip()[:100],
        offset=min(int(offset), MAX_OFFSET) if offset.isdigit() and len(offset) < 12 else 0,
    )


@bp.route("/plan")
@allow(*TEAM_READERS)
def show_plan():
    """The plan: its finish first, then how good it is (the lower bound and the gap), a Gantt
    chart of a page of lanes with the same tickets listed under it, what moved since the
    published plan, what is left out, what the manual assignees would cost, and publishing."""
    page = plan_page(_filters(), session=get_session())
    form = PublishPlanForm(seen=str(page.view.published.id if page.view.published else 0))
    return render_template("plan/show.html", page=page, chart=gantt(page), form=form)


@bp.route("/plan/publish", methods=["POST"])
@allow(*TEAM_EDITORS)
def publish():
    """Publish the current plan (the page's form), then show the page again with a message;
    a stale or repeated form publishes nothing and says why."""
    form = PublishPlanForm()
    if not form.validate_on_submit():
        flash(
            "Nothing was published: the form was incomplete. Try again from this page.", "warning"
        )
        return redirect(url_for("plan.show_plan"), code=303)
    db = get_session()
    # As the API does: the plan is made first in a read transaction (seconds on a big team,
    # with no write lock held on SQLite), and publishing then finds it kept by its inputs.
    db.rollback()
    with write_intent(False):
        current_plan(session=db, with_keeping=False)
        db.rollback()
    try:
        publication = publish_plan(session=db, by=current_user.email, seen=int(form.seen.data))
    except Conflict as error:
        db.rollback()
        flash(error.message, "warning")
        return redirect(url_for("plan.show_plan"), code=303)
    finish = (
        f": it finishes about {day(publication.finish_date)}" if publication.finish_date else ""
    )
    flash(f"Plan published{finish}. Later plans are shown against it.", "success")
    return redirect(url_for("plan.show_plan"), code=303)


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
    body = _calendar(f"Plan: {member.name}", rows, UID_DOMAIN).to_ical()
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f"attachment; filename=plan-member-{member_id}.ics"},
    )


# The events' UIDs end in this, not the request's host, so that one ticket is one event in a
# subscribed calendar however the service was reached.
UID_DOMAIN = "plan.team-gaps"


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
            f"{r.area_name}: about {duration(r.personal_weeks)} full-time for {r.member_name}"
            + (" (in progress)" if r.status == "in_progress" else ""),
        )
        calendar.add_component(event)
    return calendar
