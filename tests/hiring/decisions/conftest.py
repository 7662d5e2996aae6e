"""The opening the "around the decision" tests share (issue 13): four candidates, one in each
of four statuses, ranked in the timeless model so that every number is worked by hand.

The team is Ada alone (research strong, 0 elsewhere) with 10 research and 5 data points open;
ramp-up, mentoring and notice are off, so a candidate starts at the plan start at full speed
(see tests/hiring/test_ranking_pages.py for the working):

- team alone: T = 12 weeks;
- Avery (1, 1, 3), passes, interviewing: T = 11.75 / 6.75 = 1.7407..., saves 10.26;
- Cleo (3, 1, 1), passes, offer made: T = 6 / 2.25 = 2.6667..., saves 9.33;
- Bruno (4, 2, 0), below basic in data, rejected: T = 5 + 5 / 6.5;
- Dana (2, 2, not assessed), incomplete, withdrawn: T = 6.

Every status: Avery, Cleo, Bruno, Dana. The pages leave Bruno and Dana out: Avery 1, Cleo 2.
By name: Avery, Bruno, Cleo, Dana.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import Session

from hiring.accounts.models import User
from hiring.openings import service
from hiring.openings.models import Candidate
from hiring.openings.schemas import OpeningPublic
from team.settings import update_settings
from tests.hiring.conftest import viewer_of

TIMELESS = {"ramp_weeks": 0, "mentoring_fte": 0, "notice_weeks": 0}
TEAM_ALONE = 12.0
WITH = {"Avery": 11.75 / 6.75, "Cleo": 6 / 2.25, "Bruno": 5 + 5 / 6.5, "Dana": 6.0}
CARDS: dict[str, dict[str, int | None]] = {
    "Avery": {"research": 1, "engineering": 1, "data": 3},
    "Cleo": {"research": 3, "engineering": 1, "data": 1},
    "Bruno": {"research": 4, "engineering": 2, "data": 0},
    "Dana": {"research": 2, "engineering": 2, "data": None},
}
STATUSES = {"Avery": "interviewing", "Cleo": "offer", "Bruno": "rejected", "Dana": "withdrawn"}


@dataclass(frozen=True)
class World:
    """The opening, its people and its candidates by name."""

    opening: OpeningPublic
    manager: User
    interviewer: User
    candidates: dict[str, Candidate]

    def id(self, name: str) -> int:
        return self.candidates[name].id or 0


@pytest.fixture
def world(
    db: Session,
    make_user: Any,
    make_member: Any,
    make_work_item: Any,
    make_opening: Any,
    make_candidate: Any,
    write_card: Any,
) -> World:
    """The opening above; its manager Mara and its one interviewer Ivo, who carded everyone."""
    update_settings(session=db, calendar=TIMELESS)
    make_member(name="Ada", levels={"research": 3, "engineering": 0, "data": 0})
    make_work_item(area="research", points=10)
    make_work_item(area="data", points=5)
    manager = make_user("hiring_manager", name="Mara Manager", email="mara@example.com")
    interviewer = make_user("interviewer", name="Ivo Interviewer", email="ivo@example.com")
    opening = make_opening(manager=manager, panel=[interviewer], title="Data engineer")
    made = {}
    for name in ("Dana", "Cleo", "Bruno", "Avery"):
        made[name] = make_candidate(opening, name=name, email=f"{name.lower()}@example.com")
        write_card(made[name], interviewer, CARDS[name], recommendation="yes")
    # Decided after the cards: a rejected candidate's cards can no longer change.
    for name, status in STATUSES.items():
        service.set_status(made[name].id or 0, status, viewer=viewer_of(manager, db), session=db)
    db.commit()
    return World(opening, manager, interviewer, made)
