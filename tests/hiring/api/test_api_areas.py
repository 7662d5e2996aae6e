"""GET /areas and GET /settings: the vocabulary every other call is written in."""

from __future__ import annotations

import pytest

from team.areas import create_skill

API = "/api/v1"


@pytest.mark.parametrize("role", ["admin", "hiring_manager", "leadership", "interviewer"])
def test_areas_in_display_order_with_their_skills(api, db, role):
    create_skill("data", "streaming", "Streaming", session=db)
    create_skill("research", "nlp", "Language models", session=db)
    db.rollback()
    response = api(role).get(f"{API}/areas")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == [
        {
            "key": "research",
            "name": "ML research",
            "skills": [{"key": "nlp", "name": "Language models"}],
        },
        {"key": "engineering", "name": "Software and ML engineering", "skills": []},
        {
            "key": "data",
            "name": "Data engineering",
            "skills": [{"key": "streaming", "name": "Streaming"}],
        },
    ]


@pytest.mark.parametrize("role", ["admin", "hiring_manager", "leadership", "interviewer"])
def test_settings_give_points_per_week_and_velocity_by_level(api, role):
    response = api(role).get(f"{API}/settings")
    assert response.status_code == 200
    assert response.get_json() == {
        "points_per_week": 5.0,
        "velocity": {"0": 0.10, "1": 0.35, "2": 0.65, "3": 1.00, "4": 1.30},
        # The calendar's defaults (MODEL.md): the plan starts this week, no holidays.
        "plan_start": None,
        "holidays": [],
        "ramp_weeks": 12,
        "ramp_start": 0.25,
        "mentoring_fte": 0.2,
        "mentoring_weeks": 8,
        "notice_weeks": 4,
        "horizon_weeks": 520,
        # Not the calendar's: days after an interview that its scorecard is overdue.
        "card_due_days": 2,
    }
