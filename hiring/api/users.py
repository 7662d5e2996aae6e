"""Users, their roles, their passwords and their API tokens, for admins: the API twin of the admin
user pages, calling the same `hiring.accounts.service` functions, so the same rules hold (an admin
cannot disable themselves or drop their own admin role; disabling a user or setting their password
ends their sessions and revokes their tokens).

A password an admin leaves out is generated, as on the page, and answered once, never stored
readable. Setting a password and revoking a token are logged as the pages log them; the audit log
is about hiring records, so these keep no audit entries there (hiring/accounts/admin.py says why).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from flask import current_app, g, jsonify, url_for
from pydantic import AfterValidator, BaseModel, Field, StringConstraints
from werkzeug.wrappers import Response

from hiring.access import allow
from hiring.accounts import service
from hiring.accounts.models import ROLES, User
from hiring.accounts.passwords import MAX_LENGTH, MIN_LENGTH, generate_password
from hiring.api import bp
from hiring.api.inputs import QueryArgs, json_body
from hiring.api.openapi import operation
from hiring.db import get_session
from team.emails import Email
from team.models import as_utc
from team.schemas import _Input, _no_control_chars, at_most

USER = "/users/<int:user_id>"

Role = Literal["admin", "hiring_manager", "interviewer", "leadership"]
assert set(get_args(Role)) == set(ROLES), "the API's roles are the accounts' roles"
Roles = Annotated[
    list[Role],
    Field(min_length=1, max_length=len(ROLES), description="At least one role."),
    at_most(len(ROLES)),
]
UserName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    AfterValidator(_no_control_chars),
]
Password = Annotated[
    str,
    StringConstraints(min_length=MIN_LENGTH, max_length=MAX_LENGTH),
    Field(
        description="At least 8 characters, not a common password, without the user's name or "
        "email or this service's name. Left out: one is generated and answered once."
    ),
]


class UserCreate(_Input):
    """A new user: who they are, what they may do, and their first password (or none, to have
    one generated)."""

    email: Email
    name: UserName
    roles: Roles
    password: Password | None = None


class UserUpdate(_Input):
    """The fields sent change; `active: false` disables the user (ends their sessions and
    revokes their tokens, for good), `roles` replaces their roles."""

    name: UserName | None = None
    roles: Roles | None = None
    active: bool | None = None


class PasswordReset(_Input):
    """The new password, or nothing (`{}`) to have one generated."""

    password: Password | None = None


class UserPublic(BaseModel):
    """A user as admins see them: never a password or its hash."""

    id: int
    email: str
    name: str
    roles: list[str] = Field(description="Sorted.")
    active: bool = Field(description="false: disabled, can neither log in nor call the API.")


class UserCreated(UserPublic):
    """The new user, and the password generated for them (shown this once)."""

    generated_password: str | None = Field(
        description="The password made for them when none was sent; null when one was sent."
    )


class PasswordSet(BaseModel):
    """A password reset done: their sessions ended and their tokens revoked."""

    generated_password: str | None = Field(
        description="The password made for them when none was sent; null when one was sent."
    )


class UserPage(BaseModel):
    """One page of users, by name, and how many match in all."""

    items: list[UserPublic]
    total: int = Field(ge=0)


class TokenPublic(BaseModel):
    """An API token as its user's admin sees it: its name and first characters, never itself."""

    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to tell tokens apart.")
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    revoked_at: datetime | None
    state: Literal["live", "expired", "revoked"]


class TokenList(BaseModel):
    """A user's tokens, live ones first, newest first."""

    items: list[TokenPublic]
    total: int = Field(ge=0)


def _public(user: User, roles: frozenset[str]) -> UserPublic:
    return UserPublic(
        id=user.id or 0, email=user.email, name=user.name, roles=sorted(roles), active=user.active
    )


@bp.get("/users")
@allow("admin")
@operation("List users", response=UserPage, query=("limit", "offset", "user_q"))
def list_users():
    """A page of everyone who can log in (or could: disabled users too), by name; `q` searches
    names and emails."""
    args = QueryArgs()
    limit, offset = args.page()
    search = args.text("q")
    args.check()
    users, total = service.list_users(
        session=get_session(), search=search, limit=limit, offset=offset
    )
    page = UserPage(items=[_public(user, roles) for user, roles in users], total=total)
    return jsonify(page.model_dump(mode="json"))


@bp.post("/users")
@allow("admin")
@operation("Add a user", body=UserCreate, response=UserCreated, status=201, conflict=True)
def create_user():
    """Create a user with roles (an email already in use is a 409). Without a `password` one is
    generated and answered once in `generated_password`, as the page shows it once."""
    data = json_body(UserCreate)
    password = data.password or generate_password(data.email, data.name)
    user = service.create_user(
        data.email, data.name, list(data.roles), password, session=get_session()
    )
    public = _public(user, frozenset(data.roles))
    body = UserCreated(
        **public.model_dump(), generated_password=None if data.password else password
    )
    response = jsonify(body.model_dump(mode="json"))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_user", user_id=user.id)
    return response


@bp.get(USER)
@allow("admin")
@operation("Read a user", response=UserPublic)
def get_user(user_id: int):
    """One user with their roles."""
    user, roles = service.user_and_roles(user_id, session=get_session())
    return jsonify(_public(user, roles).model_dump(mode="json"))


@bp.patch(USER)
@allow("admin")
@operation(
    "Change a user's name, roles or whether they can log in", body=UserUpdate, response=UserPublic
)
def update_user(user_id: int):
    """Change the fields sent. Disabling ends every session and revokes every token (enabling
    the user again brings none back); admins cannot disable themselves or drop their own admin
    role (422)."""
    data = json_body(UserUpdate)
    db = get_session()
    service.update_user(
        user_id,
        name=data.name,
        roles=None if data.roles is None else list(data.roles),
        active=data.active,
        acting_user_id=g.api_user.id,
        session=db,
    )
    user, roles = service.user_and_roles(user_id, session=db)
    return jsonify(_public(user, roles).model_dump(mode="json"))


@bp.post(f"{USER}/password")
@allow("admin")
@operation("Set a user's password (a reset)", body=PasswordReset, response=PasswordSet)
def set_password(user_id: int):
    """Set someone else's password, chosen or generated (answered once); their sessions end and
    their API tokens are revoked. An admin's own password is changed on their profile page,
    which asks for the current one (422 here)."""
    data = json_body(PasswordReset)
    db = get_session()
    user = service.get_user(user_id, session=db)
    password = data.password or generate_password(user.email, user.name)
    service.set_password(user_id, password, acting_user_id=g.api_user.id, session=db)
    current_app.logger.warning(
        "admin %r set the password of %r through the API: sessions ended, tokens revoked",
        g.api_user.email,
        user.email,
    )
    body = PasswordSet(generated_password=None if data.password else password)
    return jsonify(body.model_dump(mode="json"))


@bp.get(f"{USER}/tokens")
@allow("admin")
@operation("List a user's API tokens", response=TokenList)
def list_tokens(user_id: int):
    """The user's tokens (never the tokens themselves), live ones first, newest first."""
    db = get_session()
    service.get_user(user_id, session=db)  # 404 for no such user
    tokens = service.list_tokens(user_id, session=db)
    times = ("created_at", "last_used_at", "expires_at", "revoked_at")
    items = [
        TokenPublic.model_validate(
            {"id": t.id, "name": t.name, "prefix": t.prefix, "state": t.state}
            | {name: _when(getattr(t, name)) for name in times}
        )
        for t in tokens
    ]
    return jsonify(TokenList(items=items, total=len(items)).model_dump(mode="json"))


@bp.delete(f"{USER}/tokens/<int:token_id>")
@allow("admin")
@operation("Revoke one of a user's API tokens", status=204)
def revoke_token(user_id: int, token_id: int):
    """Revoke the token for good (kept in the list as revoked); a token of another user is a
    404. Revoking a revoked token changes nothing."""
    db = get_session()
    user = service.get_user(user_id, session=db)
    token = service.revoke_token(user_id, token_id, session=db)
    current_app.logger.warning(
        "admin %r revoked API token %s… (%r) of %r through the API",
        g.api_user.email,
        token.prefix,
        token.name,
        user.email,
    )
    return Response(status=204)


def _when(at: datetime | None) -> datetime | None:
    """A token's stored time, aware, or None where it has none (never used, not revoked)."""
    return None if at is None else as_utc(at)
