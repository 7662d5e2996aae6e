"""No password built from the user's name or email or from this service's name (ASVS 5.0, 6.2.11),
wherever a password is set: the create-user command, the admin's invite and reset, one's own change.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from hiring import create_app
from hiring.accounts.models import User
from hiring.accounts.passwords import CONTEXT_PROBLEM, password_problems
from team.models import Member
from tests.conftest import PASSWORD, TestConfig, post_form

GRACE = {"email": "grace.hopper@example.com", "name": "Grace Brewster Hopper"}


@pytest.mark.parametrize(
    "password",
    [
        "grace.hopper@example.com",
        "Grace.Hopper@Example.COM",
        "gracehopper",
        "grace hopper 1906",
        "Hopper-2024!",
        "x-brewster-x-long",
        "GRACEbrewsterHOPPER",
        "Gr4ce H0pper",
        "my Team Gaps password",
        "teamgaps",
        "TEAM-GAPS-2025",
        "hiring gap analysis",
        "Hiring-Gap!",
        "hiring_gaps_rule",
        "H1ring G4p rocks",
        "T3am.G4ps!",
    ],
)
def test_passwords_from_the_name_email_or_product_are_refused(password):
    assert CONTEXT_PROBLEM in password_problems(password, **GRACE)


@pytest.mark.parametrize(
    ("password", "email", "name"),
    [
        ("correct horse battery", "grace.hopper@example.com", "Grace Brewster Hopper"),
        ("a quiet harbour at dawn", "grace.hopper@example.com", "Grace Brewster Hopper"),
        # Parts shorter than four letters only count as the whole password: "al" or "bo" are
        # in half the good passphrases.
        ("a really long passphrase", "al@example.com", "Al Bo"),
        ("bonfire of the evening", "al@example.com", "Al Bo"),
        ("teams gather apart", "x@example.com", "X"),
    ],
)
def test_unrelated_passwords_pass(password, email, name):
    assert password_problems(password, email=email, name=name) == []


def test_a_short_part_is_still_refused_as_the_whole_password():
    assert CONTEXT_PROBLEM in password_problems("al@example.com", email="al@example.com", name="Al")


def test_the_product_names_are_refused_without_any_user_context():
    assert password_problems("team gaps forever") == [CONTEXT_PROBLEM]


def _users(db: Session) -> int:
    with Session(db.get_bind()) as fresh:
        return fresh.exec(select(func.count()).select_from(User)).one()


def _hash_of(db: Session, user_id: int) -> str:
    with Session(db.get_bind()) as fresh:
        return fresh.exec(select(User.password_hash).where(User.id == user_id)).one()


def test_create_user_command_refuses_and_writes_nothing(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            GRACE["email"],
            "--name",
            GRACE["name"],
            "--role",
            "admin",
            "--password",
            "Grace Hopper 1906",
        ]
    )
    assert result.exit_code != 0
    assert CONTEXT_PROBLEM in result.output
    assert _users(db) == 0


def test_the_admins_invite_refuses_and_writes_nothing(client, as_role, db):
    as_role("admin")
    before = _users(db)
    data = GRACE | {"roles": ["interviewer"], "password": "hopper hopper hopper"}
    response = post_form(client, "/admin/users/new", data)
    assert response.status_code == 400
    assert CONTEXT_PROBLEM in response.get_data(as_text=True)
    assert _users(db) == before


def test_the_admins_reset_refuses_and_changes_nothing(client, as_role, make_user, db):
    as_role("admin")
    user = make_user("interviewer", **GRACE)
    before = _hash_of(db, user.id)
    url = f"/admin/users/{user.id}/password"
    response = post_form(client, url, {"pw-password": "Team Gaps 2025"}, page="/admin/users")
    assert response.status_code == 400
    assert CONTEXT_PROBLEM in response.get_data(as_text=True)
    assert _hash_of(db, user.id) == before


def test_ones_own_change_refuses_and_changes_nothing(app, client, login, make_user, db):
    user = make_user("interviewer", **GRACE)
    login(user)
    before = _hash_of(db, user.id)
    data = {"pw-current_password": PASSWORD, "pw-new_password": "grace.hopper!2025"}
    response = post_form(client, "/profile/password", data, page="/profile")
    assert response.status_code == 400
    assert CONTEXT_PROBLEM in response.get_data(as_text=True)
    assert _hash_of(db, user.id) == before
    assert client.get("/profile").status_code == 200  # still logged in: nothing happened


def test_the_demo_refuses_a_password_holding_a_demo_users_name_before_loading_anything(
    empty_database_url,  # noqa: F811  (the imported fixture)
    tmp_path,
):
    """One password serves every demo user, so it must pass the rule for each of them; checked
    first, because the demo commits its team before it makes the users."""
    app = create_app(TestConfig(empty_database_url, tmp_path))
    try:
        result = app.test_cli_runner().invoke(args=["demo", "--password", "lena's demo pass"])
        assert result.exit_code != 0
        assert CONTEXT_PROBLEM in result.output
        with Session(app.extensions["engine"]) as session:
            assert session.exec(select(func.count()).select_from(User)).one() == 0
            assert session.exec(select(func.count()).select_from(Member)).one() == 0
    finally:
        app.extensions["engine"].dispose()
