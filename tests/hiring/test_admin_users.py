"""The admin's user pages: list, invite, edit roles, disable; and who may open them."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, func, select

from hiring.accounts.models import LoginSession, User, UserRole
from tests.conftest import PASSWORD, post_form

ADMIN_PAGES = ["/admin/users", "/admin/users/new"]
INITIAL_PASSWORD = re.compile(r'id="initial-password">([^<]+)<')


def fetch(db, statement) -> list:
    """Rows as the database has them now, read in a session of their own.

    A fresh session never serves stale objects, and closing it ends the read at once, so no
    lock is held while the app writes next.
    """
    with Session(db.get_bind()) as fresh:
        return list(fresh.exec(statement).all())


def user_count(db) -> int:
    """How many users exist."""
    return fetch(db, select(func.count()).select_from(User))[0]


def roles_in_db(db, user_id: int) -> set[str]:
    """The roles stored for a user."""
    return set(fetch(db, select(UserRole.role).where(UserRole.user_id == user_id)))


def invite(client, **overrides):
    """Post the invite form with sensible defaults."""
    data = {"name": "Grace Hopper", "email": "grace@example.com", "roles": ["interviewer"]}
    return post_form(client, "/admin/users/new", data | overrides)


def test_list_shows_roles_status_and_last_seen(client, as_role, make_user, db):
    admin = as_role("admin")
    make_user("interviewer", "leadership", name="Grace Hopper", email="grace@example.com")
    page = client.get("/admin/users")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Grace Hopper" in html and "grace@example.com" in html
    assert "Interviewer" in html and "Leadership" in html
    assert "never" in html  # Grace never logged in; the admin did, so has a time
    assert re.search(r"\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC", html)  # dates in one format
    assert f"/admin/users/{admin.id}/edit" in html

    found = client.get("/admin/users?q=GRACE").get_data(as_text=True)
    assert "Grace Hopper" in found and admin.email not in found
    assert "1 user matching" in found


def test_list_pages_by_fifty(client, as_role, db):
    as_role("admin")
    for n in range(60):
        db.add(User(email=f"bulk{n:02d}@example.com", name=f"Bulk {n:02d}"))
    db.commit()
    first = client.get("/admin/users?q=bulk").get_data(as_text=True)
    assert first.count("@example.com</td>") == 50
    assert "offset=50" in first
    second = client.get("/admin/users?q=bulk&offset=50").get_data(as_text=True)
    assert second.count("@example.com</td>") == 10
    assert "Bulk 59" in second and "Bulk 00" not in second


def test_invite_shows_generated_password_once_and_it_logs_in(app, client, as_role, db):
    as_role("admin")
    response = invite(client, password="")
    html = response.get_data(as_text=True)
    assert response.status_code == 200  # a page, not a redirect carrying the password
    match = INITIAL_PASSWORD.search(html)
    assert match, html[:1000]
    password = match.group(1).strip()
    assert len(password) >= 16
    assert "securely" in html

    user = fetch(db, select(User).where(User.email == "grace@example.com"))[0]
    assert user.name == "Grace Hopper" and user.active
    assert password not in user.password_hash
    assert roles_in_db(db, user.id) == {"interviewer"}

    listing = client.get("/admin/users").get_data(as_text=True)
    assert password not in listing
    fresh = app.test_client()
    login = post_form(fresh, "/login", {"email": "grace@example.com", "password": password})
    assert login.status_code == 302
    assert fresh.get("/profile").status_code == 200


def test_invite_with_chosen_password(app, client, as_role):
    as_role("admin")
    response = invite(client, password="a long chosen phrase", roles=["hiring_manager", "admin"])
    assert response.status_code == 200
    assert "a long chosen phrase" in response.get_data(as_text=True)
    fresh = app.test_client()
    data = {"email": "grace@example.com", "password": "a long chosen phrase"}
    assert post_form(fresh, "/login", data).status_code == 302
    assert fresh.get("/admin/users").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-email"}, "Invalid email address"),
        ({"roles": []}, "This field is required"),
        ({"roles": ["wizard"]}, "is not a valid choice"),
        ({"password": "short"}, "between 8 and 1024"),
        ({"password": "password123"}, "too common"),
        ({"name": ""}, "This field is required"),
        ({"email": "taken@example.com"}, "is taken"),
        ({"email": "Taken@Example.com"}, "is taken"),
    ],
)
def test_invite_refuses_bad_input(client, as_role, make_user, db, overrides, message):
    as_role("admin")
    make_user("interviewer", email="taken@example.com")
    before = user_count(db)
    response = invite(client, **overrides)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert user_count(db) == before
    assert not fetch(db, select(User).where(User.email == "grace@example.com"))


def test_edit_changes_name_and_roles(client, as_role, make_user, db):
    as_role("admin")
    user = make_user("interviewer", name="Grace Hopper")
    url = f"/admin/users/{user.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Grace Hopper"' in form
    assert re.search(r'checked[^>]*value="interviewer"|value="interviewer"[^>]*checked', form)

    data = {"name": "Grace B. Hopper", "roles": ["hiring_manager", "leadership"], "active": "y"}
    response = post_form(client, url, data)
    assert response.status_code == 302 and response.location.endswith("/admin/users")
    assert roles_in_db(db, user.id) == {"hiring_manager", "leadership"}
    stored = fetch(db, select(User).where(User.id == user.id))[0]
    assert stored.name == "Grace B. Hopper" and stored.active
    assert "Changes to Grace B. Hopper saved" in client.get("/admin/users").get_data(as_text=True)


def test_edit_refuses_no_roles(client, as_role, make_user, db):
    as_role("admin")
    user = make_user("interviewer", name="Grace Hopper")
    response = post_form(client, f"/admin/users/{user.id}/edit", {"name": "X", "active": "y"})
    assert response.status_code == 400
    assert fetch(db, select(User.name).where(User.id == user.id)) == ["Grace Hopper"]
    assert roles_in_db(db, user.id) == {"interviewer"}


def test_edit_unknown_user_is_404(client, as_role):
    as_role("admin")
    assert client.get("/admin/users/9999/edit").status_code == 404
    data = {"name": "Nobody", "roles": ["admin"], "active": "y"}
    assert post_form(client, "/admin/users/9999/edit", data, page="/admin/users").status_code == 404


def test_disabling_ends_sessions_and_blocks_login(app, client, as_role, make_user, db):
    as_role("admin")
    target = make_user("hiring_manager", name="Leaving Person")
    theirs = app.test_client()
    post_form(theirs, "/login", {"email": target.email, "password": PASSWORD})
    assert theirs.get("/team/").status_code == 200

    data = {"name": target.name, "roles": ["hiring_manager"]}  # "active" unticked
    response = post_form(client, f"/admin/users/{target.id}/edit", data)
    assert response.status_code == 302

    after = theirs.get("/team/")
    assert after.status_code == 302 and "/login" in after.location
    sessions = fetch(db, select(LoginSession).where(LoginSession.user_id == target.id))
    assert sessions and all(s.ended_at is not None for s in sessions)
    assert not fetch(db, select(User.active).where(User.id == target.id))[0]
    assert "disabled" in client.get("/admin/users").get_data(as_text=True)

    again = app.test_client()
    login = post_form(again, "/login", {"email": target.email, "password": PASSWORD})
    assert login.status_code == 400
    assert again.get("/team/").status_code == 302


def test_admin_cannot_disable_self_or_drop_own_admin_role(client, as_role, db):
    admin = as_role("admin")
    url = f"/admin/users/{admin.id}/edit"
    response = post_form(client, url, {"name": admin.name, "roles": ["admin"]})
    assert response.status_code == 400
    assert "you cannot disable yourself" in response.get_data(as_text=True)
    response = post_form(client, url, {"name": admin.name, "roles": ["leadership"], "active": "y"})
    assert response.status_code == 400
    assert "you cannot remove your own admin role" in response.get_data(as_text=True)
    assert fetch(db, select(User.active).where(User.id == admin.id)) == [True]
    assert roles_in_db(db, admin.id) == {"admin"}
    assert client.get("/admin/users").status_code == 200


@pytest.mark.parametrize("role", ["hiring_manager", "interviewer", "leadership"])
def test_non_admins_are_forbidden(client, as_role, make_user, db, role):
    me = as_role(role)
    other = make_user("interviewer", name="Someone Else")
    for url in [*ADMIN_PAGES, f"/admin/users/{other.id}/edit"]:
        assert client.get(url).status_code == 403, url
    before = user_count(db)
    data = {"name": "Sneaky", "email": "sneaky@example.com", "roles": ["admin"], "password": ""}
    assert post_form(client, "/admin/users/new", data, page="/profile").status_code == 403
    data = {"name": "Sneaky", "roles": ["admin"], "active": "y"}
    for user_id in (other.id, me.id):
        url = f"/admin/users/{user_id}/edit"
        assert post_form(client, url, data, page="/profile").status_code == 403
    assert user_count(db) == before
    assert roles_in_db(db, me.id) == {role}
    assert roles_in_db(db, other.id) == {"interviewer"}


def test_anonymous_is_sent_to_login(client, make_user, db):
    user = make_user("interviewer")
    for url in [*ADMIN_PAGES, f"/admin/users/{user.id}/edit"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url
    data = {"name": "Sneaky", "email": "sneaky@example.com", "roles": ["admin"]}
    response = post_form(client, "/admin/users/new", data, page="/login")
    assert response.status_code == 302 and "/login" in response.location
    assert not fetch(db, select(User).where(User.email == "sneaky@example.com"))
