"""The demo's story (hiring/demo.py, README "Try it"), kept true: the work spans two quarters,
the calendar holds a leave, a departure, a newcomer and holidays, and ramp-up decides which
candidate is worth most (Nadia, who starts three weeks sooner, over Yuki, the stronger data
engineer, who would save the most if newcomers were at full speed at once).

Loaded at fixed plan starts, in and out of the holiday season, so the story does not depend on
the day the tests run.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from hiring.accounts.models import User
from hiring.demo import load_demo
from hiring.openings.rankings import opening_ranking
from team.report import coverage_report
from team.settings import update_settings
from tests.hiring.conftest import viewer_of


@pytest.mark.parametrize("monday", [date(2026, 11, 30), date(2027, 6, 7)])
def test_ramp_up_decides_between_nadia_and_yuki(db, monday):
    update_settings(session=db, plan_start=monday)
    load_demo(session=db, password="demo-password-1")
    report = coverage_report(session=db, week_by_week=True)
    assert 13 <= report.forecast_weeks <= 26  # two quarters of planned work
    kinds = {e.kind for e in report.events}
    assert kinds == {"starts", "leaves", "away"}
    manager = db.exec(select(User).where(User.email == "manager@example.com")).one()
    viewer = viewer_of(manager, db)
    opening_id = 1

    def top_two() -> list[str]:
        ranking = opening_ranking(opening_id, viewer=viewer, session=db, explain=0).ranking
        return [e.name for e in ranking.entries[:2]]

    assert top_two() == ["Nadia Petrova", "Yuki Tanaka"]
    update_settings(session=db, calendar={"ramp_weeks": 0, "mentoring_fte": 0})
    assert top_two() == ["Yuki Tanaka", "Nadia Petrova"]
