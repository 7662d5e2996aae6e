"""A candidate's levels and rubric verdict (MODEL.md, "Candidates"): medians, verdicts, reasons."""

from __future__ import annotations

import pytest

from hiring.rubric import CardRatings, Rubric, candidate_levels, unrated_areas, verdict

AREAS = {"research": "research", "engineering": "engineering", "data": "data"}
NAMED = {"research": "ML research", "engineering": "Engineering", "data": "Data engineering"}


def levels(research: float | None, engineering: float | None, data: float | None) -> dict:
    """Levels in the default three areas, in display order."""
    return {"research": research, "engineering": engineering, "data": data}


# --- medians --------------------------------------------------------------------------------


def test_median_of_an_odd_count_is_the_middle_rating() -> None:
    cards = [{"research": 1}, {"research": 4}, {"research": 2}]
    assert candidate_levels(cards, ["research"]) == {"research": 2.0}


def test_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    cards = [{"data": 2}, {"data": 3}]
    assert candidate_levels(cards, ["data"]) == {"data": 2.5}
    four = [{"data": 0}, {"data": 4}, {"data": 1}, {"data": 2}]  # middle two: 1 and 2
    assert candidate_levels(four, ["data"]) == {"data": 1.5}


def test_not_assessed_ratings_are_ignored_not_counted_as_zero() -> None:
    cards = [{"research": 3}, {"research": None}, {"research": 4}]
    assert candidate_levels(cards, ["research"]) == {"research": 3.5}


def test_an_area_nobody_rated_has_no_level() -> None:
    cards = [{"research": 3, "data": None}, {"research": 2}]
    assert candidate_levels(cards, AREAS) == {"research": 2.5, "engineering": None, "data": None}


def test_levels_follow_the_display_order_and_skip_unknown_areas() -> None:
    cards = [{"data": 1, "retired_area": 4, "research": 2}]
    result = candidate_levels(cards, ["research", "engineering", "data"])
    assert list(result) == ["research", "engineering", "data"]
    assert result == {"research": 2.0, "engineering": None, "data": 1.0}


def test_no_cards_means_nothing_is_assessed() -> None:
    assert candidate_levels([], AREAS) == {"research": None, "engineering": None, "data": None}


def test_card_ratings_are_accepted_like_bare_mappings() -> None:
    cards = [
        CardRatings("ana@example.com", {"research": 4, "data": 1}, "strong_yes"),
        CardRatings("bo@example.com", {"research": 3, "data": None}, None),
    ]
    assert candidate_levels(cards, ["research", "data"]) == {"research": 3.5, "data": 1.0}


@pytest.mark.parametrize("bad", [5, -1, 2.5, True, "3"])
def test_a_rating_outside_the_model_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="rating for research"):
        candidate_levels([{"research": bad}], ["research"])  # type: ignore[dict-item]


def test_unrated_areas_names_the_areas_nobody_rated_in_order() -> None:
    cards = [{"engineering": 2, "research": None}, {"engineering": None}]
    assert unrated_areas(cards, AREAS) == ("research", "data")
    assert unrated_areas([{"research": 0, "engineering": 1, "data": 2}], AREAS) == ()


# --- verdicts -------------------------------------------------------------------------------


def test_an_unrated_area_makes_the_verdict_incomplete() -> None:
    cards = [{"research": 4, "engineering": 1}]
    result = verdict(candidate_levels(cards, AREAS), AREAS)
    assert result == Rubric("incomplete", False, "not assessed in data", ("data",))


def test_incomplete_wins_over_every_later_check_and_names_all_missing_areas() -> None:
    # research is below basic too, but the panel is not done: incomplete is checked first.
    result = verdict({"research": 0.0}, AREAS)
    assert result.verdict == "incomplete"
    assert result.passes is False
    assert result.reason == "not assessed in engineering and data"
    assert result.deciding_areas == ("engineering", "data")


def test_no_strong_area_names_the_best_area_and_its_level() -> None:
    result = verdict(levels(1, 0, 2), AREAS)
    assert result == Rubric(
        "no_strong_area", False, "not strong in any area: best is data at working", ("data",)
    )


def test_no_strong_area_is_checked_before_below_basic() -> None:
    result = verdict(levels(0, 0, 2.5), AREAS)
    assert result.verdict == "no_strong_area"
    assert result.reason == "not strong in any area: best is data at working-strong"


def test_no_strong_area_names_every_area_tied_for_best() -> None:
    result = verdict(levels(2, 1, 2), AREAS)
    assert result.reason == "not strong in any area: best is research and data at working"
    assert result.deciding_areas == ("research", "data")


def test_below_basic_names_each_weak_area_with_its_level() -> None:
    result = verdict(levels(0, 4, 0.5), AREAS)
    assert result == Rubric(
        "below_basic",
        False,
        "below basic in research (none) and data (none-basic)",
        ("research", "data"),
    )


def test_passes_names_the_strong_areas() -> None:
    result = verdict(levels(1, 4, 2), AREAS)
    assert result == Rubric(
        "passes", True, "strong in engineering (expert), at least basic in all", ("engineering",)
    )


def test_passes_with_several_strong_areas_uses_the_area_names() -> None:
    result = verdict(levels(3, 1, 3.5), NAMED)
    assert result.verdict == "passes"
    assert result.reason == (
        "strong in ML research (strong) and Data engineering (strong-expert), at least basic in all"
    )
    assert result.deciding_areas == ("research", "data")


def test_reasons_use_display_names_not_keys() -> None:
    assert verdict(levels(3, None, 1), NAMED).reason == "not assessed in Engineering"
    assert verdict(levels(3, 0, 1), NAMED).reason == "below basic in Engineering (none)"


def test_a_level_missing_from_the_mapping_is_not_assessed() -> None:
    result = verdict({"research": 3.0, "engineering": 1.0}, AREAS)
    assert (result.verdict, result.deciding_areas) == ("incomplete", ("data",))


# --- fractional medians at the boundaries ---------------------------------------------------


@pytest.mark.parametrize(
    ("best", "expected"),
    [(2.5, "no_strong_area"), (3.0, "passes"), (3.5, "passes"), (2.999, "no_strong_area")],
)
def test_strong_means_three_or_more(best: float, expected: str) -> None:
    assert verdict(levels(best, 1, 1), AREAS).verdict == expected


@pytest.mark.parametrize(
    ("weakest", "expected"),
    [(0.5, "below_basic"), (1.0, "passes"), (1.5, "passes"), (0.0, "below_basic")],
)
def test_basic_means_one_or_more(weakest: float, expected: str) -> None:
    result = verdict(levels(3, weakest, 2), AREAS)
    assert result.verdict == expected
    assert result.passes is (expected == "passes")


def test_a_split_panel_median_decides_the_verdict() -> None:
    # Two interviewers rate research 2 and 3: median 2.5, not strong; a third 3 makes it strong.
    two = [levels(2, 1, 1), levels(3, 1, 1)]
    assert verdict(candidate_levels(two, AREAS), AREAS).verdict == "no_strong_area"
    three = [*two, levels(3, None, None)]
    assert verdict(candidate_levels(three, AREAS), AREAS).verdict == "passes"


def test_no_areas_at_all_cannot_pass() -> None:
    result = verdict({}, {})
    assert (result.verdict, result.passes, result.deciding_areas) == ("no_strong_area", False, ())
