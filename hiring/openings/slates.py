"""An opening's slate (MODEL.md, "Deciding together"), loaded for pages and the API.

Built on the opening's ranking as this viewer may read it (`rankings.opening_ranking`), so the
independence rule holds here too: a candidate the viewer must submit a card for first is not
ranked for them, so never in their slate, and whoever may not read the ranking may not read
the slate. The slate's candidates are those whose rubric passes and who are still in the
running (not rejected, withdrawn or hired).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from hiring.numbers import Duration, difference
from hiring.openings.models import CANDIDATE_STATUSES
from hiring.openings.rankings import OpeningRanking, counted_levels, opening_ranking
from hiring.openings.service import Viewer
from hiring.ranking import RankedCandidate
from hiring.slate import MAX_SLATE, Slate, SlateCandidate, best_slate
from team.areas import get_settings
from team.calendar import finish_date
from team.errors import InvalidInput
from team.models import Member

# Out of the running for a slate, whatever their numbers.
NOT_IN_THE_RUNNING = ("rejected", "withdrawn", "hired")
IN_THE_RUNNING = tuple(s for s in CANDIDATE_STATUSES if s not in NOT_IN_THE_RUNNING)


@dataclass(frozen=True)
class SlatePerson:
    """A candidate of the slate: when they start, when they work at full speed, who mentors."""

    entry: RankedCandidate
    start: date | None
    full_speed_from: date | None
    mentor_id: int | None
    mentor_name: str | None


@dataclass(frozen=True)
class OpeningSlate:
    """The slate and the greedy set of an opening, with the ranking they were chosen from."""

    ranking: OpeningRanking
    slate: Slate
    people: tuple[SlatePerson, ...]
    finish_date: date | None
    greedy_finish_date: date | None
    eligible: int

    def greedy_later(self) -> Duration | None:
        """How much later the greedy set lands the work than the slate, as the difference of
        the two forecasts as shown (hiring/numbers.py); None if either never lands."""
        return difference(self.slate.greedy_weeks, self.slate.forecast_weeks)

    def saved_shown(self) -> Duration | None:
        """What the slate saves against the team alone, as the difference of the two
        forecasts as shown (hiring/numbers.py); None if either never lands."""
        return difference(self.slate.team_weeks, self.slate.forecast_weeks)

    def names(self, ids: tuple[int, ...]) -> list[str]:
        by_id = {e.id: e.name for e in self.ranking.ranking.entries}
        return [by_id[i] for i in ids]


def default_k(headcount: int) -> int:
    """MODEL.md: k = min(headcount, 5), at least 1."""
    return max(1, min(headcount, MAX_SLATE))


def opening_slate(
    opening_id: int, *, viewer: Viewer, session: Session, k: int | None = None
) -> OpeningSlate:
    """The best set of `k` hires for the opening (None: its headcount, at most 5) and the greedy
    set, against the current team and planned work in calendar time."""
    check_k(k)
    found = opening_ranking(opening_id, viewer=viewer, session=session, explain=0)
    return slate_of(found, k, session=session)


def check_k(k: int | None) -> None:
    """A slate holds 1 to 5 (None: the default)."""
    if k is not None and not 1 <= k <= MAX_SLATE:
        raise InvalidInput({"k": [f"must be between 1 and {MAX_SLATE}"]})


def slate_of(found: OpeningRanking, k: int | None, *, session: Session) -> OpeningSlate:
    """The slate chosen from a ranking already made for this viewer (the ranking page's own).

    A candidate's position is their place among the candidates the slate may hold, in ranking
    order: the same whichever statuses the ranking shows, so the page and the API agree."""
    check_k(k)
    k = default_k(found.opening.headcount) if k is None else k
    running = [
        e
        for e in found.ranking.entries
        if e.rubric.passes
        and e.id not in found.on_team
        and found.assessments[e.id].candidate.status not in NOT_IN_THE_RUNNING
    ]
    pool = [
        SlateCandidate(id=e.id, position=n, levels=counted_levels(e.levels), start=e.start)
        for n, e in enumerate(running, start=1)
    ]
    settings = get_settings(session=session)
    calendar = found.ranking.calendar
    slate = best_slate(
        found.team,
        pool,
        k,
        found.demand,
        calendar,
        settings.velocities,
        settings.points_per_week,
    )
    entries = {e.id: e for e in found.ranking.entries}
    ramp = timedelta(weeks=calendar.ramp_weeks)
    mentor_ids = [m for m in slate.mentors.values() if m is not None]
    mentors = dict(
        session.exec(
            select(col(Member.id), col(Member.name)).where(col(Member.id).in_(mentor_ids))
        ).all()
        if mentor_ids
        else []
    )
    people = tuple(
        SlatePerson(
            entry=entries[i],
            start=entries[i].start,
            full_speed_from=_plus(entries[i].start, ramp),
            mentor_id=slate.mentors.get(i),
            mentor_name=mentors.get(slate.mentors.get(i) or 0),
        )
        for i in slate.ids
    )
    return OpeningSlate(
        ranking=found,
        slate=slate,
        people=people,
        finish_date=finish_date(slate.forecast_weeks, calendar),
        greedy_finish_date=finish_date(slate.greedy_weeks, calendar),
        eligible=len(pool),
    )


def _plus(day: date | None, span: timedelta) -> date | None:
    return None if day is None else day + span
