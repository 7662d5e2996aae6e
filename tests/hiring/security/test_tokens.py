"""API tokens end with the password that made them, expire, and admins can revoke them (issue 10).

Every check goes through the real pages and a real bearer client: a token is dead when the API
answers 401, not merely when a column says so.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import insert, inspect, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hiring.accounts import service
from hiring.accounts.models import ApiToken, User
from hiring.cli import alembic_config
from hiring.db import make_engine
from hiring.web import day, when
from team.models import utcnow
from tests.conftest import PASSWORD, post_form
from tests.hiring.security.conftest import snapshot

API = "/api/v1/areas"
NEW_PASSWORD = "a much longer passphrase"
SHOWN_PASSWORD = re.compile(r'id="initial-password">([^<]+)<')


def fetch(db: Session, statement) -> list:
    """Rows as the database has them now, in a session of its own (no stale objects, no lock)."""
    with Session(db.get_bind()) as fresh:
        return list(fresh.execute(statement).all())


def tokens_of(db: Session, user_id: int) -> list[ApiToken]:
    """The user's token rows, oldest first."""
    rows = fetch(db, select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id))
    return [row[0] for row in rows]


@pytest.fixture
def api_status(app):
    """api_status(token) -> the status of a GET with that bearer token (a cookie-less client)."""
    client = app.test_client(use_cookies=False)

    def status(token: str) -> int:
        return client.get(API, headers={"Authorization": f"Bearer {token}"}).status_code

    return status


# --- A password change or a disabled user revokes every token ---------------------------------


def test_changing_ones_password_revokes_all_ones_tokens_and_no_one_elses(
    client, login, make_user, db, api_status
):
    user = make_user("interviewer")
    other = make_user("interviewer")
    mine = [service.create_token(user.id, f"script {n}", session=db) for n in range(2)]
    theirs = service.create_token(other.id, "theirs", session=db)
    db.rollback()
    assert [api_status(token) for token in mine] == [200, 200]
    login(user)

    data = {"pw-current_password": PASSWORD, "pw-new_password": NEW_PASSWORD}
    response = post_form(client, "/profile/password", data, page="/profile")
    assert response.status_code == 302
    assert "API tokens revoked" in client.get("/profile").get_data(as_text=True)

    assert [api_status(token) for token in mine] == [401, 401]
    assert all(row.revoked_at is not None for row in tokens_of(db, user.id))
    assert api_status(theirs) == 200
    assert tokens_of(db, other.id)[0].revoked_at is None
    # A token made after the change works: the change revoked what existed, not the future.
    assert api_status(service.create_token(user.id, "new", session=db)) == 200


def test_a_refused_password_change_revokes_nothing(client, login, make_user, db, api_status):
    user = make_user("interviewer")
    token = service.create_token(user.id, "script", session=db)
    db.rollback()
    login(user)
    data = {"pw-current_password": "not my password", "pw-new_password": NEW_PASSWORD}
    assert post_form(client, "/profile/password", data, page="/profile").status_code == 400
    assert api_status(token) == 200


def test_disabling_revokes_tokens_and_enabling_again_does_not_revive_them(
    client, as_role, make_user, db, api_status
):
    as_role("admin")
    user = make_user("hiring_manager", name="Leaving Person")
    token = service.create_token(user.id, "sync", session=db)
    db.rollback()
    url = f"/admin/users/{user.id}/edit"
    disabled = post_form(client, url, {"name": user.name, "roles": ["hiring_manager"]})
    assert disabled.status_code == 302
    assert api_status(token) == 401
    enabled = post_form(
        client, url, {"name": user.name, "roles": ["hiring_manager"], "active": "y"}
    )
    assert enabled.status_code == 302
    assert api_status(token) == 401
    assert tokens_of(db, user.id)[0].revoked_at is not None


# --- An admin sets someone's password ---------------------------------------------------------


def test_admin_sets_a_password_it_is_shown_once_sessions_end_tokens_are_revoked(
    app, client, as_role, make_user, db, api_status, caplog
):
    admin = as_role("admin")
    user = make_user("interviewer", name="Grace Hopper", email="grace@example.com")
    token = service.create_token(user.id, "script", session=db)
    db.rollback()
    theirs = app.test_client()
    post_form(theirs, "/login", {"email": user.email, "password": PASSWORD})
    assert theirs.get("/profile").status_code == 200

    with caplog.at_level(logging.WARNING):
        response = post_form(
            client,
            f"/admin/users/{user.id}/password",
            {"pw-password": ""},
            page=f"/admin/users/{user.id}/edit",
        )
    assert response.status_code == 200  # a page, never a redirect carrying the password
    password = SHOWN_PASSWORD.search(response.get_data(as_text=True)).group(1).strip()
    assert len(password) >= 16
    assert password not in fetch(db, select(User.password_hash).where(User.id == user.id))[0][0]

    assert theirs.get("/profile").status_code == 302  # their session ended
    assert api_status(token) == 401
    fresh = app.test_client()
    assert (
        post_form(fresh, "/login", {"email": user.email, "password": PASSWORD}).status_code == 400
    )
    assert (
        post_form(fresh, "/login", {"email": user.email, "password": password}).status_code == 302
    )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert admin.email in logged and user.email in logged and password not in logged


def test_admin_sets_a_chosen_password(app, client, as_role, make_user, db):
    as_role("admin")
    user = make_user("interviewer")
    url = f"/admin/users/{user.id}/password"
    response = post_form(client, url, {"pw-password": NEW_PASSWORD}, page="/admin/users")
    assert response.status_code == 200
    fresh = app.test_client()
    data = {"email": user.email, "password": NEW_PASSWORD}
    assert post_form(fresh, "/login", data).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "between 8 and 1024 characters"),
        ("password123", "too common"),
        ("grace hopper 1906", "your name, your email address or the name of this service"),
    ],
)
def test_admin_set_password_refusals_change_nothing(
    client, as_role, make_user, db, api_status, password, message
):
    as_role("admin")
    user = make_user("interviewer", name="Grace Hopper", email="grace@example.com")
    token = service.create_token(user.id, "script", session=db)
    db.rollback()
    before = snapshot(db)
    url = f"/admin/users/{user.id}/password"
    response = post_form(client, url, {"pw-password": password}, page="/admin/users")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'value="Grace Hopper"' in html  # the user's page, filled in
    assert snapshot(db) == before
    assert api_status(token) == 200


def test_an_admin_cannot_reset_their_own_password_there(client, as_role, db):
    admin = as_role("admin")
    before = snapshot(db)
    page = client.get(f"/admin/users/{admin.id}/edit").get_data(as_text=True)
    assert "/password" not in page  # no form to post, a pointer to the profile instead
    url = f"/admin/users/{admin.id}/password"
    response = post_form(client, url, {"pw-password": NEW_PASSWORD}, page="/admin/users")
    assert response.status_code == 400
    assert "profile page" in response.get_data(as_text=True)
    assert snapshot(db) == before
    assert client.get("/profile").status_code == 200


# --- Tokens expire ----------------------------------------------------------------------------


def test_a_new_token_expires_after_the_configured_days(app, client, as_role, db):
    app.config["API_TOKEN_DAYS"] = 7
    user = as_role("leadership")
    before = utcnow()
    post_form(client, "/profile/tokens", {"tok-name": "weekly"}, page="/profile")
    row = tokens_of(db, user.id)[0]
    assert row.expires_at is not None
    assert row.expires_at - row.created_at == timedelta(days=7)
    assert before <= row.created_at <= utcnow()
    page = client.get("/profile").get_data(as_text=True)
    assert day(row.expires_at) in page
    assert "expires 7 days after" in page


def test_the_cli_token_expires_after_the_configured_days_too(app, make_user, db, api_status):
    app.config["API_TOKEN_DAYS"] = 3
    user = make_user("admin")
    result = app.test_cli_runner().invoke(args=["create-token", user.email])
    assert result.exit_code == 0, result.output
    row = tokens_of(db, user.id)[0]
    assert row.expires_at - row.created_at == timedelta(days=3)
    assert api_status(result.output.strip().splitlines()[-1]) == 200


def test_the_profile_shows_expired_and_revoked_tokens_without_a_revoke_button(
    client, as_role, db, api_status
):
    user = as_role("leadership")
    live = service.create_token(user.id, "live one", session=db)
    old = service.create_token(user.id, "old one", session=db)
    gone = service.create_token(user.id, "gone one", session=db)
    ids = [row.id for row in tokens_of(db, user.id)]
    db.exec(update(ApiToken).where(ApiToken.id == ids[1]).values(expires_at=utcnow()))
    service.revoke_token(user.id, ids[2], session=db)
    db.commit()
    assert [api_status(token) for token in (live, old, gone)] == [200, 401, 401]

    html = client.get("/profile").get_data(as_text=True)
    rows = re.findall(r'data-token="(\d+)" data-state="(\w+)"', html)
    assert rows == [(str(ids[0]), "live"), (str(ids[2]), "revoked"), (str(ids[1]), "expired")]
    assert html.count(">Revoke<") == 1
    assert f"/profile/tokens/{ids[0]}/revoke" in html
    assert f"/profile/tokens/{ids[1]}/revoke" not in html


@pytest.mark.parametrize(("age_days", "works"), [(89, True), (91, False)])
def test_a_token_from_before_expiry_lives_the_default_90_days(
    make_user, db, api_status, age_days, works
):
    """A row without `expires_at` (written by the previous release during an upgrade)."""
    user = make_user("admin")
    token = service.create_token(user.id, "legacy", session=db)
    created = utcnow() - timedelta(days=age_days)
    db.exec(
        update(ApiToken)
        .where(ApiToken.user_id == user.id)
        .values(created_at=created, expires_at=None)
    )
    db.commit()
    assert api_status(token) == (200 if works else 401)
    listed = service.list_tokens(user.id, session=db)
    db.rollback()
    assert listed[0].expires_at == created + timedelta(days=90)
    assert listed[0].state == ("live" if works else "expired")


# --- Admins see and revoke anyone's tokens ----------------------------------------------------


def test_admin_sees_a_users_tokens_and_revokes_one(
    app, client, as_role, make_user, db, api_status, caplog
):
    admin = as_role("admin")
    user = make_user("hiring_manager", name="Grace Hopper")
    kept = service.create_token(user.id, "kept sync", session=db)
    leaked = service.create_token(user.id, "leaked sync", session=db)
    assert api_status(leaked) == 200  # stamps its last use
    kept_row, leaked_row = tokens_of(db, user.id)

    page = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    for row in (kept_row, leaked_row):
        assert row.name in page and row.prefix in page
        assert day(row.created_at) in page
        assert day(row.expires_at) in page
    assert when(leaked_row.last_used_at) in page and "never" in page
    assert leaked not in page and leaked_row.token_hash not in page

    url = f"/admin/users/{user.id}/tokens/{leaked_row.id}/revoke"
    with caplog.at_level(logging.WARNING):
        response = post_form(client, url, {}, page=f"/admin/users/{user.id}/edit")
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/users/{user.id}/edit")
    after = client.get(response.location).get_data(as_text=True)
    assert "Token “leaked sync” of Grace Hopper revoked" in after
    assert f'data-token="{leaked_row.id}" data-state="revoked"' in after
    assert f'data-token="{kept_row.id}" data-state="live"' in after
    assert api_status(leaked) == 401
    assert api_status(kept) == 200
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert admin.email in logged and user.email in logged and leaked_row.prefix in logged
    assert leaked not in logged


def test_admin_revoke_needs_the_csrf_token_and_the_right_user(
    client, as_role, make_user, db, api_status
):
    as_role("admin")
    user = make_user("hiring_manager")
    other = make_user("hiring_manager")
    token = service.create_token(user.id, "sync", session=db)
    token_id = tokens_of(db, user.id)[0].id
    before = snapshot(db)

    assert client.post(f"/admin/users/{user.id}/tokens/{token_id}/revoke").status_code == 400
    # The token must belong to the user the URL names, and the user must exist.
    for url in (
        f"/admin/users/{other.id}/tokens/{token_id}/revoke",
        f"/admin/users/{user.id}/tokens/99999/revoke",
        f"/admin/users/99999/tokens/{token_id}/revoke",
    ):
        assert post_form(client, url, {}, page="/admin/users").status_code == 404, url
    assert snapshot(db) == before
    assert api_status(token) == 200


@pytest.mark.parametrize("role", ["hiring_manager", "interviewer", "leadership"])
def test_only_admins_revoke_others_tokens_or_set_their_passwords(
    client, as_role, make_user, db, api_status, role
):
    as_role(role)
    user = make_user("admin")
    token = service.create_token(user.id, "sync", session=db)
    token_id = tokens_of(db, user.id)[0].id
    before = snapshot(db)
    revoke = f"/admin/users/{user.id}/tokens/{token_id}/revoke"
    assert post_form(client, revoke, {}, page="/profile").status_code == 403
    password = f"/admin/users/{user.id}/password"
    data = {"pw-password": NEW_PASSWORD}
    assert post_form(client, password, data, page="/profile").status_code == 403
    assert snapshot(db) == before
    assert api_status(token) == 200


# --- The migration ----------------------------------------------------------------------------


def test_migration_0005_gives_existing_tokens_90_days_from_creation(
    empty_database_url,  # noqa: F811  (the imported fixture)
):
    engine = make_engine(empty_database_url)
    try:
        _migrate(engine, empty_database_url, "0004")
        created = utcnow().replace(microsecond=0) - timedelta(days=100)
        with engine.begin() as connection:
            user_id = connection.execute(
                insert(User.__table__)
                .values(
                    email="old@example.com",
                    name="Old",
                    password_hash="",
                    active=True,
                    created_at=created,
                    version=1,
                )
                .returning(User.__table__.c.id)
            ).scalar_one()
            for name, when in (("old", created), ("recent", created + timedelta(days=95))):
                connection.execute(
                    insert(ApiToken.__table__).values(
                        user_id=user_id,
                        name=name,
                        token_hash=name.ljust(64, "0"),
                        prefix="hg_" + name,
                        created_at=when,
                    )
                )
        _migrate(engine, empty_database_url, "0005")
        with Session(engine) as session:
            rows = session.exec(select(ApiToken).order_by(ApiToken.id)).scalars().all()
            assert [row.expires_at - row.created_at for row in rows] == [timedelta(days=90)] * 2
            states = [t.state for t in service.list_tokens(user_id, session=session)]
        assert states == ["live", "expired"]  # newest first
        _migrate(engine, empty_database_url, "0004", down=True)
        columns = {column["name"] for column in inspect(engine).get_columns("api_token")}
        assert "expires_at" not in columns and "revoked_at" in columns
    finally:
        engine.dispose()


def _migrate(engine: Engine, url: str, revision: str, *, down: bool = False) -> None:
    """Upgrade (or downgrade) the database to `revision`, as init-db does: on a connection."""
    with engine.begin() as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
