"""Tables of the hiring side: openings and their panels, candidates, scorecards, the audit log.

Nothing a decision rests on is deleted: submitted scorecards stay when corrected (a correction is a
new revision), every status change and decision is a row, and the audit log records who did what.
No `from __future__ import annotations` here: it breaks SQLModel's mapping.
"""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from team.models import utcnow

OPENING_STATUSES = ("open", "closed")
# `withdrawn`: the candidate stepped back (their choice, where `rejected` is ours). Neither is
# ranked on the pages by default, and neither is owed cards (`scorecards.cards_owed`).
CANDIDATE_STATUSES = ("applied", "interviewing", "offer", "hired", "rejected", "withdrawn")
# What pages and the audit log's sentences call each status ("Maria moved Yuki to Offer made").
CANDIDATE_STATUS_NAMES = {
    "applied": "Applied",
    "interviewing": "Interviewing",
    "offer": "Offer made",
    "hired": "Hired",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
}
RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")
RECOMMENDATION_NAMES = {
    "strong_no": "Strong no",
    "no": "No",
    "yes": "Yes",
    "strong_yes": "Strong yes",
}


class Opening(SQLModel, table=True):
    """A role to fill, owned by a hiring manager, with a target area and an interview panel."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    target_area_id: int | None = Field(default=None, foreign_key="area.id")
    headcount: int = Field(default=1)
    status: str = Field(default="open", max_length=20, index=True)
    hiring_manager_id: int = Field(foreign_key="app_user.id", index=True)
    # When a hire for it would start (MODEL.md, "Start"); None: `notice_weeks` after the plan start.
    start_date: date | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


class PanelSeat(SQLModel, table=True):
    """An interviewer on an opening's panel, since when (None: seated before this was kept).

    The time matters to the independence rule: someone who could read the opening's cards
    off the panel (its manager, an admin, a leader) and is seated after a card came in may have
    read it first, so their own card for that candidate is marked.
    """

    __tablename__ = "panel_seat"

    opening_id: int = Field(foreign_key="opening.id", primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", primary_key=True, index=True)
    seated_at: datetime | None = Field(default_factory=utcnow)


class Candidate(SQLModel, table=True):
    """Someone applying for an opening; `member_id` is set once hired onto the team.

    An email appears once per opening; the database holds that even when two adds race.
    """

    __table_args__ = (UniqueConstraint("opening_id", "email", name="uq_candidate_opening_email"),)

    id: int | None = Field(default=None, primary_key=True)
    opening_id: int = Field(foreign_key="opening.id", index=True)
    name: str = Field(max_length=120)
    email: str = Field(max_length=254)
    status: str = Field(default="applied", max_length=20, index=True)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    # The first day they could start (MODEL.md, "Start"); None: the opening's start date.
    available_from: date | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


class StatusChange(SQLModel, table=True):
    """A candidate's move through the pipeline: who moved them, when, and why."""

    __tablename__ = "status_change"

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    old_status: str | None = Field(default=None, max_length=20)
    new_status: str = Field(max_length=20)
    note: str = Field(default="", max_length=2000)
    changed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    changed_at: datetime = Field(default_factory=utcnow)


class Scorecard(SQLModel, table=True):
    """One interviewer's card for one candidate, in revisions.

    Revision 1 is the first card; a correction after submitting is revision 2, and so on. Only
    the newest submitted revision counts; older ones stay for the history. A draft is always the
    newest revision and counts for nothing.
    """

    __table_args__ = (UniqueConstraint("candidate_id", "interviewer_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    interviewer_id: int = Field(foreign_key="app_user.id", index=True)
    revision: int = Field(default=1)
    recommendation: str | None = Field(default=None, max_length=20)
    notes: str = Field(default="", max_length=10000)
    submitted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # A correction submitted when another panelist's card for the candidate was already in: its
    # author could read the panel before changing their mind, which readers should know.
    after_panel: bool = Field(default=False)


class ScorecardRating(SQLModel, table=True):
    """A card's rating of one area; a missing row or a null level means "not assessed"."""

    __tablename__ = "scorecard_rating"

    scorecard_id: int = Field(foreign_key="scorecard.id", primary_key=True)
    area_id: int = Field(foreign_key="area.id", primary_key=True)
    level: int | None = None


class AuditEntry(SQLModel, table=True):
    """Who did what to which record, and when: submissions, revisions, status changes, decisions."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    actor_email: str = Field(default="", max_length=254)
    action: str = Field(max_length=60)
    subject_type: str = Field(max_length=40)
    subject_id: int | None = None
    details: str = Field(default="", max_length=4000)


# Interview structure: what each panelist covers, when they meet each candidate, and what the
# levels mean in each area with the questions that draw them out (the scorecard form shows it).


class PanelFocus(SQLModel, table=True):
    """An area one panelist is asked to cover for an opening: their scorecard opens on it, so a
    panel splits the areas between them instead of everyone asking the same questions.

    Kept while the seat is empty, so a panelist seated again gets their areas back; only rows
    of a current seat are read (`interviews.py` joins on `PanelSeat`).
    """

    __tablename__ = "panel_focus"

    opening_id: int = Field(foreign_key="opening.id", primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    area_id: int = Field(foreign_key="area.id", primary_key=True)


class Interview(SQLModel, table=True):
    """The day one panelist interviews one candidate: the order their cards fall due in."""

    candidate_id: int = Field(foreign_key="candidate.id", primary_key=True)
    interviewer_id: int = Field(foreign_key="app_user.id", primary_key=True, index=True)
    scheduled_on: date
    updated_at: datetime = Field(default_factory=utcnow)


class AreaLevelMeaning(SQLModel, table=True):
    """What one level means in one area, where an admin wrote it: a level without a row means
    what MODEL.md's table says (`team.levels.LEVEL_MEANINGS`), so the defaults stay in code."""

    __tablename__ = "area_level_meaning"

    area_id: int = Field(foreign_key="area.id", primary_key=True)
    level: int = Field(primary_key=True, ge=0, le=4)
    meaning: str = Field(max_length=300)


class AreaQuestion(SQLModel, table=True):
    """A suggested interview question for an area (at most five per area, in `position` order)."""

    __tablename__ = "area_question"

    area_id: int = Field(foreign_key="area.id", primary_key=True)
    position: int = Field(primary_key=True)
    text: str = Field(max_length=300)


class ReminderSent(SQLModel, table=True):
    """An overdue-card reminder mailed to one panelist about one interview, so that the cron
    command (`flask send-reminders`) sends each one once. Keyed by the interview's day: a
    rescheduled interview whose card falls overdue again is reminded of again."""

    __tablename__ = "reminder_sent"

    candidate_id: int = Field(foreign_key="candidate.id", primary_key=True)
    interviewer_id: int = Field(foreign_key="app_user.id", primary_key=True)
    interview_on: date = Field(primary_key=True)
    sent_at: datetime = Field(default_factory=utcnow)
