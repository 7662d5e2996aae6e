"""The ranking of an opening's candidates (MODEL.md, "Ranking"), loaded for pages and the API.

The rank orders candidates for people to read; it never moves a candidate through the pipeline.
Decisions are separate, recorded acts (`service.set_status`).

Who may read it, and which candidates it holds for them, is the independence rule's to say
(`independence.sight`): a candidate the viewer must submit a card for first is not ranked for
them at all (listed apart in `hidden`), so neither their numbers nor the order can leak.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import Session

from hiring.openings.candidates import Assessment, CandidateRow, opening_candidates
from hiring.openings.independence import RANK_ROLES, Sight, as_seen, sight
from hiring.openings.models import CANDIDATE_STATUSES, Candidate, Opening
from hiring.openings.service import Viewer, get_opening_row
from hiring.ranking import (
    RankedCandidate,
    Ranking,
    RankInput,
    order_candidates,
    rank_candidates,
    too_close_to_call_ids,
)
from hiring.rubric import level_range
from team.areas import get_settings, list_areas
from team.calendar import Calendar, Person, candidate_start, finish_date
from team.calendar_forecast import team_weeks, weeks_saved
from team.errors import Forbidden, InvalidInput
from team.models import Area, Settings
from team.report import counted_members
from team.timeline import current_calendar, people_of
from team.work import area_totals

READERS = RANK_ROLES
# Out of the running: the pages leave these out of the ranking unless asked (API.md, `ranking`);
# the API ranks every status unless `?status=` says otherwise.
OUT_OF_THE_RUNNING = ("rejected", "withdrawn")
PAGE_STATUSES = tuple(s for s in CANDIDATE_STATUSES if s not in OUT_OF_THE_RUNNING)


@dataclass(frozen=True)
class OpeningRanking:
    """An opening's candidates in ranked order, with what the explanation of each row needs."""

    opening: Opening
    areas: tuple[Area, ...]
    ranking: Ranking
    assessments: dict[int, Assessment]
    demand: dict[str, float]
    team_size: int
    # Hires already added to the team (candidate id -> the forecast of the team without them).
    on_team: dict[int, float]
    # Candidates this viewer must submit a card for before seeing them: (id, name), by name.
    hidden: tuple[tuple[int, str], ...] = ()
    # The statuses ranked (every status when the caller did not filter); ranks are numbered
    # over those rows alone.
    statuses: tuple[str, ...] = CANDIDATE_STATUSES
    # Rows whose disagreement range overlaps the row above (`hiring.ranking.too_close_to_call`).
    close_calls: frozenset[int] = frozenset()
    # Every other candidate of the opening, by name, as the viewer may see them: those the
    # status filter left out, and those hidden from this viewer (masked).
    left_out: tuple[Assessment, ...] = ()
    # The team as the forecast counts it (the compare page adds several candidates to it).
    team: tuple[Person, ...] = ()

    def too_close(self, candidate_id: int) -> bool:
        """Whether this row is too close to call against the row above it."""
        return candidate_id in self.close_calls

    def entry(self, candidate_id: int) -> RankedCandidate | None:
        """The candidate's row, or None where they are not ranked for this viewer."""
        return next((e for e in self.ranking.entries if e.id == candidate_id), None)


def checked_statuses(statuses: Iterable[str] | None) -> tuple[str, ...]:
    """The statuses asked for, in pipeline order (None: every status); an unknown one is
    refused by name, so a typo never reads as "nobody has that status"."""
    if statuses is None:
        return CANDIDATE_STATUSES
    asked = list(statuses)
    # Each unknown one once, cut short, and at most as many as an error answer lists.
    unknown = list(dict.fromkeys(s[:40] for s in asked if s not in CANDIDATE_STATUSES))[:20]
    if unknown:
        known = ", ".join(CANDIDATE_STATUSES)
        raise InvalidInput(
            {"status": [f"{s!r} is not a candidate status ({known})" for s in unknown]},
            f"Unknown candidate status: {', '.join(repr(s) for s in unknown)}.",
        )
    return tuple(s for s in CANDIDATE_STATUSES if s in asked)


def opening_ranking(
    opening_id: int,
    *,
    viewer: Viewer,
    session: Session,
    explain: int | None = None,
    statuses: Iterable[str] | None = None,
    ranges_for: Collection[int] | None = None,
    only: Collection[int] | None = None,
) -> OpeningRanking:
    """Rank the candidates of a visible opening against the current team and planned work, in
    calendar time; where each would work is worked out for the first `explain` rows (all:
    None).

    `statuses` keeps the candidates in those statuses (None: all), so that the rank numbers,
    the rows above and below and every download follow the filter the reader chose. The
    disagreement range costs two forecasts per profile: `ranges_for` limits it to those
    candidates (None: all; the other rows have no range). `only` ranks just those candidates
    (the compare page): each row's numbers depend on the team and the candidate alone, so they
    are the ranking's, but the rank numbers are then among them.
    """
    opening = get_opening_row(opening_id, viewer=viewer, session=session)
    return ranking_as_seen(
        opening,
        sight(opening, viewer, session),
        session=session,
        explain=explain,
        statuses=statuses,
        ranges_for=ranges_for,
        only=only,
    )


def ranking_as_seen(
    opening: Opening,
    seen: Sight,
    *,
    session: Session,
    explain: int | None = None,
    statuses: Iterable[str] | None = None,
    ranges_for: Collection[int] | None = None,
    only: Collection[int] | None = None,
) -> OpeningRanking:
    """`opening_ranking` for a caller that holds the visible opening and the viewer's sight of
    it already (a page that shows more than the ranking), so neither is read twice."""
    if not seen.may_rank:
        raise Forbidden()
    opening_id = opening.id or 0
    wanted = checked_statuses(statuses)
    settings = get_settings(session=session)
    areas = tuple(list_areas(session=session))
    demand = {t.key: t.open_points for t in area_totals(session=session)}
    calendar = current_calendar(session=session)
    team = people_of(counted_members(session=session, calendar=calendar), session=session)
    everyone, _total = opening_candidates(opening_id, session=session, areas=areas)
    if only is not None:
        everyone = [a for a in everyone if (a.candidate.id or 0) in only]
    in_filter = [a for a in everyone if a.candidate.status in wanted]
    assessed = [a for a in in_filter if seen.reads(a.candidate.id or 0)]
    ranked_ids = {a.candidate.id or 0 for a in assessed}
    inputs = {
        a.candidate.id or 0: _rank_input(
            a,
            [k.key for k in areas],
            candidate_start(
                a.candidate.available_from, opening.start_date, calendar, settings.notice_weeks
            ),
            with_range=ranges_for is None or (a.candidate.id or 0) in ranges_for,
        )
        for a in assessed
    }
    # A hire added to the team is already in `team`: trying them on it again would count them
    # twice. Their entry compares the team without them with the team plus them instead, and
    # every other candidate is tried on the team as it is now, hires included.
    members = {m.id for m in team}
    hired = {
        a.candidate.id or 0: a.candidate.member_id
        for a in assessed
        if a.candidate.member_id is not None and a.candidate.member_id in members
    }
    velocities, per_week = settings.velocities, settings.points_per_week
    others = [entry for id_, entry in inputs.items() if id_ not in hired]
    ranking = rank_candidates(
        team, demand, others, velocities, per_week, calendar=calendar, explain=explain
    )
    on_team: dict[int, float] = {}
    if hired:
        ranking, on_team = _with_hires(ranking, inputs, hired, team, demand, settings)
    if ranges_for is not None:
        # Rows without a range of their own: `rank_candidates` filled in their middle profile.
        ranking = replace(
            ranking,
            entries=tuple(
                e if e.id in ranges_for else replace(e, weeks_saved_low=None, weeks_saved_high=None)
                for e in ranking.entries
            ),
        )
    return OpeningRanking(
        opening=opening,
        areas=areas,
        ranking=ranking,
        assessments={a.candidate.id or 0: a for a in assessed},
        demand=demand,
        team_size=len(team),
        on_team=on_team,
        hidden=tuple(
            (a.candidate.id or 0, a.candidate.name)
            for a in in_filter
            if seen.hides(a.candidate.id or 0)
        ),
        statuses=wanted,
        close_calls=too_close_to_call_ids(ranking.entries),
        left_out=tuple(as_seen([a for a in everyone if a.candidate.id not in ranked_ids], seen)),
        team=tuple(team),
    )


def _rank_input(
    assessment: Assessment, keys: list[str], start: date, *, with_range: bool
) -> RankInput:
    """A candidate as the ranking takes them; their range only where it is asked for."""
    low, high = level_range(assessment.cards, keys) if with_range else (None, None)
    return RankInput(
        id=assessment.candidate.id or 0,
        name=assessment.candidate.name,
        levels=assessment.levels,
        rubric=assessment.rubric,
        start=start,
        low=low,
        high=high,
    )


def _with_hires(
    ranking: Ranking,
    inputs: Mapping[int, RankInput],
    hired: Mapping[int, int | None],
    team: list[Person],
    demand: Mapping[str, float],
    settings: Settings,
) -> tuple[Ranking, dict[int, float]]:
    """The ranking with the hires already on the team put in, each counted against the team
    without them; and, per hire, that forecast."""
    calendar, velocities, per_week = ranking.calendar, settings.velocities, settings.points_per_week
    entries, on_team = list(ranking.entries), {}
    for candidate_id, member_id in hired.items():
        # The hire is on the team with their own dates (they may have started before the plan
        # start): the team without them against the team as it is.
        without = [m for m in team if m.id != member_id]
        member = next(m for m in team if m.id == member_id)
        before = team_weeks(without, demand, calendar, velocities, per_week)
        entry = inputs[candidate_id]
        ranges = [
            None
            if levels is None
            else team_weeks(
                [*without, replace(member, levels=counted_levels(levels))],
                demand,
                calendar,
                velocities,
                per_week,
            )
            for levels in (entry.low, entry.high)
        ]
        entries.append(_hired_entry(entry, member.start, before, ranking, ranges, calendar))
        on_team[candidate_id] = before
    return replace(ranking, entries=order_candidates(entries)), on_team


def counted_levels(levels: Mapping[str, float | None] | None) -> dict[str, float]:
    """Levels as the forecast counts them: not assessed is 0."""
    return {k: float(v) for k, v in (levels or {}).items() if v is not None}


def _hired_entry(
    entry: RankInput,
    start: date | None,
    before: float,
    ranking: Ranking,
    ranges: list[float | None],
    calendar: Calendar,
) -> RankedCandidate:
    """A hire already on the team: the team as it is against the team without them."""
    with_them = ranking.forecast_weeks
    return RankedCandidate(
        rank=0,
        id=entry.id,
        name=entry.name,
        levels=dict(entry.levels),
        rubric=entry.rubric,
        forecast_weeks=with_them,
        weeks_saved=weeks_saved(before, with_them),
        allocation={},
        level_sum=sum(counted_levels(entry.levels).values(), 0.0),
        start=start,
        finish_date=finish_date(with_them, calendar),
        weeks_saved_low=None if ranges[0] is None else weeks_saved(before, ranges[0]),
        weeks_saved_high=None if ranges[1] is None else weeks_saved(before, ranges[1]),
        without_weeks=before,
    )


@dataclass(frozen=True)
class Standing:
    """A candidate's place in the ranking as the pages rank it (without rejected and withdrawn
    candidates): their row and how many are ranked, or None where they are out of the running
    (`status` says why)."""

    status: str
    entry: RankedCandidate | None = None
    ranked: int = 0
    close_call: bool = False
    on_team: bool = False


def candidate_standing(
    candidate: Candidate | CandidateRow, opening: Opening, seen: Sight, *, session: Session
) -> Standing | None:
    """Where a candidate stands, for a viewer (`seen`: their sight of the opening) who may
    read the ranking and may read what the panel says of them; None for anyone else (nothing
    derived from the cards leaks: not even "ranked" against "not ranked"). Only their own
    range is worked out."""
    candidate_id = candidate.id or 0
    if not seen.may_rank or seen.hides(candidate_id):
        return None
    if candidate.status in OUT_OF_THE_RUNNING:
        return Standing(status=candidate.status)
    result = ranking_as_seen(
        opening,
        seen,
        session=session,
        explain=0,
        statuses=PAGE_STATUSES,
        ranges_for=(candidate_id,),
    )
    return Standing(
        status=candidate.status,
        entry=result.entry(candidate_id),
        ranked=len(result.ranking.entries),
        close_call=result.too_close(candidate_id),
        on_team=candidate_id in result.on_team,
    )
