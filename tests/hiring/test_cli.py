"""The operator commands print what API.md and the README promise."""

from __future__ import annotations

import hashlib

from sqlmodel import select

from hiring.accounts.models import ApiToken, User


def test_create_user_then_create_token_prints_the_token_last(app, db):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=[
            "create-user",
            "Ops@Example.com",
            "--name",
            "Ops",
            "--role",
            "admin",
            "--role",
            "leadership",
            "--password",
            "a long operator passphrase",
        ]
    )
    assert made.exit_code == 0, made.output
    assert "Created ops@example.com with roles: admin, leadership." in made.output
    result = runner.invoke(args=["create-token", "ops@example.com"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("hg_")
    db.rollback()
    stored = db.exec(select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    client = app.test_client(use_cookies=False)
    response = client.get("/api/v1/areas", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_create_user_refuses_a_short_password_and_writes_nothing(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "admin",
            "--password",
            "short",
        ]
    )
    assert result.exit_code != 0
    assert "at least 8 characters" in result.output
    db.rollback()
    assert db.exec(select(User)).all() == []


def test_create_token_for_an_unknown_user_fails_cleanly(app):
    result = app.test_cli_runner().invoke(args=["create-token", "nobody@example.com"])
    assert result.exit_code != 0
    assert "no user with email nobody@example.com" in result.output
