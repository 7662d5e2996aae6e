"""What each role's home page answers, worked out once per request for one viewer.

A hiring manager asks "whom should I hire, and what is holding it up?", an interviewer "which
cards do I owe, and by when?", leadership "when does the work land, and what moved?". Each
answer is read from the service the answer's own page uses, so the home never says a number
that page would not: the ranking (`hiring.openings.rankings`, as the opening page ranks), the
cards owed (`scorecards.cards_owed`), the coverage report (`team.report.coverage_report`) and
the forecast history (`team.history.forecast_history`). Which openings a viewer sees and which
rankings they may read are the visibility and independence rules' to say
(`service.visible_openings`, `independence.sight`); nothing here restates them.

The home ranks each opening it shows once, as the opening page does (no ranges, no allocation),
and shows at most `HOME_OPENINGS` openings, so it never costs more than that many ranking pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import desc
from sqlmodel import Session, col, func, select

from hiring.accounts.models import User
from hiring.notifications import overdue_before
from hiring.numbers import DAYS_PER_WEEK, Duration, difference
from hiring.openings import scorecards, service
from hiring.openings.independence import Sight, reads_off_panel, sight
from hiring.openings.models import Opening, PanelSeat
from hiring.openings.rankings import PAGE_STATUSES, ranking_as_seen
from hiring.openings.scorecards import CardOwed
from hiring.openings.service import Viewer
from hiring.ranking import RankedCandidate
from team.areas import get_settings
from team.history import HistoryPoint, forecast_history
from team.report import CoverageReport, coverage_report
from team.timeline import today as utc_today

# At most this many openings are ranked on one home (each is a ranking): the rest are a link.
HOME_OPENINGS = 10
# Candidates owed cards: those still being interviewed (as `scorecards.cards_owed` counts them).
OWED_STATUSES = ("applied", "interviewing")
# "Since last week": the history point that stood this many days ago is compared with now.
WEEK_DAYS = 7
# Change days read from the history: the last week holds at most 7 of them, so 8 always reach
# back to the point that stood a week ago, when there is one.
HISTORY_DAYS = WEEK_DAYS + 1
# The sections a home can have, in the order they are shown: the decisions first, then the
# cards that hold them up, then the overview, then the admin's links.
SECTION_ORDER = ("hiring_manager", "interviewer", "leadership", "admin")


@dataclass(frozen=True)
class OpeningHome:
    """One opening on a hiring manager's home: the top of its ranking in words, and the cards
    still missing for its candidates in the pipeline."""

    opening: Opening
    ranked: int  # how many candidates the ranking holds (the pages' statuses)
    top: RankedCandidate | None
    top_status: str  # the top candidate's pipeline status ("" without one)
    # How much sooner the work lands with the top candidate: `RankedCandidate.saved_shown`, the
    # difference of the two shown forecasts (without them, with them) that the ranking, opening
    # and candidate pages show; None when it never lands without them or with them.
    sooner: Duration | None
    never_without: bool  # the team alone never finishes (the top makes it finishable or not)
    too_close: bool  # the second row is too close to call against the top
    # Candidates hidden from the viewer until their own card is in (they sit on the panel).
    hidden: int
    # Cards missing for candidates still interviewing, per panelist email, most first; for a
    # candidate hidden from the viewer only the viewer's own card is counted (the others'
    # count would tell what the panel has done, which the independence rule keeps back).
    missing: tuple[tuple[str, int], ...]

    @property
    def missing_total(self) -> int:
        """How many cards are missing in all."""
        return sum(n for _email, n in self.missing)


@dataclass(frozen=True)
class ManagerHome:
    """A hiring manager's openings (the open ones whose ranking they may read), newest first,
    and how many more there are than the home shows."""

    openings: tuple[OpeningHome, ...]
    more: int


@dataclass(frozen=True)
class Movement:
    """What moved since last week: the history point that stood a week ago (None: history is
    younger than a week), how much sooner the work lands now than it did then (None when one
    of the two never lands), and what changed since, newest day first."""

    then: HistoryPoint | None
    sooner: Duration | None
    changes: tuple[tuple[date, tuple[str, ...]], ...]
    since: date


@dataclass(frozen=True)
class Home:
    """Everything a home shows: the viewer's sections in order, and each section's answer
    (None where the viewer holds no role that asks it)."""

    sections: tuple[str, ...]
    manager: ManagerHome | None = None
    cards: tuple[CardOwed, ...] | None = None
    report: CoverageReport | None = None
    movement: Movement | None = None
    today: date = field(default_factory=utc_today)
    # The latest interview day whose card is overdue today (`notifications.overdue_before`,
    # the rule the reminders follow); None when the home lists no cards.
    overdue_from: date | None = None

    @property
    def overdue(self) -> int:
        """How many of the cards owed are overdue."""
        return sum(1 for card in self.cards or () if is_overdue(card, self.overdue_from))


def is_overdue(card: CardOwed, overdue_from: date | None) -> bool:
    """Whether a card is overdue: its interview was on or before `overdue_from`, the day the
    reminders count from (so the home marks exactly the cards a reminder is sent for)."""
    return (
        overdue_from is not None
        and card.interview_on is not None
        and card.interview_on <= overdue_from
    )


def sections_of(viewer: Viewer) -> tuple[str, ...]:
    """The sections a viewer's roles ask for, each once, in `SECTION_ORDER`."""
    return tuple(role for role in SECTION_ORDER if viewer.has_role(role))


def home_of(viewer: Viewer, *, session: Session) -> Home:
    """The home of this viewer: each section their roles ask for, each service read once."""
    sections = sections_of(viewer)
    today = utc_today()
    manager = cards = report = movement = None
    if "hiring_manager" in sections or "leadership" in sections:
        # The weakest area (a manager's) and the headline (leadership's): one report.
        report = coverage_report(session=session)
    if "hiring_manager" in sections:
        manager = manager_home(viewer, session=session)
    overdue_from = None
    if "interviewer" in sections:
        cards = tuple(scorecards.cards_owed(viewer=viewer, session=session))
        overdue_from = overdue_before(today, get_settings(session=session).card_due_days)
    if "leadership" in sections and report is not None:
        movement = movement_since(report, session=session, today=today)
    return Home(
        sections=sections,
        manager=manager,
        cards=cards,
        report=report,
        movement=movement,
        today=today,
        overdue_from=overdue_from,
    )


def manager_home(viewer: Viewer, *, session: Session) -> ManagerHome:
    """The open openings the viewer sees and may rank, newest first, at most `HOME_OPENINGS`
    of them, each ranked once as the opening page ranks it."""
    query = service.visible_openings(viewer).where(Opening.status == "open")
    rows = session.exec(query.order_by(desc(col(Opening.id)))).all()
    # Only someone who reads an opening's cards off its panel may rank it; those who sit on
    # its panel as well are then asked (`sight`) opening by opening, for the few shown.
    readable = [o for o in rows if reads_off_panel(o, viewer)]
    chosen: list[tuple[Opening, Sight]] = []
    looked = 0
    for opening in readable:
        if len(chosen) == HOME_OPENINGS:
            break
        looked += 1
        seen = sight(opening, viewer, session)
        if seen.may_rank:
            chosen.append((opening, seen))
    seats = _panels([o.id or 0 for o, _seen in chosen], session)
    shown = tuple(
        _opening_home(opening, seen, seats.get(opening.id or 0, ()), viewer, session)
        for opening, seen in chosen
    )
    # Those not looked at yet may still turn out to be unrankable: "more" is an upper bound,
    # and the openings list it links to says exactly.
    return ManagerHome(openings=shown, more=len(readable) - looked)


def _panels(opening_ids: Sequence[int], session: Session) -> dict[int, tuple[str, ...]]:
    """Each opening's panelists' emails (one query for all of them)."""
    found: dict[int, list[str]] = {}
    if opening_ids:
        for opening_id, email in session.exec(
            select(PanelSeat.opening_id, User.email)
            .join(User, col(User.id) == PanelSeat.user_id)
            .where(col(PanelSeat.opening_id).in_(opening_ids))
            .order_by(func.lower(User.name), col(User.email))
        ).all():
            found.setdefault(opening_id, []).append(email)
    return {k: tuple(v) for k, v in found.items()}


def _opening_home(
    opening: Opening, seen: Sight, panel: Sequence[str], viewer: Viewer, session: Session
) -> OpeningHome:
    """One opening's ranking, as the opening page ranks it, with its top in words and the
    cards still missing."""
    result = ranking_as_seen(
        opening, seen, session=session, explain=0, statuses=PAGE_STATUSES, ranges_for=()
    )
    entries = result.ranking.entries
    top = entries[0] if entries else None
    # The saving as the ranking, opening and candidate pages show it (one computation).
    sooner = None if top is None else top.saved_shown
    missing: Counter[str] = Counter()
    for assessment in result.assessments.values():
        if assessment.candidate.status in OWED_STATUSES:
            submitted = {card.interviewer for card in assessment.cards}
            missing.update(email for email in panel if email not in submitted)
    for assessment in result.left_out:
        if assessment.hidden and assessment.candidate.status in OWED_STATUSES:
            missing[viewer.email] += 1
    return OpeningHome(
        opening=opening,
        ranked=len(entries),
        top=top,
        top_status="" if top is None else result.assessments[top.id].candidate.status,
        sooner=sooner,
        never_without=top is not None and top.weeks_saved is None,
        too_close=len(entries) > 1 and result.too_close(entries[1].id),
        hidden=len(result.hidden),
        missing=tuple(sorted(missing.items(), key=lambda item: (-item[1], item[0]))),
    )


def working_days_between(first: date, last: date) -> int:
    """Working days (Monday to Friday, as finish dates count them) from `first` up to `last`;
    negative when `last` comes first."""
    if last < first:
        return -working_days_between(last, first)
    whole, rest = divmod((last - first).days, 7)
    days = whole * DAYS_PER_WEEK
    for offset in range(rest):
        if (first + timedelta(days=whole * 7 + offset)).weekday() < DAYS_PER_WEEK:
            days += 1
    return days


def dates_apart(then: date | None, now: date | None) -> Duration | None:
    """How much sooner `now` is than `then`, in working days, as a shown length
    (`hiring.numbers.difference` of the two dates counted from the earlier one); None when
    either is missing."""
    if then is None or now is None:
        return None
    origin = min(then, now)
    return difference(
        working_days_between(origin, then) / DAYS_PER_WEEK,
        working_days_between(origin, now) / DAYS_PER_WEEK,
    )


def movement_since(report: CoverageReport, *, session: Session, today: date) -> Movement:
    """The finish date now (the report's, as the coverage page says it) against the one that
    stood a week ago in the forecast history, and every change recorded since."""
    since = today - timedelta(days=WEEK_DAYS)
    points = forecast_history(session=session, days=HISTORY_DAYS)
    then = next((p for p in reversed(points) if p.day <= since), None)
    changes = tuple((p.day, p.changes) for p in reversed(points) if p.day > since and p.changes)
    sooner = None
    if then is not None and report.finite and then.forecast_weeks is not None:
        sooner = dates_apart(then.finish_date, report.finish_date)
    return Movement(then=then, sooner=sooner, changes=changes, since=since)
