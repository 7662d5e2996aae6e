"""The weakest area's sentence: the facts a leader reads, and the saving by the one rule."""

from __future__ import annotations

from hiring.weakest import weakest_saves, weakest_words
from team.report import WeakestArea


def facts(**changes: object) -> WeakestArea:
    """Data engineering, 54% of the open work, 2 of 13 strong; 3.64 -> 3.26 weeks with a
    strong specialist there."""
    base: dict[str, object] = {
        "key": "data",
        "name": "Data engineering",
        "demand_points": 54,
        "demand_share": 0.54,
        "strong_or_better": 2,
        "people": 13,
        "forecast_weeks": 3.64,
        "weeks_with_specialist": 3.26,
        "pressure_weeks": 0.38,
        "pressure_share": 0.38 / 3.64,
    }
    return WeakestArea(**(base | changes))  # type: ignore[arg-type]


def test_the_issue_sentence_with_the_saving_as_the_difference_of_the_shown_forecasts() -> None:
    # 3.6 weeks -> 3.3 weeks: 0.3 weeks, 1.5 working days (0.38 before rounding: 2 days).
    assert weakest_words(facts()) == (
        "Data engineering: 54% of the open work, 2 of 13 people strong or better; "
        "one strong hire here saves 1.5 days."
    )
    assert str(weakest_saves(facts())) == "1.5 days"


def test_a_long_saving_reads_in_weeks_and_one_person_is_a_person() -> None:
    sentence = weakest_words(facts(people=1, strong_or_better=0, weeks_with_specialist=1.0))
    assert sentence == (
        "Data engineering: 54% of the open work, 0 of 1 person strong or better; "
        "one strong hire here saves 2.6 weeks."
    )


def test_no_saving_and_no_finish_are_said_in_words() -> None:
    assert weakest_words(facts(weeks_with_specialist=3.62)) == (
        "Data engineering: 54% of the open work, 2 of 13 people strong or better; "
        "one strong hire here would not make the work land sooner."
    )
    stuck = facts(
        strong_or_better=0, forecast_weeks=None, weeks_with_specialist=None, pressure_weeks=None
    )
    assert weakest_words(stuck) == (
        "Data engineering: 54% of the open work, 0 of 13 people strong or better, and nobody "
        "who can work on it: the planned work cannot be finished until someone can."
    )
    assert weakest_saves(stuck) is None
    assert weakest_words(facts(people=0, strong_or_better=0)) == (
        "Data engineering: 54% of the open work, and nobody on the team to do it."
    )
    assert weakest_words(None) is None and weakest_saves(None) is None
