"""The team's tables: areas, skills, settings, members with their ratings, and planned work.

Field constraints are declared once on the `*Base` classes and shared by the create, update and
public schemas (the SQLModel chain `XBase -> XCreate/XUpdate -> X(table) -> XPublic`).
No `from __future__ import annotations` here: it breaks SQLModel's relationship mapping.
"""

from datetime import UTC, date, datetime

from sqlalchemy import JSON, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

WORK_STATUSES = ("planned", "in_progress", "done")


def utcnow() -> datetime:
    """Aware UTC; SQLModel's UTCDateTime stores it alike on SQLite and PostgreSQL."""
    return datetime.now(UTC)


def as_utc(at: datetime) -> datetime:
    """A stored time as aware UTC: stored times are UTC, and SQLite hands them back naive."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


class AreaBase(SQLModel):
    key: str = Field(min_length=1, max_length=40, regex=r"^[a-z][a-z0-9_-]*$")
    name: str = Field(min_length=1, max_length=80)


class Area(AreaBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True, index=True)
    position: int = Field(default=0)


class SkillBase(SQLModel):
    key: str = Field(min_length=1, max_length=40, regex=r"^[a-z][a-z0-9_-]*$")
    name: str = Field(min_length=1, max_length=80)


class Skill(SkillBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True, index=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    position: int = Field(default=0)


class Settings(SQLModel, table=True):
    """One row (id 1): the velocity table, points per week and the calendar every report uses
    (MODEL.md, "The calendar"; defaults from what onboarding studies report: full speed after
    about three months, a fifth of a mentor's time in the first two)."""

    id: int | None = Field(default=None, primary_key=True)
    points_per_week: float = Field(default=5.0, gt=0)
    velocity_0: float = Field(default=0.10)
    velocity_1: float = Field(default=0.35)
    velocity_2: float = Field(default=0.65)
    velocity_3: float = Field(default=1.00)
    velocity_4: float = Field(default=1.30)
    plan_start: date | None = Field(default=None)  # None: the Monday of the current week
    ramp_weeks: int = Field(default=12)
    ramp_start: float = Field(default=0.25)
    mentoring_fte: float = Field(default=0.2)
    mentoring_weeks: int = Field(default=8)
    notice_weeks: int = Field(default=4)
    horizon_weeks: int = Field(default=520)
    # Not the forecast's: days after an interview that its scorecard is overdue, when the
    # interviewer is reminded by email (`hiring.notifications`, `flask send-reminders`).
    card_due_days: int = Field(default=2)

    @property
    def velocities(self) -> tuple[float, ...]:
        """The velocity of each level 0-4, in order."""
        return (self.velocity_0, self.velocity_1, self.velocity_2, self.velocity_3, self.velocity_4)


class Holiday(SQLModel, table=True):
    """A day nobody works (the setting `holidays`)."""

    day: date = Field(primary_key=True)


class Member(SQLModel, table=True):
    """A person on the team.

    `left_at` set means they left: kept for history, counted for nothing.
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    email: str = Field(max_length=254, unique=True, index=True)
    title: str = Field(default="", max_length=120)
    fte: float = Field(default=1.0)
    # The calendar (MODEL.md): their first and last working days; None: on the team before the
    # plan start, and staying. `left_at` is different: marked as left, counted nowhere today.
    start_date: date | None = Field(default=None)
    end_date: date | None = Field(default=None)
    left_at: datetime | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)

    @property
    def active(self) -> bool:
        """Whether the member is still on the team."""
        return self.left_at is None


class MemberLevel(SQLModel, table=True):
    __tablename__ = "member_level"

    member_id: int = Field(foreign_key="member.id", primary_key=True)
    area_id: int = Field(foreign_key="area.id", primary_key=True)
    level: int = Field(ge=0, le=4)


class MemberSkill(SQLModel, table=True):
    __tablename__ = "member_skill"

    member_id: int = Field(foreign_key="member.id", primary_key=True)
    skill_id: int = Field(foreign_key="skill.id", primary_key=True)
    level: int = Field(ge=0, le=4)


class Absence(SQLModel, table=True):
    """Days a member does not work (leave, parental leave, a conference): `start` to `end`,
    both included."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    start: date
    end: date
    note: str = Field(default="", max_length=200)


class RatingChange(SQLModel, table=True):
    """One changed level of one member, for the rating history (who changed what, when).

    `changed_by` is the acting user's email as text, so history survives renamed or removed users
    and `team/` needs no knowledge of accounts.

    A log, written next to the levels it records and never changed after: its member, area and
    skill ids carry no foreign keys (migration 0015). Members, areas and skills are never
    deleted, and every row is written in the transaction that writes the level it records, by
    the services that just read or made those ids; the checks cost a 100,000-member import on
    PostgreSQL 8 s of its 28 (two per row, one row per initial level) and caught nothing the
    levels' own keys (member_level, member_skill) do not.
    """

    __tablename__ = "rating_change"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(index=True)
    area_id: int | None = Field(default=None)
    skill_id: int | None = Field(default=None)
    old_level: int | None = None
    new_level: int | None = None
    changed_by: str = Field(default="", max_length=254)
    changed_at: datetime = Field(default_factory=utcnow)


class WorkItem(SQLModel, table=True):
    __tablename__ = "work_item"
    __table_args__ = (
        UniqueConstraint("external_source", "external_key", name="uq_work_item_external_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    area_id: int = Field(foreign_key="area.id", index=True)
    points: float
    status: str = Field(default="planned", max_length=20, index=True)
    # Who has it (MODEL.md, "The ticket plan"): an `in_progress` item stays with them; on a
    # `planned` item it is a wish the plan weighs, not a binding choice.
    assignee_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    # Where the item was imported from (`jira`, `linear`, `github`) and its key there (the Jira
    # issue key, Linear ID or GitHub URL): a re-import of the same backlog updates the item with
    # that key instead of adding another (MODEL.md, "The team and the planned work").
    external_source: str | None = Field(default=None, max_length=20)
    external_key: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


class ImportMapping(SQLModel, table=True):
    """How one tracker's export reads as planned work (API.md, "Imports of planned work"): which
    component, label, team or project means which area, which statuses count as done, what an
    unestimated item counts as and which column holds the estimate. Saved per source, so the
    next export of the same backlog imports without asking again."""

    __tablename__ = "import_mapping"

    source: str = Field(primary_key=True, max_length=20)
    area_by_value: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    done_statuses: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    default_points: float | None = None
    points_column: str | None = Field(default=None, max_length=200)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="", max_length=254)


class ImportUpload(SQLModel, table=True):
    """An uploaded CSV file between its preview and its import, and what became of it.

    The page keeps the file here (compressed) rather than sending 50 MB back through the
    browser, so that confirming carries only its id; the import runs in the confirming request
    and records its state and counts here in the same transaction as the rows it writes, so a
    closed tab loses nothing: the import page shows how each recent upload ended.
    """

    __tablename__ = "import_upload"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # "members" or "work"
    source: str | None = Field(default=None, max_length=20)
    filename: str = Field(default="", max_length=255)
    created_by: str = Field(default="", max_length=254, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    size: int = Field(default=0)
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    state: str = Field(default="uploaded", max_length=20)
    # What the person chose on the preview: the source, `close_missing`, a mapping being edited.
    options: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    started_at: datetime | None = None
    finished_at: datetime | None = None
    outcome: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class WorkItemSkill(SQLModel, table=True):
    __tablename__ = "work_item_skill"

    work_item_id: int = Field(foreign_key="work_item.id", primary_key=True)
    skill_id: int = Field(foreign_key="skill.id", primary_key=True)


class InputChange(SQLModel, table=True):
    """One change to an input of the forecast (a work item, a member, an absence, the settings,
    a holiday): the record's state after it (`state` None: removed), so that any past day's
    inputs can be rebuilt and its forecast shown again (`team.history`). Levels have their own
    history (`RatingChange`)."""

    __tablename__ = "input_change"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    kind: str = Field(max_length=20)
    subject_id: int | None = Field(default=None)
    state: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class PlanPublication(SQLModel, table=True):
    """A ticket plan a hiring manager published (MODEL.md, "Published plan"): later plans are
    shown against the latest one and prefer its assignments."""

    __tablename__ = "plan_publication"

    id: int | None = Field(default=None, primary_key=True)
    published_at: datetime = Field(default_factory=utcnow, index=True)
    published_by: str = Field(default="", max_length=254)
    plan_start: date
    finish_weeks: float | None = None
    finish_date: date | None = None


class PlanAssignment(SQLModel, table=True):
    """One item of a published plan: who had it and when it was to finish. `work_item_id` is
    not a foreign key, so that deleting an item later keeps the publication readable."""

    __tablename__ = "plan_assignment"

    publication_id: int = Field(foreign_key="plan_publication.id", primary_key=True)
    work_item_id: int = Field(primary_key=True)
    member_id: int
    finish_weeks: float | None = None
    finish_date: date | None = None
