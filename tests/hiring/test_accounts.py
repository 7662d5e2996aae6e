"""Login, logout, sessions that end, password changes, API tokens and the `next` redirect."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from hiring.accounts import service
from hiring.accounts.models import ApiToken, LoginFailure, LoginSession, User
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
    assert response.status_code == 302 and response.location == "/home"
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
        ("https://evil.example/", "/home"),
        ("//evil.example", "/home"),
        ("/\\evil.example", "/home"),
        ("/\t/evil.example", "/home"),
        ("javascript:alert(1)", "/home"),
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


WRONG = "not my password at all"


def change(client, current: str, new: str = NEW_PASSWORD, address: str = "203.0.113.9"):
    """Submit the change-password form from `address`."""
    client.environ_base["REMOTE_ADDR"] = address
    data = {"pw-current_password": current, "pw-new_password": new}
    return post_form(client, "/profile/password", data, page="/profile")


def failures_of(db, email: str) -> int:
    """Failed password checks counted against the account."""
    return fetch(
        db, select(func.count()).select_from(LoginFailure).where(LoginFailure.email == email)
    )[0]


def test_wrong_current_passwords_are_throttled_like_failed_logins(
    app, client, login, make_user, db
):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = 3
    user = make_user("interviewer")
    login(user)
    before = fetch(db, select(User.password_hash).where(User.id == user.id))
    for _ in range(3):
        assert change(client, WRONG).status_code == 400
    assert failures_of(db, user.email) == 3

    throttled = change(client, PASSWORD)  # even the right password waits
    assert throttled.status_code == 429
    assert "Too many failed password attempts" in throttled.get_data(as_text=True)
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60 + 1
    assert fetch(db, select(User.password_hash).where(User.id == user.id)) == before
    assert failures_of(db, user.email) == 3  # a throttled try is neither checked nor counted
    # One count for both doors: the login of this account waits too.
    assert log_in(app.test_client(), user.email).status_code == 429

    # No permanent lockout: once the failures leave the window, the change goes through, and a
    # successful change forgives the account's failures as a successful login does.
    db.exec(update(LoginFailure).values(at=LoginFailure.at - timedelta(minutes=16)))
    db.commit()
    assert change(client, PASSWORD).status_code == 302
    assert failures_of(db, user.email) == 0
    assert log_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 302


def test_failed_logins_throttle_the_password_change_too(app, client, login, make_user, db):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = 2
    user = make_user("interviewer")
    login(user)
    for _ in range(2):
        assert log_in(app.test_client(), user.email, WRONG).status_code == 400
    assert change(client, PASSWORD).status_code == 429


def test_an_address_is_throttled_at_the_password_change(app, client, login, make_user, db):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 2
    user = make_user("interviewer")
    login(user)
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    for n in range(2):
        assert log_in(guesser, f"guess{n}@example.com", WRONG).status_code == 400
    assert change(client, PASSWORD, address="198.51.100.7").status_code == 429
    assert change(client, PASSWORD, address="198.51.100.8").status_code == 302


def test_wrong_current_passwords_are_logged_without_any_password(client, login, make_user, caplog):
    user = make_user("interviewer")
    login(user)
    guess = "Sup3r-secret-guess"
    with caplog.at_level(logging.WARNING):
        assert change(client, guess, address="192.0.2.55").status_code == 400
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "password change" in logged
    assert user.email in logged and "192.0.2.55" in logged
    assert guess not in logged and NEW_PASSWORD not in logged


def test_a_refused_new_password_is_not_a_failed_guess(client, login, make_user, db):
    user = make_user("interviewer")
    login(user)
    assert change(client, PASSWORD, "password123").status_code == 400
    assert failures_of(db, user.email) == 0


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
