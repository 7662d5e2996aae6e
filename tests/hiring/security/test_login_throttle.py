"""Login throttling per account and per address, never a permanent lockout (ASVS 5.0, 6.3.1)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func, select, update

from hiring.accounts.models import LoginFailure
from tests.conftest import PASSWORD, csrf_token

WRONG = "not-the-password-1"


def _try(client, email: str, password: str, address: str = "203.0.113.7"):
    client.environ_base["REMOTE_ADDR"] = address
    token = csrf_token(client, "/login")
    return client.post("/login", data={"csrf_token": token, "email": email, "password": password})


def _failures(db) -> int:
    db.rollback()
    return db.execute(select(func.count()).select_from(LoginFailure)).scalar_one()


def test_the_limits_allow_no_more_than_100_failures_an_hour(app):
    config = app.config
    per_hour_account = config["LOGIN_FAILURES_PER_ACCOUNT"] * (
        timedelta(hours=1) / config["LOGIN_ACCOUNT_WINDOW"]
    )
    per_hour_address = config["LOGIN_FAILURES_PER_ADDRESS"] * (
        timedelta(hours=1) / config["LOGIN_ADDRESS_WINDOW"]
    )
    assert 0 < per_hour_account <= 100
    assert 0 < per_hour_address <= 100


def test_an_account_is_throttled_even_with_the_right_password(app, client, make_user, db):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = 3
    user = make_user("admin")
    for _ in range(3):
        assert _try(client, user.email, WRONG).status_code == 400
    throttled = _try(client, user.email, PASSWORD)
    assert throttled.status_code == 429
    assert "Too many failed logins" in throttled.get_data(as_text=True)
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60 + 1
    assert "Set-Cookie" not in throttled.headers or "session=;" in throttled.headers["Set-Cookie"]
    assert client.get("/team/").status_code == 302  # not logged in
    assert _failures(db) == 3  # a throttled try is refused before it is checked or counted
    # Another account from the same address is not held back by this account's failures.
    other = make_user("admin")
    assert _try(client, other.email, PASSWORD).status_code == 302


def test_the_window_slides_so_there_is_no_permanent_lockout(app, client, make_user, db):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = 2
    user = make_user("admin")
    for _ in range(2):
        _try(client, user.email, WRONG)
    assert _try(client, user.email, PASSWORD).status_code == 429
    # Sixteen minutes later the failures have left the 15-minute window.
    db.execute(update(LoginFailure).values(at=LoginFailure.at - timedelta(minutes=16)))
    db.commit()
    assert _try(client, user.email, PASSWORD).status_code == 302


def test_a_successful_login_forgives_the_accounts_failures(app, client, make_user, db):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = 3
    user = make_user("admin")
    for _ in range(2):
        _try(client, user.email, WRONG)
    assert _try(client, user.email, PASSWORD).status_code == 302
    assert _failures(db) == 0
    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
    for _ in range(2):
        assert _try(client, user.email, WRONG).status_code == 400  # counting starts again


def test_an_address_is_throttled_across_accounts(app, client, make_user, db):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 4
    user = make_user("admin")
    for n in range(4):
        assert _try(client, f"guess{n}@example.com", WRONG, "198.51.100.1").status_code == 400
    assert _try(client, user.email, PASSWORD, "198.51.100.1").status_code == 429
    assert _try(client, user.email, PASSWORD, "198.51.100.2").status_code == 302


def test_failures_are_logged_without_the_password(app, client, make_user, caplog):
    user = make_user("admin")
    secret = "Sup3r-secret-guess"
    with caplog.at_level(logging.WARNING):
        _try(client, user.email, secret, "192.0.2.44")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert user.email in logged and "192.0.2.44" in logged
    assert secret not in logged


def test_hostile_emails_are_counted_safely(app, client, db):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = 2
    hostile = "a\x00b" + "x" * 400 + "@example.com"
    for _ in range(2):
        assert _try(client, hostile, WRONG).status_code in (400, 429)
    assert _try(client, hostile, WRONG).status_code in (400, 429)
    assert client.get("/login").status_code == 200
