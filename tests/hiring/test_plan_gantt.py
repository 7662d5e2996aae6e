"""The plan page's Gantt geometry (hiring/pages/gantt.py): the time axis's months and weeks,
dates as the plan's weeks, and titles cut to fit their bars."""

from __future__ import annotations

from datetime import date

import pytest

from hiring.pages.gantt import _cut, _months, _weeks, weeks_of

MONDAY = date(2027, 1, 4)


@pytest.mark.parametrize(
    ("day", "end_of_day", "weeks"),
    [
        (date(2027, 1, 4), False, 0.0),
        (date(2027, 1, 4), True, 0.2),
        (date(2027, 1, 8), True, 1.0),  # a Friday's end is the week's end
        (date(2027, 1, 9), False, 1.0),  # so is a Saturday
        (date(2027, 1, 11), False, 1.0),
        (date(2027, 1, 13), True, 1.6),
    ],
)
def test_a_date_is_its_week_plus_the_working_days_before_it(day, end_of_day, weeks):
    assert weeks_of(day, MONDAY, end_of_day=end_of_day) == pytest.approx(weeks)


def test_months_name_the_plan_start_when_no_month_begins_near_it():
    assert _months(MONDAY, 10) == [
        (MONDAY, "Jan 2027"),
        (date(2027, 2, 1), "Feb"),
        (date(2027, 3, 1), "Mar"),
    ]
    # The plan start two days before a month's first: the month alone, with its year.
    assert _months(date(2026, 11, 30), 6) == [
        (date(2026, 12, 1), "Dec 2026"),
        (date(2027, 1, 1), "Jan 2027"),
    ]


def test_a_long_plan_has_fewer_months_and_weeks_marked():
    months = _months(MONDAY, 52 * 3)
    assert len(months) <= 13
    assert [d.month for d, _ in months[1:4]] == [4, 7, 10]  # every quarter
    assert list(_weeks(20)) == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
    assert len(list(_weeks(52 * 3))) <= 12


@pytest.mark.parametrize(
    ("text", "chars", "cut"),
    [("Scoring API", 20, "Scoring API"), ("Scoring API", 8, "Scoring…"), ("Scoring", 3, "")],
)
def test_titles_are_cut_to_fit_their_bar(text, chars, cut):
    assert _cut(text, chars) == cut
