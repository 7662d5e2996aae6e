"""Two to four candidates of one opening side by side: what the panel found of each, the
forecast with each, and the forecast with all of them on the team together.

A manager with two seats weighs people against each other and against the pair: two data
engineers may each save three weeks and together four. The numbers for each candidate are the
ranking's own (`rankings.opening_ranking`, asked for just these candidates: a row depends on the
team and the candidate alone), so the compare page and the ranking can never disagree. The
forecast with all of them adds each as the ranking tries them (`hiring.ranking.candidate_person`:
full-time, from their own start, ramping up, their mentor's time taken).

Independence (`independence.py`): the ranking decides who may read it and hides a candidate
the viewer must submit a card for first. Such a candidate is named and nothing more, and is left
out of the forecast with all of them, which would otherwise tell what their cards say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from hiring.openings.candidates import Assessment
from hiring.openings.independence import sight
from hiring.openings.models import Opening
from hiring.openings.rankings import OpeningRanking, opening_ranking
from hiring.openings.service import Viewer, get_opening_row
from hiring.ranking import RankedCandidate, RankInput, candidate_person
from hiring.rubric import level_range
from team.areas import get_settings
from team.calendar import Calendar, Person, finish_date
from team.calendar_forecast import team_weeks, weeks_saved
from team.errors import Forbidden, InvalidInput, NotFound
from team.models import Area

LEAST, MOST = 2, 4
MOST_PROBLEMS = 20  # an error answer lists at most this many
# Ids are 32-bit in the database; a longer number names no candidate (and is never queried).
MAX_DIGITS = 10


@dataclass(frozen=True)
class Compared:
    """One compared candidate as the viewer may see them. `entry` is their ranking row (None
    where hidden from the viewer); `low` and `high` are each area's lowest and highest
    submitted rating (empty where hidden)."""

    assessment: Assessment
    entry: RankedCandidate | None
    low: dict[str, float | None]
    high: dict[str, float | None]
    on_team: bool = False

    @property
    def id(self) -> int:
        """The candidate's id."""
        return self.assessment.candidate.id or 0

    @property
    def hidden(self) -> bool:
        """Whether the viewer must submit their own card before reading anything about them."""
        return self.entry is None


@dataclass(frozen=True)
class Together:
    """The forecast with every compared candidate the viewer may read on the team at once."""

    candidate_ids: tuple[int, ...]
    without_weeks: float  # the team without them (hires among them taken off), infinite: never
    forecast_weeks: float
    finish_date: date | None
    weeks_saved: float | None


@dataclass(frozen=True)
class Comparison:
    """The compare page and its API twin, for one viewer."""

    opening: Opening
    areas: tuple[Area, ...]
    candidates: tuple[Compared, ...]  # in the order asked for
    calendar: Calendar
    team_weeks: float  # the team as it is
    team_finish: date | None
    together: Together

    @property
    def shown(self) -> tuple[Compared, ...]:
        """The candidates the viewer may read."""
        return tuple(c for c in self.candidates if not c.hidden)

    @property
    def interviewers(self) -> tuple[str, ...]:
        """Everyone whose card the viewer reads for any compared candidate, by email."""
        return tuple(sorted({card.interviewer for c in self.shown for card in c.assessment.cards}))


def candidate_ids(raw: Sequence[str]) -> list[int]:
    """The `c` values a page or client sent, as ids: whole numbers, each once, 2 to 4 of them
    (InvalidInput naming what is wrong, in words a person can act on)."""
    problems = []
    ids: list[int] = []
    numbers: list[str] = []  # as written, without leading zeros: how repeats are told
    for value in raw:
        text = value.strip()
        if not text.isascii() or not text.isdigit():
            problems.append(f"{value[:20]!r} is not a candidate id")
            continue
        numbers.append(text.lstrip("0") or "0")
        # Past the database's ids, a number names no candidate: a negative stand-in, found
        # missing below and never converted whole (or sent to a query).
        ids.append(int(text) if len(numbers[-1]) <= MAX_DIGITS else -len(numbers))
    if not problems and len(set(numbers)) != len(numbers):
        problems.append("name each candidate once")
    if not problems and not LEAST <= len(ids) <= MOST:
        problems.append(f"choose {LEAST} to {MOST} candidates; {len(ids)} chosen")
    if problems:
        raise InvalidInput(
            {"c": problems[:MOST_PROBLEMS]},
            f"Choose {LEAST} to {MOST} different candidates to compare.",
        )
    return ids


def compare(
    opening_id: int, raw_ids: Sequence[str], *, viewer: Viewer, session: Session
) -> Comparison:
    """Compare the candidates `raw_ids` names (`candidate_ids`) of a visible opening whose
    ranking the viewer may read: NotFound for the opening, Forbidden for the ranking, then
    InvalidInput for the list, NotFound naming ids that are not this opening's candidates."""
    opening = get_opening_row(opening_id, viewer=viewer, session=session)
    if not sight(opening, viewer, session).may_rank:
        raise Forbidden()
    ids = candidate_ids(raw_ids)
    result = opening_ranking(opening_id, viewer=viewer, session=session, only=set(ids))
    found = {a.candidate.id or 0: a for a in result.left_out} | result.assessments
    missing = [i for i in ids if i not in found]
    if missing:
        named = ", ".join(str(i) if i >= 0 else "(too long)" for i in missing)
        raise NotFound(f"Not a candidate of this opening: {named}.")
    keys = [a.key for a in result.areas]
    compared = []
    for candidate_id in ids:
        assessment, entry = found[candidate_id], result.entry(candidate_id)
        low, high = level_range(assessment.cards, keys) if entry else ({}, {})
        compared.append(
            Compared(assessment, entry, low, high, on_team=candidate_id in result.on_team)
        )
    return Comparison(
        opening=opening,
        areas=result.areas,
        candidates=tuple(compared),
        calendar=result.ranking.calendar,
        team_weeks=result.ranking.forecast_weeks,
        team_finish=result.ranking.finish_date,
        together=_together(result, compared, session),
    )


def _together(result: OpeningRanking, compared: list[Compared], session: Session) -> Together:
    """T(team + every compared candidate the viewer reads), each tried as the ranking tries
    them. A hire already on the team is in it: the team without such hires is the baseline,
    and they come back as they are on the team, so nobody counts twice."""
    settings = get_settings(session=session)
    calendar = result.ranking.calendar
    readable = [c for c in compared if c.entry is not None]
    hires = {c.assessment.candidate.member_id for c in readable if c.on_team}
    team = list(result.team)
    without = [m for m in team if m.id not in hires]
    extras: list[Person] = [
        candidate_person(_input(c.entry)) for c in readable if c.entry and not c.on_team
    ]
    velocities, per_week = settings.velocities, settings.points_per_week
    before = (
        team_weeks(without, result.demand, calendar, velocities, per_week)
        if hires
        else result.ranking.forecast_weeks
    )
    weeks = team_weeks([*team, *extras], result.demand, calendar, velocities, per_week)
    return Together(
        candidate_ids=tuple(c.id for c in readable),
        without_weeks=before,
        forecast_weeks=weeks,
        finish_date=finish_date(weeks, calendar),
        weeks_saved=weeks_saved(before, weeks),
    )


def _input(entry: RankedCandidate) -> RankInput:
    """A ranking row back as the ranking's input: its levels and its start."""
    return RankInput(
        id=entry.id, name=entry.name, levels=entry.levels, rubric=entry.rubric, start=entry.start
    )
