"""The admin user pages' actions through the API: users added with roles (a password chosen or
generated and answered once), changed, disabled, their passwords reset and their tokens revoked,
by the same `hiring.accounts.service` rules as the pages (an admin cannot lock themselves out)."""

from __future__ import annotations

import pytest

from hiring.accounts import service as accounts
from tests.conftest import PASSWORD
from tests.hiring.security.conftest import snapshot

API = "/api/v1"
NEW_PASSWORD = "violet staple kettle drum"


def _error(response, status: int, code: str) -> dict:
    """The JSON error body, after checking its status and code."""
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


@pytest.fixture
def admin(make_user):
    """The admin who calls."""
    return make_user("admin", email="admin@example.com", name="Ada Admin")


@pytest.fixture
def grace(make_user):
    """Someone for the admin to look after: a hiring manager who also interviews."""
    return make_user("hiring_manager", "interviewer", email="grace@example.com", name="Grace")


def fresh(db):
    """The test's session with the app's latest commits visible (rows it holds reloaded)."""
    db.rollback()
    db.expire_all()
    return db


def _works(bearer, token: str) -> bool:
    """Whether the token is still let in."""
    return bearer(token).get(f"{API}/openings").status_code == 200


def test_an_admin_lists_and_reads_users_with_their_roles(api_as, admin, grace):
    client = api_as(admin)
    page = client.get(f"{API}/users").get_json()
    assert page["total"] == 2
    assert page["items"] == [
        {
            "id": admin.id,
            "email": "admin@example.com",
            "name": "Ada Admin",
            "roles": ["admin"],
            "active": True,
        },
        {
            "id": grace.id,
            "email": "grace@example.com",
            "name": "Grace",
            "roles": ["hiring_manager", "interviewer"],
            "active": True,
        },
    ]
    found = client.get(f"{API}/users", query_string={"q": "GRACE"}).get_json()
    assert [u["id"] for u in found["items"]] == [grace.id] and found["total"] == 1
    assert client.get(f"{API}/users/{grace.id}").get_json() == page["items"][1]
    assert client.get(f"{API}/users?limit=1&offset=1").get_json()["items"] == [page["items"][1]]


def test_a_user_added_with_a_password_logs_in_with_it(api_as, admin, db):
    client = api_as(admin)
    body = {
        "email": " Lin@Example.com ",
        "name": " Lin ",
        "roles": ["interviewer", "leadership", "interviewer"],
        "password": NEW_PASSWORD,
    }
    response = client.post(f"{API}/users", json=body)
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert made == {
        "id": made["id"],
        "email": "lin@example.com",
        "name": "Lin",
        "roles": ["interviewer", "leadership"],
        "active": True,
        "generated_password": None,
    }
    assert response.headers["Location"].endswith(f"{API}/users/{made['id']}")
    fresh(db)
    assert accounts.authenticate("lin@example.com", NEW_PASSWORD, session=db) is not None


def test_a_user_added_without_a_password_gets_one_generated_once(api_as, admin, db):
    response = api_as(admin).post(
        f"{API}/users", json={"email": "mo@example.com", "name": "Mo", "roles": ["interviewer"]}
    )
    assert response.status_code == 201, response.get_json()
    password = response.get_json()["generated_password"]
    assert password and len(password) >= 16
    fresh(db)
    assert accounts.authenticate("mo@example.com", password, session=db) is not None
    assert "generated_password" not in api_as(admin).get(response.headers["Location"]).get_json()


def test_an_email_in_use_is_a_409_and_writes_nothing(api_as, admin, grace, db):
    client = api_as(admin)
    before = snapshot(db)
    body = {"email": "GRACE@example.com", "name": "Grace 2", "roles": ["interviewer"]}
    error = _error(client.post(f"{API}/users", json=body), 409, "conflict")
    assert error["fields"] == {"email": ["is taken"]}
    assert snapshot(db) == before


GOOD = {"email": "new@example.com", "name": "New", "roles": ["interviewer"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (GOOD | {"roles": []}, "roles"),
        (GOOD | {"roles": ["owner"]}, "roles.0"),
        (GOOD | {"roles": "admin"}, "roles"),
        (GOOD | {"roles": ["admin"] * 5}, "roles"),
        (GOOD | {"email": "not-an-email"}, "email"),
        (GOOD | {"email": 7}, "email"),
        (GOOD | {"name": ""}, "name"),
        (GOOD | {"name": "Nul\u0000"}, "name"),
        (GOOD | {"name": "n" * 121}, "name"),
        (GOOD | {"password": "short"}, "password"),
        (GOOD | {"password": "password123"}, "password"),
        (GOOD | {"password": "new@example.com!"}, "password"),
        (GOOD | {"password": None}, "password"),
        (GOOD | {"active": False}, "active"),
        (GOOD | {"id": 1}, "id"),
        ({"email": "new@example.com", "roles": ["admin"]}, "name"),
    ],
)
def test_bad_new_users_are_a_422_naming_the_field_and_write_nothing(api_as, admin, db, body, field):
    client = api_as(admin)
    before = snapshot(db)
    error = _error(client.post(f"{API}/users", json=body), 422, "validation_error")
    assert field in error["fields"], error["fields"]
    assert snapshot(db) == before


def test_a_change_touches_only_the_fields_sent(api_as, admin, grace):
    client = api_as(admin)
    url = f"{API}/users/{grace.id}"
    renamed = client.patch(url, json={"name": "Grace Hopper"})
    assert renamed.status_code == 200, renamed.get_json()
    assert renamed.get_json()["roles"] == ["hiring_manager", "interviewer"]
    assert renamed.get_json()["active"] is True
    roles = client.patch(url, json={"roles": ["leadership"]}).get_json()
    assert (roles["name"], roles["roles"]) == ("Grace Hopper", ["leadership"])
    assert client.get(url).get_json() == roles


def test_disabling_a_user_revokes_their_tokens_for_good(
    api_as, admin, grace, token_for, bearer, db
):
    token = token_for(grace)
    assert _works(bearer, token)
    client = api_as(admin)
    disabled = client.patch(f"{API}/users/{grace.id}", json={"active": False})
    assert disabled.status_code == 200 and disabled.get_json()["active"] is False
    assert not _works(bearer, token)
    assert client.patch(f"{API}/users/{grace.id}", json={"active": True}).status_code == 200
    assert not _works(bearer, token)
    tokens = client.get(f"{API}/users/{grace.id}/tokens").get_json()
    assert [t["state"] for t in tokens["items"]] == ["revoked"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"active": False}, "active"), ({"roles": ["hiring_manager"]}, "roles")],
)
def test_an_admin_cannot_lock_themselves_out(api_as, admin, db, body, field):
    client = api_as(admin)
    before = snapshot(db)
    error = _error(client.patch(f"{API}/users/{admin.id}", json=body), 422, "validation_error")
    assert field in error["fields"]
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "   "}, "name"),
        ({"roles": []}, "roles"),
        ({"active": "false"}, "active"),
        ({"active": 0}, "active"),
        ({"active": None}, "active"),
        ({"email": "other@example.com"}, "email"),
        ({"password": NEW_PASSWORD}, "password"),
    ],
)
def test_bad_changes_are_a_422_and_write_nothing(api_as, admin, grace, db, body, field):
    client = api_as(admin)
    before = snapshot(db)
    response = client.patch(f"{API}/users/{grace.id}", json=body)
    error = _error(response, 422, "validation_error")
    assert field in error["fields"]
    assert snapshot(db) == before


def test_a_password_reset_sets_it_and_revokes_their_tokens(
    api_as, admin, grace, token_for, bearer, db
):
    token = token_for(grace)
    client = api_as(admin)
    response = client.post(f"{API}/users/{grace.id}/password", json={"password": NEW_PASSWORD})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"generated_password": None}
    assert not _works(bearer, token)
    fresh(db)
    assert accounts.authenticate(grace.email, NEW_PASSWORD, session=db) is not None
    assert accounts.authenticate(grace.email, PASSWORD, session=db) is None
    generated = client.post(f"{API}/users/{grace.id}/password", json={}).get_json()
    fresh(db)
    assert accounts.authenticate(grace.email, generated["generated_password"], session=db)


@pytest.mark.parametrize(
    ("who", "body", "field"),
    [
        ("grace", {"password": "short"}, "password"),
        ("grace", {"password": "Grace-Grace-1"}, "password"),
        ("grace", {"password": 12345678}, "password"),
        ("grace", {"password": NEW_PASSWORD, "notify": True}, "notify"),
        ("admin", {"password": NEW_PASSWORD}, "password"),  # their own: on the profile page
    ],
)
def test_bad_password_resets_are_a_422_and_write_nothing(
    api_as, admin, grace, db, who, body, field
):
    user = {"admin": admin, "grace": grace}[who]
    client = api_as(admin)
    before = snapshot(db)
    response = client.post(f"{API}/users/{user.id}/password", json=body)
    assert field in _error(response, 422, "validation_error")["fields"]
    assert snapshot(db) == before


def test_an_admin_revokes_one_token_of_a_user(api_as, admin, grace, token_for, bearer, db):
    kept, revoked = token_for(grace), token_for(grace)
    client = api_as(admin)
    tokens = client.get(f"{API}/users/{grace.id}/tokens").get_json()
    assert tokens["total"] == 2 and {t["state"] for t in tokens["items"]} == {"live"}
    assert all("token_hash" not in t for t in tokens["items"])
    newest = tokens["items"][0]
    assert revoked.startswith(newest["prefix"])
    url = f"{API}/users/{grace.id}/tokens/{newest['id']}"
    response = client.delete(url)
    assert response.status_code == 204 and response.get_data() == b""
    assert not _works(bearer, revoked) and _works(bearer, kept)
    assert client.delete(url).status_code == 204  # revoked stays revoked
    states = [t["state"] for t in client.get(f"{API}/users/{grace.id}/tokens").get_json()["items"]]
    assert states == ["live", "revoked"]


def test_another_users_token_or_no_such_user_is_a_404(api_as, admin, grace, make_user, db):
    other = make_user("interviewer")
    client = api_as(admin)
    own = accounts.list_tokens(admin.id, session=db)[0].id
    db.rollback()
    before = snapshot(db)
    _error(client.delete(f"{API}/users/{grace.id}/tokens/{own}"), 404, "not_found")
    _error(client.delete(f"{API}/users/{other.id}/tokens/999999"), 404, "not_found")
    missing = 2**31 - 1
    for method, path, body in [
        ("GET", f"/users/{missing}", None),
        ("PATCH", f"/users/{missing}", {"name": "Nobody"}),
        ("POST", f"/users/{missing}/password", {}),
        ("GET", f"/users/{missing}/tokens", None),
        ("DELETE", f"/users/{missing}/tokens/1", None),
        ("GET", "/users/99999999999", None),
    ]:
        _error(client.open(API + path, method=method, json=body), 404, "not_found")
    assert snapshot(db) == before


CALLS = [
    ("GET", "/users", None),
    ("POST", "/users", GOOD),
    ("GET", "/users/{id}", None),
    ("PATCH", "/users/{id}", {"name": "Renamed"}),
    ("POST", "/users/{id}/password", {}),
    ("GET", "/users/{id}/tokens", None),
    ("DELETE", "/users/{id}/tokens/{token}", None),
]


@pytest.mark.parametrize(
    "roles",
    [
        ("hiring_manager",),
        ("interviewer",),
        ("leadership",),
        ("hiring_manager", "interviewer", "leadership"),
    ],
)
def test_only_admins_manage_users(api, grace, token_for, db, roles):
    token_for(grace)
    token = accounts.list_tokens(grace.id, session=db)[0].id
    db.rollback()
    client = api(*roles)
    before = snapshot(db)
    for method, path, body in CALLS:
        url = API + path.format(id=grace.id, token=token)
        _error(client.open(url, method=method, json=body), 403, "forbidden")
    assert snapshot(db) == before
