"""Login, logout, sessions that end, password changes, API tokens and the `next` redirect."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from hiring.accounts import service
from hiring.accounts.models import ApiToken, LoginSession, User
from team.models import utcnow
from tests.conftest import PASSWORD, post_form

NEW_PASSWORD = "a much longer passphrase"
NEW_TOKEN = re.compile(r'id="new-token">([^<]+)<')


def fetch(db, statement) -> list:
    """Rows as the database has them now, read in a session of their own.

    A fresh session never serves stale objects, and closing it ends the read at once, so no
    lock is held while the app writes next.
    """
    with Session(db.get_bind()) as fresh:
        return list(fresh.exec(statement).all())


def log_in(client, email: str, password: str = PASSWORD, url: str = "/login"):
    """Submit the login form the way a browser does."""
    return post_form(client, url, {"email": email, "password": password})


def sessions_of(db, user_id: int) -> list[LoginSession]:
    """The user's login sessions."""
    return fetch(db, select(LoginSession).where(LoginSession.user_id == user_id))


def bearer(token: str) -> dict[str, str]:
    """The header an API client sends."""
    return {"Authorization": f"Bearer {token}"}


def csrf(client) -> str:
    """The login page's CSRF token."""
    html = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def is_logged_out(client) -> bool:
    """Whether the client is sent to the login page from a page every role may see."""
    response = client.get("/profile")
    return response.status_code == 302 and "/login" in response.location


def test_login_page_sets_a_safe_session_cookie(client):
    response = client.get("/login")
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_wrong_password_is_refused_without_a_session(client, make_user, db):
    user = make_user("hiring_manager")
    response = log_in(client, user.email, "not the password")
    assert response.status_code == 400
    assert "do not match an active user" in response.get_data(as_text=True)
    assert sessions_of(db, user.id) == []
    assert is_logged_out(client)
    assert log_in(client, "nobody@example.com").status_code == 400


def test_login_then_logout_ends_copied_cookie(app, client, make_user, db):
    user = make_user("hiring_manager")
    response = log_in(client, user.email)
    assert response.status_code == 302 and response.location.endswith("/team/")
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/team/").status_code == 200

    logout = post_form(client, "/logout", {}, page="/profile")
    assert logout.status_code == 302 and "/login" in logout.location
    after = copy.get("/team/")
    assert after.status_code == 302 and "/login" in after.location
    assert is_logged_out(client)
    assert all(s.ended_at is not None for s in sessions_of(db, user.id))


def test_logout_without_csrf_token_is_refused(client, as_role, db):
    user = as_role("interviewer")
    response = client.post("/logout")
    assert response.status_code == 400
    assert client.get("/profile").status_code == 200
    assert all(s.ended_at is None for s in sessions_of(db, user.id))


@pytest.mark.parametrize(
    ("target", "lands_on"),
    [
        ("/work/", "/work/"),
        ("/team/members?q=ada", "/team/members?q=ada"),
        ("https://evil.example/", "/team/"),
        ("//evil.example", "/team/"),
        ("/\\evil.example", "/team/"),
        ("/\t/evil.example", "/team/"),
        ("javascript:alert(1)", "/team/"),
    ],
)
def test_next_only_follows_same_site_paths(client, make_user, target, lands_on):
    user = make_user("hiring_manager")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf(client)},
    )
    assert response.status_code == 302
    assert response.location == lands_on
    assert "evil" not in response.location


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, make_user, db):
    user = make_user("interviewer")
    log_in(client, user.email)
    other = app.test_client()
    log_in(other, user.email)
    assert other.get("/profile").status_code == 200

    data = {"pw-current_password": PASSWORD, "pw-new_password": NEW_PASSWORD}
    response = post_form(client, "/profile/password", data, page="/profile")
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200
    assert is_logged_out(other)
    live = [s for s in sessions_of(db, user.id) if s.ended_at is None]
    assert len(live) == 1

    assert log_in(app.test_client(), user.email, PASSWORD).status_code == 400
    assert log_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [
        (PASSWORD, "short", "between 8 and 1024 characters"),
        (PASSWORD, "password123", "too common"),
        (PASSWORD, "", "This field is required"),
        ("not my password", NEW_PASSWORD, "is not your current password"),
    ],
)
def test_password_change_refusals(app, client, make_user, db, current, new, message):
    user = make_user("interviewer")
    log_in(client, user.email)
    before = fetch(db, select(User.password_hash).where(User.id == user.id))
    data = {"pw-current_password": current, "pw-new_password": new}
    response = post_form(client, "/profile/password", data, page="/profile")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert fetch(db, select(User.password_hash).where(User.id == user.id)) == before
    assert client.get("/profile").status_code == 200
    assert log_in(app.test_client(), user.email, PASSWORD).status_code == 302


def test_api_token_is_shown_once_and_only_its_hash_is_stored(client, app, as_role, db):
    user = as_role("leadership")
    response = post_form(client, "/profile/tokens", {"tok-name": "ATS sync"}, page="/profile")
    assert response.status_code == 200
    token = NEW_TOKEN.search(response.get_data(as_text=True)).group(1).strip()
    assert token.startswith("hg_") and len(token) > 30

    rows = fetch(db, select(ApiToken).where(ApiToken.user_id == user.id))
    assert len(rows) == 1
    row = rows[0]
    assert row.name == "ATS sync"
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(value) for value in row.model_dump().values())

    page = client.get("/profile").get_data(as_text=True)
    assert token not in page and "ATS sync" in page and row.prefix in page

    api = app.test_client(use_cookies=False)
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/areas", headers=headers).status_code == 200


def test_api_token_name_is_required(client, as_role, db):
    user = as_role("leadership")
    response = post_form(client, "/profile/tokens", {"tok-name": ""}, page="/profile")
    assert response.status_code == 400
    assert "This field is required" in response.get_data(as_text=True)
    assert fetch(db, select(ApiToken).where(ApiToken.user_id == user.id)) == []


def test_revoke_token(client, app, as_role, make_user, db):
    user = as_role("leadership")
    token = service.create_token(user.id, "script", session=db)
    someone = make_user("leadership")
    theirs = service.create_token(someone.id, "theirs", session=db)
    mine_id = fetch(db, select(ApiToken.id).where(ApiToken.user_id == user.id))[0]
    their_id = fetch(db, select(ApiToken.id).where(ApiToken.user_id == someone.id))[0]

    response = post_form(client, f"/profile/tokens/{their_id}/revoke", {}, page="/profile")
    assert response.status_code == 404
    response = post_form(client, "/profile/tokens/99999/revoke", {}, page="/profile")
    assert response.status_code == 404
    response = post_form(client, f"/profile/tokens/{mine_id}/revoke", {}, page="/profile")
    assert response.status_code == 302

    revoked = fetch(db, select(ApiToken.id).where(col(ApiToken.revoked_at).is_not(None)))
    assert revoked == [mine_id]
    api = app.test_client(use_cookies=False)
    assert api.get("/api/v1/areas", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert (
        api.get("/api/v1/areas", headers={"Authorization": f"Bearer {theirs}"}).status_code == 200
    )


@pytest.mark.parametrize(
    ("column", "age", "still_in"),
    [
        ("last_seen_at", timedelta(minutes=29), True),
        ("last_seen_at", timedelta(minutes=31), False),
        ("created_at", timedelta(hours=11), True),
        ("created_at", timedelta(hours=13), False),
    ],
)
def test_idle_and_old_sessions_end(client, as_role, db, column, age, still_in):
    user = as_role("hiring_manager")
    db.exec(
        update(LoginSession).where(LoginSession.user_id == user.id).values({column: utcnow() - age})
    )
    db.commit()
    response = client.get("/team/")
    if still_in:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and "/login" in response.location
