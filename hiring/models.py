"""Every table, imported in one place so that SQLModel.metadata (and Alembic) sees them all."""

from hiring.accounts.models import ApiToken, LoginSession, User, UserRole
from team.models import (
    Area,
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
    "LoginSession",
    "Member",
    "MemberLevel",
    "MemberSkill",
    "RatingChange",
    "Settings",
    "Skill",
    "User",
    "UserRole",
    "WorkItem",
    "WorkItemSkill",
]
