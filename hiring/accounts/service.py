"""Accounts: users and roles, login sessions and API tokens. Pages, API and CLI all call these."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, func, or_, select

from hiring.accounts.models import ROLES, ApiToken, LoginFailure, LoginSession, User, UserRole
from hiring.accounts.passwords import hash_password, password_problems, verify_password
from hiring.engine import write_intent
from team.errors import Conflict, InvalidInput, NotFound
from team.models import utcnow
from team.search import LIKE_ESCAPE, contains_pattern
from team.text import has_control

TOUCH_EVERY = timedelta(minutes=1)
# How long a new API token lives unless the caller says otherwise (the app passes its
# API_TOKEN_DAYS); also the life of tokens made before tokens expired, should one lack a date.
TOKEN_DAYS = 90


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user as Flask-Login and the views see it: plain values, no open session."""

    id: int
    email: str
    name: str
    roles: frozenset[str]
    session_token: str = ""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """Flask-Login keeps this in the cookie: the login session's id, never the user's."""
        return self.session_token

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds any of `roles`."""
        return bool(self.roles.intersection(roles))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _roles(user_id: int, session: Session) -> frozenset[str]:
    rows = session.exec(select(UserRole.role).where(UserRole.user_id == user_id)).all()
    return frozenset(rows)


def _current(user: User, session: Session, token: str = "") -> CurrentUser:
    return CurrentUser(
        id=user.id or 0,
        email=user.email,
        name=user.name,
        roles=_roles(user.id or 0, session),
        session_token=token,
    )


def _check_roles(roles: list[str]) -> list[str]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise InvalidInput({"roles": [f"{r} is not a role" for r in unknown]})
    return list(dict.fromkeys(roles))


def _check_email(email: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise InvalidInput({"email": [str(error)]}) from None


def create_user(
    email: str, name: str, roles: list[str], password: str, *, session: Session
) -> User:
    """Create a user with roles and a password that meets the rules."""
    email = _check_email(email)
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not 1 <= len(name) <= 120 or has_control(name):
        errors["name"] = ["give a name of 1 to 120 characters, without control characters"]
    if problems := password_problems(password, email=email, name=name):
        errors["password"] = problems
    roles = _check_roles(roles)
    if not roles:
        errors["roles"] = ["choose at least one role"]
    if errors:
        raise InvalidInput(errors)
    if session.exec(select(User).where(User.email == email)).first():
        raise Conflict("A user with that email exists already.", {"email": ["is taken"]})
    user = User(email=email, name=name, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    for role in roles:
        session.add(UserRole(user_id=user.id or 0, role=role))
    session.commit()
    return user


def list_users(
    *, session: Session, search: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[tuple[User, frozenset[str]]], int]:
    """A page of users with their roles, and how many match."""
    query = select(User)
    if search:
        pattern = contains_pattern(search)
        query = query.where(
            or_(
                func.lower(User.name).like(pattern, escape=LIKE_ESCAPE),
                func.lower(User.email).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    users = session.exec(
        query.order_by(col(User.name), col(User.id)).limit(limit).offset(offset)
    ).all()
    ids = [u.id for u in users]
    roles: dict[int, set[str]] = {i: set() for i in ids if i is not None}
    for user_id, role in session.exec(
        select(UserRole.user_id, UserRole.role).where(col(UserRole.user_id).in_(ids))
    ).all():
        roles[user_id].add(role)
    return [(u, frozenset(roles.get(u.id or 0, set()))) for u in users], total


def get_user(user_id: int, *, session: Session) -> User:
    """The user, or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such user")
    return user


def user_and_roles(user_id: int, *, session: Session) -> tuple[User, frozenset[str]]:
    """The user and the roles they hold, or NotFound: one user as the admin sees them."""
    return get_user(user_id, session=session), _roles(user_id, session)


def roles_of(user_id: int, *, session: Session) -> frozenset[str]:
    """The roles a user holds."""
    return _roles(user_id, session)


def update_user(
    user_id: int,
    *,
    name: str | None = None,
    roles: list[str] | None = None,
    active: bool | None = None,
    acting_user_id: int,
    session: Session,
) -> User:
    """Change a user's name, roles and whether they may log in; what is None stays as it is
    (the admin page sends all three, the API's PATCH what it was sent).

    Disabling ends every session and revokes every API token: enabling the user again must not
    bring back a token that leaked meanwhile. Admins cannot disable themselves or drop their own
    admin role: that could lock everyone out.
    """
    user = get_user(user_id, session=session)
    name = user.name if name is None else name
    roles = _check_roles(sorted(_roles(user_id, session)) if roles is None else roles)
    active = user.active if active is None else active
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not 1 <= len(name) <= 120 or has_control(name):
        errors["name"] = ["give a name of 1 to 120 characters, without control characters"]
    if not roles:
        errors["roles"] = ["choose at least one role"]
    if user_id == acting_user_id and not active:
        errors["active"] = ["you cannot disable yourself"]
    if user_id == acting_user_id and "admin" not in roles:
        errors["roles"] = ["you cannot remove your own admin role"]
    if errors:
        raise InvalidInput(errors)
    user.name = name
    if user.active and not active:
        _end_sessions(user_id, session)
        _revoke_tokens(user_id, session)
    user.active = active
    user.version += 1
    session.add(user)
    session.exec(delete(UserRole).where(col(UserRole.user_id) == user_id))
    for role in roles:
        session.add(UserRole(user_id=user_id, role=role))
    session.commit()
    return user


def authenticate(email: str, password: str, *, session: Session) -> User | None:
    """The active user with that email and password, else None (same cost either way)."""
    email = email.strip().lower()
    user = (
        None
        if has_control(email)
        else session.exec(select(User).where(User.email == email)).first()
    )
    ok = verify_password(user.password_hash if user else "", password)
    if user is None or not ok or not user.active:
        return None
    return user


@dataclass(frozen=True)
class LoginLimits:
    """How many failed logins an account, and an address, may have within their windows.

    ASVS 5.0 (6.3.1) asks for no more than 100 failures an hour and no permanent lockout: both
    windows slide, so an account or address may try again as soon as its oldest failure in the
    window ages out.
    """

    per_account: int = 10
    account_window: timedelta = timedelta(minutes=15)
    per_address: int = 100
    address_window: timedelta = timedelta(hours=1)


def _failure_key(email: str) -> str:
    """The account a failure is counted against: the email as typed, normalised and made safe."""
    cleaned = "".join(ch for ch in email.strip().lower() if not has_control(ch))
    return cleaned[:254]


def login_wait(
    email: str, address: str, limits: LoginLimits, *, session: Session
) -> timedelta | None:
    """How long this account or this address must wait before trying again; None: try now.

    Checked before the password, so that a throttled guess costs no hashing and reveals nothing.
    """
    now = utcnow()
    waits = [
        _wait(
            col(LoginFailure.email) == _failure_key(email),
            limits.per_account,
            limits.account_window,
            now,
            session,
        ),
        _wait(
            col(LoginFailure.address) == address[:64],
            limits.per_address,
            limits.address_window,
            now,
            session,
        ),
    ]
    longest = max((wait for wait in waits if wait is not None), default=None)
    return longest


def _wait(
    where, limit: int, window: timedelta, now: datetime, session: Session
) -> timedelta | None:
    """Time until fewer than `limit` failures matching `where` remain in the sliding window."""
    recent = (
        select(LoginFailure.at)
        .where(where, col(LoginFailure.at) > now - window)
        .order_by(col(LoginFailure.at).desc())
        .offset(limit - 1)
        .limit(1)
    )
    # The limit-th newest failure: once it leaves the window, fewer than `limit` remain in it.
    oldest_that_counts = session.exec(recent).first()
    if oldest_that_counts is None:
        return None
    return max(oldest_that_counts + window - now, timedelta(seconds=1))


def record_login_failure(
    email: str, address: str, limits: LoginLimits, *, session: Session
) -> None:
    """Count a failed login against the account and the address, and forget expired ones."""
    now = utcnow()
    longest = max(limits.account_window, limits.address_window)
    session.exec(delete(LoginFailure).where(col(LoginFailure.at) < now - longest))
    session.add(LoginFailure(email=_failure_key(email), address=address[:64], at=now))
    session.commit()


def clear_login_failures(email: str, *, session: Session) -> None:
    """A successful login forgives the account's failures (not the address's: others share it)."""
    session.exec(delete(LoginFailure).where(col(LoginFailure.email) == _failure_key(email)))


WRONG_CURRENT_PASSWORD = "is not your current password"


def change_password(user_id: int, current: str, new: str, *, session: Session) -> None:
    """Set a new password after checking the current one.

    Every session of the user ends and every API token is revoked: a password is changed because
    it may have leaked, and whoever had it could have made sessions and tokens with it.
    """
    user = get_user(user_id, session=session)
    if not verify_password(user.password_hash, current):
        raise InvalidInput({"current_password": [WRONG_CURRENT_PASSWORD]})
    if problems := password_problems(new, email=user.email, name=user.name):
        raise InvalidInput({"new_password": problems})
    _replace_password(user, new, session)


def set_password(user_id: int, new: str, *, acting_user_id: int, session: Session) -> None:
    """An admin's reset: set the password, end every session and revoke every API token.

    Not for the admin's own password: that change asks for the current password (on the
    profile page), which a borrowed admin session does not know.
    """
    user = get_user(user_id, session=session)
    if user_id == acting_user_id:
        raise InvalidInput(
            {"password": ["change your own password on your profile page: it asks for it first"]}
        )
    if problems := password_problems(new, email=user.email, name=user.name):
        raise InvalidInput({"password": problems})
    _replace_password(user, new, session)


def _replace_password(user: User, new: str, session: Session) -> None:
    user.password_hash = hash_password(new)
    user.version += 1
    session.add(user)
    _end_sessions(user.id or 0, session)
    _revoke_tokens(user.id or 0, session)
    session.commit()


def _revoke_tokens(user_id: int, session: Session) -> None:
    """Revoke (not just suspend) every token of the user; revoked stays revoked for good."""
    session.exec(
        update(ApiToken)
        .where(col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def _end_sessions(user_id: int, session: Session) -> None:
    session.exec(
        update(LoginSession)
        .where(col(LoginSession.user_id) == user_id, col(LoginSession.ended_at).is_(None))
        .values(ended_at=utcnow())
    )


def start_session(user: User, *, session: Session) -> CurrentUser:
    """Open a new login session (a fresh random id at every login) and return its user."""
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(token_hash=_digest(token), user_id=user.id or 0))
    session.commit()
    return _current(user, session, token)


def end_session(token: str, *, session: Session) -> None:
    """End one login session (logout): the cookie stops working wherever it was copied."""
    session.exec(
        update(LoginSession)
        .where(col(LoginSession.token_hash) == _digest(token), col(LoginSession.ended_at).is_(None))
        .values(ended_at=utcnow())
    )
    session.commit()


def load_session(
    token: str, *, session: Session, idle: timedelta, absolute: timedelta
) -> CurrentUser | None:
    """The user of a live login session, or None when it ended, idled out or grew too old.

    Refreshes `last_seen_at` at most once a minute so that page views rarely write.
    """
    if not token:
        return None
    row = session.exec(
        select(LoginSession).where(LoginSession.token_hash == _digest(token))
    ).first()
    now = utcnow()
    if row is None or row.ended_at is not None:
        return None
    if now - row.last_seen_at > idle or now - row.created_at > absolute:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    current = _current(user, session, token)
    if now - row.last_seen_at > TOUCH_EVERY:
        _touch(LoginSession, row.id or 0, "last_seen_at", now, session)
    return current


def _touch(
    table: type[LoginSession] | type[ApiToken],
    row_id: int,
    column: str,
    now: datetime,
    session: Session,
) -> None:
    """Record a time of use in its own short write transaction.

    The read that found the row is ended first: upgrading a SQLite read transaction to a write
    fails at once if another process wrote meanwhile, while a fresh write transaction waits.
    """
    session.rollback()
    with write_intent(True):
        session.exec(update(table).where(col(table.id) == row_id).values({column: now}))
        session.commit()


def create_token(user_id: int, name: str, *, session: Session, days: int = TOKEN_DAYS) -> str:
    """A new API token for the user, living `days` days; returned once, only its hash is kept."""
    get_user(user_id, session=session)
    name = name.strip() or "API token"
    if len(name) > 80 or has_control(name):
        raise InvalidInput({"name": ["use at most 80 characters, without control characters"]})
    token = "hg_" + secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        ApiToken(
            user_id=user_id,
            name=name,
            token_hash=_digest(token),
            prefix=token[:10],
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    session.commit()
    return token


def _expires_at(token: ApiToken) -> datetime:
    """When the token stops working. A row without a date (written by a process of the previous
    release during an upgrade) lives the default life from its creation, like the migration's."""
    return token.expires_at or token.created_at + timedelta(days=TOKEN_DAYS)


def _state(token: ApiToken, now: datetime) -> str:
    """Whether the token is live, expired or revoked (revoked wins: it was an act)."""
    if token.revoked_at is not None:
        return "revoked"
    return "expired" if _expires_at(token) <= now else "live"


@dataclass(frozen=True)
class TokenInfo:
    """A token as the profile and admin pages list it: never its hash, and its state decided
    here once, so the pages and the API's check cannot disagree about what is live."""

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    revoked_at: datetime | None
    state: str  # "live", "expired" or "revoked"


def list_tokens(user_id: int, *, session: Session) -> list[TokenInfo]:
    """The user's tokens, live ones first, newest first."""
    rows = session.exec(select(ApiToken).where(ApiToken.user_id == user_id)).all()
    now = utcnow()
    tokens = [
        TokenInfo(
            id=row.id or 0,
            name=row.name,
            prefix=row.prefix,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=_expires_at(row),
            revoked_at=row.revoked_at,
            state=_state(row, now),
        )
        for row in rows
    ]
    return sorted(tokens, key=lambda token: (token.state != "live", -token.id))


def revoke_token(user_id: int, token_id: int, *, session: Session) -> ApiToken:
    """Revoke one token of the user (another user's token is NotFound); returns it.

    The profile page passes the logged-in user, the admin page the user it shows: either way the
    token must belong to that user, so an id from elsewhere is refused.
    """
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFound("no such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        session.commit()
    return token


def user_for_token(token: str, *, session: Session) -> CurrentUser | None:
    """The active user behind a live API token (not revoked, not expired), else None."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    now = utcnow()
    if row is None or _state(row, now) != "live":
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    current = _current(user, session)
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        _touch(ApiToken, row.id or 0, "last_used_at", now, session)
    return current


def user_by_email(email: str, *, session: Session) -> User:
    """The user with that email, or NotFound."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise NotFound(f"no user with email {email}")
    return user


def last_seen(user_ids: list[int], *, session: Session) -> dict[int, datetime]:
    """When each user was last seen in a login session, for the admin's user list."""
    rows = session.exec(
        select(LoginSession.user_id, func.max(LoginSession.last_seen_at))
        .where(col(LoginSession.user_id).in_(user_ids))
        .group_by(col(LoginSession.user_id))
    ).all()
    return dict(rows)
