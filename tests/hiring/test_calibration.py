"""Interviewer calibration (MODEL.md, "Deciding together"), pure: bias and agreement on
hand-worked cases, the flag's thresholds, and alpha against the `krippendorff` package itself."""

from __future__ import annotations

import math
import statistics

import krippendorff
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hiring.calibration import LEVELS, Agreement, SubmittedCard, agreement, calibrate
from hiring.pages.calibration_chart import calibration_chart

AREAS = ["research", "data"]
ANN, BEN, CY, EVE = 1, 2, 3, 5


def card(interviewer: int, candidate: int, **ratings: int | None) -> SubmittedCard:
    return SubmittedCard(interviewer=interviewer, candidate=candidate, ratings=ratings)


def by_id(result):
    return {i.interviewer: i for i in result.interviewers}


# --- bias, worked by hand -------------------------------------------------------------------

HAND = [
    card(ANN, 10, research=3, data=2),
    card(BEN, 10, research=2, data=2),
    card(CY, 10, research=1, data=None),  # not assessed: not a rating
    card(ANN, 11, research=4),
    card(BEN, 11, research=3, data=1),
    card(CY, 11, research=3, data=1),
    card(ANN, 12, research=0),  # nobody else rated 12: nothing to compare
    card(EVE, 13, research=None),  # a card with no rating at all
]


def test_bias_worked_by_hand() -> None:
    """Ann: research 3 vs median(2, 1) = 1.5 -> +1.5; data 2 vs Ben's 2 -> 0; research 4 vs
    median(3, 3) -> +1. Ben: 2 vs median(3, 1) = 2 -> 0; 2 vs 2 -> 0; 3 vs median(4, 3) = 3.5
    -> -0.5; 1 vs 1 -> 0. Cy: 1 vs median(3, 2) = 2.5 -> -1.5; 3 vs 3.5 -> -0.5; 1 vs 1 -> 0."""
    found = by_id(calibrate(HAND, AREAS))
    ann, ben, cy, eve = found[ANN], found[BEN], found[CY], found[EVE]
    assert (ann.cards, ann.n, ann.bias) == (3, 3, pytest.approx(2.5 / 3))
    assert (ann.by_area["research"].n, ann.by_area["research"].bias) == (2, 1.25)
    assert (ann.by_area["data"].n, ann.by_area["data"].bias) == (1, 0.0)
    assert (ben.cards, ben.n, ben.bias) == (2, 4, -0.125)
    assert (ben.by_area["research"].bias, ben.by_area["data"].bias) == (-0.25, 0.0)
    assert (cy.cards, cy.n, cy.bias) == (2, 3, pytest.approx(-2 / 3))
    assert (cy.by_area["research"].n, cy.by_area["research"].bias) == (2, -1.0)
    assert (cy.by_area["data"].n, cy.by_area["data"].bias) == (1, 0.0)
    # Nothing compared: n = 0 and no bias, overall and in every area; no flag.
    assert (eve.cards, eve.n, eve.bias, eve.flag) == (1, 0, None, None)
    assert {k: (b.n, b.bias) for k, b in eve.by_area.items()} == {
        "research": (0, None),
        "data": (0, None),
    }
    assert all(i.flag is None for i in found.values())  # fewer than 5 ratings each


def test_the_chart_points_are_each_rating_against_the_others_median() -> None:
    ann = by_id(calibrate(HAND, AREAS))[ANN]
    assert [(c.candidate, c.area, c.rating, c.others) for c in ann.comparisons] == [
        (10, "research", 3, 1.5),
        (10, "data", 2, 2.0),
        (11, "research", 4, 3.0),
    ]
    assert [c.deviation for c in ann.comparisons] == [1.5, 0.0, 1.0]


def test_interviewers_come_in_id_order_and_areas_in_display_order() -> None:
    result = calibrate(HAND, ["data", "research"])
    assert [i.interviewer for i in result.interviewers] == [ANN, BEN, CY, EVE]
    assert list(result.interviewers[0].by_area) == ["data", "research"]
    assert list(result.agreement) == ["data", "research"]


def test_areas_not_asked_for_are_left_out() -> None:
    found = by_id(calibrate(HAND, ["data"]))
    assert (found[ANN].n, found[ANN].bias) == (1, 0.0)
    assert list(found[ANN].by_area) == ["data"]


def test_one_card_per_interviewer_and_candidate_and_levels_on_the_scale() -> None:
    with pytest.raises(ValueError, match="current revision only"):
        calibrate([card(ANN, 1, research=2), card(ANN, 1, research=3)], AREAS)
    for bad in (5, -1, 2.5, True, "3"):
        with pytest.raises(ValueError, match="whole number 0-4"):
            calibrate([card(ANN, 1, research=bad)], AREAS)  # type: ignore[arg-type]


# --- the flag -------------------------------------------------------------------------------


def panel(halves: list[int]) -> list[SubmittedCard]:
    """Ann's deviation per candidate, in half levels (+1, 0 or -1), against Ben and Cy."""
    cards = []
    for candidate, half in enumerate(halves, start=1):
        others = (2, 2) if half == 0 else (2, 3)  # a median of 2 or 2.5
        mine = {1: 3, 0: 2, -1: 2}[half]
        cards += [
            card(ANN, candidate, research=mine),
            card(BEN, candidate, research=others[0]),
            card(CY, candidate, research=others[1]),
        ]
    return cards


@pytest.mark.parametrize(
    ("halves", "bias", "flag"),
    [
        ([1] * 4, 0.5, None),  # half a level, but over 4 ratings only
        ([1] * 5, 0.5, "rates_high"),  # half a level over 5
        ([-1] * 5, -0.5, "rates_low"),
        ([-1] * 4, -0.5, None),
        ([1] * 49 + [0], 0.49, None),  # 24.5 / 50: just under half a level
        ([1] * 50, 0.5, "rates_high"),
        ([-1] * 49 + [0], -0.49, None),
        ([1] * 5 + [0] * 5, 0.25, None),
    ],
    ids=["n4", "n5", "n5-low", "n4-low", "0.49", "0.50", "-0.49", "0.25"],
)
def test_the_flag_needs_half_a_level_over_five_ratings(halves, bias, flag) -> None:
    ann = by_id(calibrate(panel(halves), ["research"]))[ANN]
    assert ann.n == len(halves)
    assert ann.bias == pytest.approx(bias)
    assert ann.flag == flag


# --- agreement ------------------------------------------------------------------------------


def test_alpha_worked_by_hand() -> None:
    """Candidates (0, 1), (1, 1), (2, 2): n0 = 1, n1 = 3, n2 = 2 of n = 6 pairable values.
    Ordinal distances: d01 = ((1 + 3) / 2)^2 = 4, d02 = (6 - 1.5)^2 = 20.25,
    d12 = ((3 + 2) / 2)^2 = 6.25. Observed: the pair (0, 1) both ways, 2 * 4 = 8. Expected:
    2 * (1*3*4 + 1*2*20.25 + 3*2*6.25) / 5 = 36. Alpha = 1 - 8/36 = 7/9."""
    found = agreement([(0, 1), (1, 1), (2, 2)])
    assert found.alpha == pytest.approx(7 / 9)
    assert (found.ratings, found.candidates, found.values) == (6, 3, 3)


def test_two_raters_who_always_swap_two_levels_agree_worse_than_chance() -> None:
    """(1, 2) twice: observed 4 d12 against expected 8/3 d12, whatever d12 is: -0.5."""
    assert agreement([(1, 2), (2, 1)]).alpha == pytest.approx(-0.5)


def test_alpha_of_krippendorffs_own_ordinal_example() -> None:
    """Krippendorff (2011), "Computing Krippendorff's alpha-reliability", 4 coders x 12 units
    on a 1-5 scale, shifted to 0-4 (an ordinal alpha reads only the order): 0.815."""
    coders = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    cards = [
        card(coder, unit, research=None if value is None else value - 1)
        for coder, row in enumerate(coders, start=1)
        for unit, value in enumerate(row)
    ]
    assert round(calibrate(cards, ["research"]).agreement["research"].alpha or 0, 3) == 0.815


def test_full_agreement_is_one() -> None:
    assert agreement([(1, 1), (3, 3, 3), (0, 0)]).alpha == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("units", "ratings"),
    [
        ([], 0),
        ([(3,), (2,), (4,)], 0),  # everyone rated by one person: nothing pairs
        ([(2, 2), (2, 2, 2), (1,)], 5),  # one value among the pairable ratings: 0/0
    ],
    ids=["nothing", "unpaired", "one-value"],
)
def test_alpha_is_null_where_undefined(units, ratings) -> None:
    found = agreement(units)
    assert found.alpha is None and found.ratings == ratings
    assert "not enough" in found.reading or "same level" in found.reading


def test_readings_follow_krippendorffs_scale() -> None:
    def reading(alpha: float) -> str:
        return Agreement(alpha=alpha, ratings=10, candidates=5, values=3).reading

    assert reading(0.9) == "the panel agrees well"
    assert reading(0.7).startswith("the panel mostly agrees")
    assert reading(0.3).startswith("the panel often disagrees")
    assert reading(-0.2).startswith("no better than chance")


def test_alpha_per_area_counts_only_that_areas_ratings() -> None:
    found = calibrate(HAND, AREAS).agreement
    # research: 10 -> (3, 2, 1), 11 -> (4, 3, 3); data: 10 -> (2, 2), 11 -> (1, 1)
    assert found["research"].ratings == 6 and found["research"].candidates == 2
    assert found["research"].alpha == pytest.approx(agreement([(3, 2, 1), (4, 3, 3)]).alpha)
    assert found["data"].alpha == pytest.approx(1.0)


# --- against the package, on generated panels -----------------------------------------------

cells = st.one_of(st.none(), st.sampled_from(LEVELS))
matrices = st.integers(2, 6).flatmap(
    lambda coders: st.lists(
        st.lists(cells, min_size=coders, max_size=coders), min_size=1, max_size=12
    )
)


def package_alpha(matrix: list[list[int | None]]) -> float | None:
    """The package on the interviewers x candidates matrix, NaN for "not assessed"; None where
    it refuses (no candidate rated twice) or answers NaN (one value: 0/0)."""
    data = np.array(
        [[np.nan if v is None else v for v in row] for row in zip(*matrix, strict=True)],
        dtype=float,
    )
    try:
        with np.errstate(all="ignore"):
            found = krippendorff.alpha(
                reliability_data=data, value_domain=list(LEVELS), level_of_measurement="ordinal"
            )
    except ValueError:
        return None
    return None if math.isnan(found) else float(found)


@given(matrix=matrices)
def test_alpha_equals_the_package_on_the_whole_matrix(matrix) -> None:
    """Rows of `matrix` are candidates, columns interviewers."""
    cards = [
        card(interviewer, candidate, research=level)
        for candidate, row in enumerate(matrix)
        for interviewer, level in enumerate(row)
    ]
    ours = calibrate(cards, ["research"]).agreement["research"].alpha
    theirs = package_alpha(matrix)
    if theirs is None:
        assert ours is None
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


@given(matrix=matrices)
def test_bias_is_the_mean_deviation_from_the_others_median(matrix) -> None:
    cards = [
        card(interviewer, candidate, research=level)
        for candidate, row in enumerate(matrix)
        for interviewer, level in enumerate(row)
    ]
    for found in calibrate(cards, ["research"]).interviewers:
        deviations = [
            row[found.interviewer] - statistics.median(others)
            for row in matrix
            if row[found.interviewer] is not None
            and (
                others := [v for i, v in enumerate(row) if i != found.interviewer and v is not None]
            )
        ]
        assert found.n == len(deviations)
        if deviations:
            assert found.bias == pytest.approx(statistics.fmean(deviations))
        else:
            assert found.bias is None


# --- the chart ------------------------------------------------------------------------------


def test_the_chart_puts_each_rating_against_the_others_median() -> None:
    """Up is their rating, across the others' median; repeated points are one larger dot."""
    ann = by_id(calibrate(HAND + [card(ANN, 14, data=2), card(BEN, 14, data=2)], AREAS))[ANN]
    chart = calibration_chart(ann.comparisons)
    dots = {(d.others, d.rating): d for d in chart.dots}
    assert set(dots) == {(1.5, 3), (2.0, 2), (3.0, 4)}
    assert (dots[(2.0, 2)].count, dots[(2.0, 2)].side) == (2, "same")
    assert dots[(1.5, 3)].side == "above" and dots[(3.0, 4)].side == "above"
    assert dots[(2.0, 2)].r > dots[(1.5, 3)].r  # two ratings draw a larger dot than one
    assert chart.dots[0] is dots[(2.0, 2)]  # the larger first, so none hides a smaller one
    assert (chart.above, chart.same, chart.below) == (2, 2, 0)
    # The diagonal runs from (0, 0) at the bottom left to (4, 4) at the top right.
    x0, y0, x4, y4 = chart.diagonal
    assert (x0, y0, x4, y4) == (chart.left, chart.bottom, chart.right, chart.top)
    middle = (chart.left + chart.right) / 2
    assert dots[(2.0, 2)].x == pytest.approx(middle, abs=0.1)
    assert dots[(2.0, 2)].y == pytest.approx((chart.top + chart.bottom) / 2, abs=0.1)
