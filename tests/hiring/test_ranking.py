"""The ranking of candidates (MODEL.md, "Gap fill" and "Ranking"): hand-solved cases and properties.

The hand-solved cases use the default settings: 5 points a week, velocities none 0.10, basic 0.35,
working 0.65, strong 1.00, expert 1.30. A speed below is points a week working only in that area.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hiring.ranking import RankedCandidate, RankInput, order_candidates, rank_candidates
from hiring.rubric import Rubric, verdict
from team.forecast import ForecastMember, forecast
from tests.team.test_forecast import plain_speeds, plain_weeks

AREAS = {"research": "research", "data": "data"}
# One strong researcher with no data experience: research 5 pts/wk, data 0.5 pts/wk.
TEAM = [ForecastMember(id=1, fte=1.0, levels={"research": 3})]
DEMAND = {"research": 10.0, "data": 10.0}
# Level "none" cannot work at all: lets a team or a candidate never finish an area.
NO_NONE = (0.0, 0.35, 0.65, 1.00, 1.30)


def candidate(id: int, name: str, levels: Mapping[str, float | None]) -> RankInput:
    """A candidate with the verdict their levels earn."""
    return RankInput(id=id, name=name, levels=dict(levels), rubric=verdict(levels, AREAS))


def names(entries: tuple[RankedCandidate, ...]) -> list[str]:
    """The ranked names, to assert on the order at a glance."""
    return [entry.name for entry in entries]


# Team alone: research 10/5 = 2 weeks, data 10/0.5 = 20 weeks, one person: T = 22.
TEAM_WEEKS = 22.0
# Dana (research basic 1.75, data strong 5): passes. The member does research (2 weeks), Dana does
# data (10/5 = 2 weeks): T = 2. Optimal: duals y_r = y_d = 0.1, z = 0.5 each, 10*0.1 + 10*0.1 = 2.
DANA = candidate(4, "Dana", {"research": 1, "data": 3})
DANA_WEEKS = 2.0
# Bo (working in both, 3.25 each): no strong area. The member does research (2 weeks) and data in
# the time left, Bo only data: 3.25 T + 0.5 (T - 2) = 10, so T = 11 / 3.75.
BO = candidate(3, "Bo", {"research": 2, "data": 2})
BO_WEEKS = 11 / 3.75
# Cy (research expert 6.5, data none 0.5): below basic. Cy does research (10/6.5 weeks) then data,
# the member only data: 0.5 T + 0.5 (T - 10/6.5) = 10, so T = 10 + 5/6.5 = 10 + 10/13;
# Cy's shares: research (10/6.5) / T = 1/7, data 6/7.
CY = candidate(2, "Cy", {"research": 4, "data": 0})
CY_WEEKS = 10 + 10 / 13
# Fay (research none 0.5, data expert 6.5): below basic. Fay does data (10/6.5 weeks) then helps
# with research, the member only research: 5 T + 0.5 (T - 10/6.5) = 10, so T = (10 + 10/13) / 5.5
# = 280/143, less than Dana's 2; Fay's shares: data (10/6.5) / T = 11/14, research 3/14.
FAY = candidate(1, "Fay", {"research": 0, "data": 4})
FAY_WEEKS = 280 / 143


# --- hand-computed ranking ------------------------------------------------------------------


def test_the_team_forecast_is_the_hand_computed_one() -> None:
    assert forecast(TEAM, DEMAND).weeks == pytest.approx(TEAM_WEEKS, rel=1e-6)
    assert rank_candidates(TEAM, DEMAND, []).forecast_weeks == pytest.approx(TEAM_WEEKS, rel=1e-6)


def test_candidates_rank_by_forecast_with_them_and_show_weeks_saved() -> None:
    ranking = rank_candidates(TEAM, DEMAND, [CY, BO, DANA])
    assert names(ranking.entries) == ["Dana", "Bo", "Cy"]
    assert [entry.rank for entry in ranking.entries] == [1, 2, 3]
    expected = [DANA_WEEKS, BO_WEEKS, CY_WEEKS]
    for entry, weeks in zip(ranking.entries, expected, strict=True):
        assert entry.forecast_weeks == pytest.approx(weeks, rel=1e-6)
        assert entry.weeks_saved == pytest.approx(TEAM_WEEKS - weeks, rel=1e-6)


def test_passing_comes_before_a_failing_candidate_who_saves_more_weeks() -> None:
    ranking = rank_candidates(TEAM, DEMAND, [FAY, CY, BO, DANA])
    by_name = {entry.name: entry for entry in ranking.entries}
    assert by_name["Fay"].weeks_saved == pytest.approx(TEAM_WEEKS - FAY_WEEKS, rel=1e-6)
    assert by_name["Fay"].weeks_saved > by_name["Dana"].weeks_saved  # type: ignore[operator]
    # Dana alone passes; the others follow by forecast, whatever their failing verdict.
    assert names(ranking.entries) == ["Dana", "Fay", "Bo", "Cy"]
    assert [e.rubric.verdict for e in ranking.entries] == [
        "passes",
        "below_basic",
        "no_strong_area",
        "below_basic",
    ]


def test_entries_carry_the_candidates_share_of_time_and_inputs() -> None:
    ranking = rank_candidates(TEAM, DEMAND, [DANA, CY, FAY])
    by_name = {entry.name: entry for entry in ranking.entries}
    assert by_name["Dana"].allocation == pytest.approx({"data": 1.0}, rel=1e-6)
    assert by_name["Cy"].allocation == pytest.approx({"research": 1 / 7, "data": 6 / 7}, rel=1e-6)
    assert by_name["Fay"].allocation == pytest.approx({"research": 3 / 14, "data": 11 / 14})
    assert by_name["Dana"].levels == {"research": 1, "data": 3}
    assert by_name["Dana"].rubric == DANA.rubric
    assert (by_name["Dana"].id, by_name["Dana"].level_sum) == (4, 4.0)


def test_not_assessed_areas_count_as_level_zero() -> None:
    # Unrated research forecasts exactly like research "none"; the level sum counts it as 0.
    unrated = candidate(5, "Una", {"research": None, "data": 4})
    ranking = rank_candidates(TEAM, DEMAND, [unrated])
    (entry,) = ranking.entries
    assert entry.forecast_weeks == pytest.approx(FAY_WEEKS, rel=1e-6)
    assert entry.level_sum == 4.0
    assert entry.rubric.verdict == "incomplete"


def test_fractional_levels_use_the_straight_line_velocity() -> None:
    # Data 2.5 -> velocity 0.825, 4.125 pts/wk; research none. Candidate does data only, the
    # member research then data: 4.125 T + 0.5 (T - 2) = 10, T = 11 / 4.625.
    half = candidate(6, "Hal", {"research": 0, "data": 2.5})
    (entry,) = rank_candidates(TEAM, DEMAND, [half]).entries
    assert entry.forecast_weeks == pytest.approx(11 / 4.625, rel=1e-6)


def test_no_demand_means_nothing_to_save_and_ties_fall_to_level_sum() -> None:
    ranking = rank_candidates(TEAM, {"research": 0.0, "data": 0.0}, [BO, DANA, CY])
    assert ranking.forecast_weeks == 0.0
    assert [(e.forecast_weeks, e.weeks_saved, e.allocation) for e in ranking.entries] == [
        (0.0, 0.0, {})
    ] * 3
    assert names(ranking.entries) == ["Dana", "Bo", "Cy"]  # level sums 4, 4 (by name), 4


# --- ties -----------------------------------------------------------------------------------


def entry(
    id: int, name: str, weeks: float, level_sum: float, passes: bool = True
) -> RankedCandidate:
    """A scored candidate with a chosen forecast, to test the order without a solver's noise."""
    rubric = Rubric("passes" if passes else "below_basic", passes, "", ())
    return RankedCandidate(0, id, name, {}, rubric, weeks, None, {}, level_sum)


def test_forecasts_1e_12_apart_are_equal_and_fall_through_to_level_sum() -> None:
    lower = entry(1, "Ann", 5.0, level_sum=4.0)
    higher = entry(2, "Bea", 5.0 + 1e-12, level_sum=6.0)
    assert names(order_candidates([lower, higher])) == ["Bea", "Ann"]
    assert names(order_candidates([higher, lower])) == ["Bea", "Ann"]


def test_forecasts_1e_9_apart_or_more_are_not_equal() -> None:
    lower = entry(1, "Ann", 5.0, level_sum=4.0)
    higher = entry(2, "Bea", 5.0 + 2e-9, level_sum=6.0)
    assert names(order_candidates([higher, lower])) == ["Ann", "Bea"]


def test_tied_forecasts_and_level_sums_fall_through_to_name_then_id() -> None:
    ranked = order_candidates(
        [
            entry(9, "ann", 5.0 + 1e-12, 4.0),
            entry(3, "Bea", 5.0, 4.0),
            entry(2, "Bea", 5.0 + 5e-13, 4.0),
            entry(7, "Ann", 5.0, 3.0),
        ]
    )
    assert [(e.name, e.id, e.rank) for e in ranked] == [
        ("ann", 9, 1),  # names compare case-blind: "ann" < "Bea"
        ("Bea", 2, 2),
        ("Bea", 3, 3),
        ("Ann", 7, 4),  # lowest level sum, despite the first name
    ]


def test_a_tie_straddling_a_rounding_boundary_is_still_a_tie() -> None:
    # 5.0000000005 rounds up and 5.0000000004999 down at 9 places; they still tie.
    first = entry(1, "Ann", 5.0000000004999, level_sum=1.0)
    second = entry(2, "Bea", 5.0000000005001, level_sum=2.0)
    assert names(order_candidates([first, second])) == ["Bea", "Ann"]


def test_equal_candidates_through_the_solver_are_ordered_by_name_then_id() -> None:
    levels = {"research": 1, "data": 3}
    ranking = rank_candidates(
        TEAM,
        DEMAND,
        [candidate(8, "Zed", levels), candidate(5, "Amy", levels), candidate(2, "Zed", levels)],
    )
    assert [(e.name, e.id) for e in ranking.entries] == [("Amy", 5), ("Zed", 2), ("Zed", 8)]


def test_a_near_equal_forecast_with_a_higher_level_sum_ranks_first() -> None:
    # Data 3 + 1e-12 helps by far less than 1e-9 weeks; Ida's higher research does not help at all
    # (duals: research is worth 0.1 a point, Ida's 3.25 pts/wk there < her 0.5 in data). Tied
    # forecasts, so the higher level sum (5 > 4 + 1e-12) wins.
    ida = candidate(1, "Ida", {"research": 2, "data": 3})
    tiny = candidate(2, "Tim", {"research": 1, "data": 3 + 1e-12})
    ranking = rank_candidates(TEAM, DEMAND, [tiny, ida])
    first, second = ranking.entries
    assert abs(first.forecast_weeks - second.forecast_weeks) < 1e-9
    assert names(ranking.entries) == ["Ida", "Tim"]


def test_passing_is_a_group_before_any_forecast() -> None:
    slow = entry(1, "Ann", 30.0, 0.0, passes=True)
    fast = entry(2, "Bea", 1.0, 8.0, passes=False)
    assert names(order_candidates([fast, slow])) == ["Ann", "Bea"]


# --- infinite forecasts ---------------------------------------------------------------------


def test_a_team_that_can_never_finish_has_no_weeks_saved_but_still_ranks() -> None:
    # With "none" at velocity 0, the member cannot do data: the team alone never finishes.
    # Quinn (data basic, 1.75 pts/wk) finishes data in 10/1.75 = 40/7 weeks while the member does
    # research in 2 weeks: T = 40/7. Pia (research expert, data none) and Pat leave data undone.
    quinn = candidate(1, "Quinn", {"research": 0, "data": 1})
    pia = candidate(2, "Pia", {"research": 4, "data": 0})
    pat = candidate(3, "Pat", {"research": 1, "data": 0})
    ranking = rank_candidates(TEAM, DEMAND, [pat, pia, quinn], velocities=NO_NONE)
    assert ranking.forecast_weeks == math.inf
    assert names(ranking.entries) == ["Quinn", "Pia", "Pat"]  # Pia and Pat tie on inf: level sum
    assert ranking.entries[0].forecast_weeks == pytest.approx(40 / 7, rel=1e-6)
    assert [e.forecast_weeks for e in ranking.entries[1:]] == [math.inf, math.inf]
    assert [e.weeks_saved for e in ranking.entries] == [None, None, None]
    assert ranking.entries[1].allocation == {}


def test_an_empty_team_is_ranked_by_the_candidates_alone() -> None:
    # Alone, Dana takes 10/1.75 + 10/5 = 40/7 + 14/7 = 54/7 weeks, research 40/54 = 20/27 of her
    # time; Bo takes 20/3.25 = 80/13 (less), but Dana passes.
    ranking = rank_candidates([], DEMAND, [BO, DANA])
    assert ranking.forecast_weeks == math.inf
    assert names(ranking.entries) == ["Dana", "Bo"]
    assert ranking.entries[0].forecast_weeks == pytest.approx(54 / 7, rel=1e-6)
    assert ranking.entries[1].forecast_weeks == pytest.approx(80 / 13, rel=1e-6)
    assert ranking.entries[0].allocation == pytest.approx({"research": 20 / 27, "data": 7 / 27})


def test_a_candidate_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="once"):
        rank_candidates(TEAM, DEMAND, [DANA, DANA])


# --- properties -----------------------------------------------------------------------------

LEVELS = st.sampled_from([None, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4])
members = st.lists(
    st.builds(
        ForecastMember,
        id=st.integers(1, 50),
        fte=st.sampled_from([0.2, 0.5, 0.8, 1.0]),
        levels=st.fixed_dictionaries({"research": st.integers(0, 4), "data": st.integers(0, 4)}),
    ),
    max_size=3,
)
demands = st.fixed_dictionaries(
    {"research": st.sampled_from([0.0, 3.0, 10.0, 40.0]), "data": st.sampled_from([0.0, 8.0, 25.0])}
)


@st.composite
def candidate_lists(draw: st.DrawFn) -> list[RankInput]:
    """Up to six candidates with distinct ids, drawn names (to force ties) and any levels."""
    ids = draw(st.lists(st.integers(1, 100), unique=True, max_size=6))
    return [
        candidate(
            id,
            draw(st.sampled_from(["Ann", "ann", "Bea", "Cy"])),
            {"research": draw(LEVELS), "data": draw(LEVELS)},
        )
        for id in ids
    ]


@settings(max_examples=100, deadline=None)
@given(
    team=members,
    demand=demands,
    candidates=candidate_lists(),
    velocities=st.sampled_from([(0.10, 0.35, 0.65, 1.00, 1.30), NO_NONE]),
)
def test_ranking_properties(
    team: list[ForecastMember],
    demand: dict[str, float],
    candidates: list[RankInput],
    velocities: tuple[float, ...],
) -> None:
    ranking = rank_candidates(team, demand, candidates, velocities=velocities)
    entries = ranking.entries
    # A permutation of the inputs, ranked 1..n, whatever order they came in.
    assert sorted(e.id for e in entries) == sorted(c.id for c in candidates)
    assert [e.rank for e in entries] == list(range(1, len(candidates) + 1))
    reversed_ranking = rank_candidates(team, demand, candidates[::-1], velocities=velocities)
    assert [e.id for e in reversed_ranking.entries] == [e.id for e in entries]
    for e in entries:
        if math.isfinite(ranking.forecast_weeks):
            assert e.weeks_saved is not None and e.weeks_saved >= 0.0
        else:
            assert e.weeks_saved is None
        assert e.forecast_weeks <= ranking.forecast_weeks * (1 + 1e-9) + 1e-9
    for before, after in zip(entries, entries[1:], strict=False):
        assert before.rubric.passes or not after.rubric.passes
        if before.rubric.passes == after.rubric.passes:
            assert before.forecast_weeks <= after.forecast_weeks + len(entries) * 1e-9


# --- the engine against one plain programme per candidate -----------------------------------
# `rank_candidates` merges the team by profile and solves once per distinct candidate profile
# (team/forecast.py). These compare it with MODEL.md's programme solved by `linprog` for the
# whole unmerged team plus each candidate, written out in tests/team/test_forecast.py.


def test_equal_profiles_merge_on_the_team_and_share_a_forecast_among_candidates() -> None:
    # Two strong researchers (1 + 0.5 fte) are one of 1.5 fte: research 1.5, data 0.15 (in
    # strong-weeks a week); the work is 2 strong-weeks in each area. Alone they do each area in
    # turn: 2/1.5 + 2/0.15 = 44/3 weeks.
    # Dana and Dee (research basic 0.35, data strong 1.0) do data; the team does research, then
    # helps: T + 0.15 (T - 4/3) = 2, T = 2.2/1.15 = 44/23. Dual y = (0.1, 1): 2.2 / (1 + 0.15).
    # Rex (like the members: research 1.0, data 0.1) is proportional to them: one member of
    # research 2.5 and data 0.25, each area in turn: 2/2.5 + 2/0.25 = 8.8 weeks.
    team = [
        ForecastMember(id=1, fte=1.0, levels={"research": 3}),
        ForecastMember(id=2, fte=0.5, levels={"research": 3, "data": 0}),
    ]
    dana, dee = DANA, candidate(7, "Dee", {"research": 1, "data": 3})
    rex = candidate(8, "Rex", {"research": 3, "data": None})
    ranking = rank_candidates(team, DEMAND, [rex, dee, dana])
    assert ranking.forecast_weeks == pytest.approx(44 / 3, rel=1e-9)
    assert names(ranking.entries) == ["Dana", "Dee", "Rex"]
    first, second, third = ranking.entries
    assert first.forecast_weeks == pytest.approx(44 / 23, rel=1e-9)
    assert second.forecast_weeks == first.forecast_weeks  # one solve for both: the very same
    assert first.allocation == second.allocation == pytest.approx({"data": 1.0})
    assert third.forecast_weeks == pytest.approx(8.8, rel=1e-9)
    assert third.weeks_saved == pytest.approx(44 / 3 - 8.8, rel=1e-9)


def plain_with(
    team: list[ForecastMember],
    levels: Mapping[str, float | None],
    demand: dict[str, float],
    velocities: tuple[float, ...],
    ppw: float,
) -> float:
    """The forecast with a full-time candidate (not assessed = 0) by the plain programme."""
    rated = {a: float(v) for a, v in levels.items() if v is not None}
    people = [*team, ForecastMember(id=0, fte=1.0, levels=rated)]
    areas = list(demand)
    return plain_weeks(plain_speeds(people, areas, velocities, ppw), list(demand.values()))


RANK_VELOCITIES = st.one_of(
    st.sampled_from([(0.10, 0.35, 0.65, 1.00, 1.30), NO_NONE, (0.0, 0.2, 0.5, 1.0, 2.0)]),
    st.lists(
        st.one_of(st.just(0.0), st.floats(0.01, 3.0)), min_size=5, max_size=5, unique=True
    ).map(lambda vs: tuple(sorted(vs))),
)


@st.composite
def rank_scenarios(draw: st.DrawFn) -> tuple:
    """A team of 0-10 and 0-10 candidates over 1-3 areas, both drawn mostly from a few profiles.

    Members have whole levels and any fte; candidates have medians (halves) or not assessed;
    some areas have no demand; with velocity 0 at level none some forecasts are infinite.
    """
    areas = ["research", "data", "infra"][: draw(st.integers(1, 3))]
    whole = st.lists(st.integers(0, 4), min_size=len(areas), max_size=len(areas))
    medians = st.lists(LEVELS, min_size=len(areas), max_size=len(areas))
    shared_levels = draw(st.lists(whole, min_size=1, max_size=3))
    member_profile = st.one_of(st.sampled_from(shared_levels), whole)
    candidate_profile = st.sampled_from(draw(st.lists(medians, min_size=1, max_size=3)))
    fte = st.one_of(st.sampled_from([0.2, 0.5, 1.0]), st.floats(0.05, 1.0))
    team = [
        ForecastMember(
            id=i, fte=draw(fte), levels=dict(zip(areas, draw(member_profile), strict=True))
        )
        for i in range(1, draw(st.integers(0, 10)) + 1)
    ]
    candidates = []
    for id in draw(st.lists(st.integers(1, 1000), unique=True, max_size=10)):
        levels = dict(zip(areas, draw(candidate_profile), strict=True))
        name = draw(st.sampled_from(["Ann", "ann", "Bea", "Cy"]))
        candidates.append(RankInput(id, name, levels, verdict(levels, {a: a for a in areas})))
    demand = {a: draw(st.sampled_from([0.0, 3.0, 10.0, 40.0, 7.5])) for a in areas}
    return team, demand, candidates, draw(RANK_VELOCITIES), draw(st.sampled_from([5.0, 2.5]))


@settings(max_examples=100, deadline=None)
@given(scenario=rank_scenarios())
def test_ranking_equals_one_plain_programme_per_candidate(scenario: tuple) -> None:
    team, demand, candidates, velocities, ppw = scenario
    ranking = rank_candidates(team, demand, candidates, velocities, ppw)
    areas = list(demand)
    team_weeks = plain_weeks(plain_speeds(team, areas, velocities, ppw), list(demand.values()))
    assert ranking.forecast_weeks == pytest.approx(team_weeks, rel=1e-6, abs=1e-6)
    plain = {c.id: plain_with(team, c.levels, demand, velocities, ppw) for c in candidates}
    for e in ranking.entries:
        assert e.forecast_weeks == pytest.approx(plain[e.id], rel=1e-6, abs=1e-6)
        if math.isinf(team_weeks):
            assert e.weeks_saved is None
        else:
            assert e.weeks_saved == pytest.approx(max(team_weeks - plain[e.id], 0.0), abs=1e-6)
    # The same order as MODEL.md's keys on the plain forecasts.
    by_plain = [
        RankedCandidate(0, c.id, c.name, c.levels, c.rubric, plain[c.id], None, {}, level_sum(c))
        for c in candidates
    ]
    assert [e.id for e in ranking.entries] == [e.id for e in order_candidates(by_plain)]


def level_sum(c: RankInput) -> float:
    """Sum of assessed levels (not assessed = 0)."""
    return sum(float(v) for v in c.levels.values() if v is not None)
