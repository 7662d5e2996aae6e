"""Every table, imported in one place so that SQLModel.metadata (and Alembic) sees them all."""

from hiring.accounts.models import ApiToken, LoginSession, User, UserRole
from hiring.openings.models import (
    AuditEntry,
    Candidate,
    Opening,
    PanelSeat,
    Scorecard,
    ScorecardRating,
    StatusChange,
)
from team.models import (
    Area,
    Holiday,
    Member,
    MemberLevel,
    MemberSkill,
    RatingChange,
    Settings,
    Skill,
    WorkItem,
    WorkItemSkill,
)

__all__ = [
    "ApiToken",
    "Area",
    "AuditEntry",
    "Candidate",
    "Holiday",
    "LoginSession",
    "Member",
    "MemberLevel",
    "MemberSkill",
    "Opening",
    "PanelSeat",
    "RatingChange",
    "Scorecard",
    "ScorecardRating",
    "Settings",
    "Skill",
    "StatusChange",
    "User",
    "UserRole",
    "WorkItem",
    "WorkItemSkill",
]
