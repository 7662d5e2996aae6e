"""Users, their roles, login sessions and API tokens.

No `from __future__ import annotations` here: it breaks SQLModel's mapping.
"""

from datetime import datetime

from sqlmodel import Field, SQLModel

from team.models import utcnow

ROLES = ("admin", "hiring_manager", "interviewer", "leadership")
ROLE_NAMES = {
    "admin": "Admin",
    "hiring_manager": "Hiring manager",
    "interviewer": "Interviewer",
    "leadership": "Leadership",
}


class User(SQLModel, table=True):
    """Someone who logs in. Disabled users keep their history but can neither log in nor call."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=120)
    password_hash: str = Field(default="", max_length=255)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    role: str = Field(max_length=20, primary_key=True)


class MailOptOut(SQLModel, table=True):
    """A kind of email (`hiring.notifications.KINDS`) the user turned off on their profile;
    without a row they get it. A table of its own: the user's row stays as it was."""

    __tablename__ = "mail_opt_out"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    kind: str = Field(max_length=20, primary_key=True)


class LoginSession(SQLModel, table=True):
    """A server-side login session; the cookie only carries its random id.

    Ending the row ends the session everywhere the cookie was copied, which a signed cookie alone
    cannot do: logout, a password change and disabling a user all end rows.
    """

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None


class ApiToken(SQLModel, table=True):
    """A bearer token for the API; only its SHA-256 is stored, the token is shown once.

    It works until `expires_at` or `revoked_at`, whichever comes first. `expires_at` may be NULL
    only on rows written by an older release (see `service._expires_at`).
    """

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    expires_at: datetime | None = None


class LoginFailure(SQLModel, table=True):
    """One failed login, kept for an hour so that logins can be throttled (never the password).

    In the database rather than in memory, because every worker and every instance must count
    the same failures; rows older than the longest window are pruned as new ones come in.
    """

    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    address: str = Field(max_length=64, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
