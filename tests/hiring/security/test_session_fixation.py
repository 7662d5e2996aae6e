"""A login always issues a new session id; a cookie from before the login stays anonymous."""

from __future__ import annotations

from sqlmodel import select

from hiring.accounts.models import LoginSession
from tests.conftest import PASSWORD, csrf_token


def _session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_login_issues_a_fresh_session_and_the_old_cookie_stays_anonymous(app, make_user, db):
    user = make_user("hiring_manager")
    victim = app.test_client()
    token = csrf_token(victim, "/login")
    planted = _session_cookie(victim)  # what an attacker could have planted before the login
    response = victim.post(
        "/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert _session_cookie(victim) != planted
    attacker = app.test_client()
    attacker.set_cookie("session", planted)
    assert attacker.get("/team/").status_code == 302  # still sent to the login page

    # Logging in again gives another server-side session, never the previous one.
    victim.post("/logout", data={"csrf_token": csrf_token(victim, "/profile")})
    victim.post(
        "/login",
        data={
            "csrf_token": csrf_token(victim, "/login"),
            "email": user.email,
            "password": PASSWORD,
        },
    )
    db.rollback()
    rows = db.exec(select(LoginSession).where(LoginSession.user_id == user.id)).all()
    assert len(rows) == 2 and len({row.token_hash for row in rows}) == 2
    assert sum(row.ended_at is None for row in rows) == 1
