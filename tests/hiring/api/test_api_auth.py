"""Who may call what: bearer tokens only (never the login cookie), 401/403 as JSON errors.

The expected roles are written out from API.md's table rather than read from the code, so a
policy that drifts from the contract fails here.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from hiring.accounts import service as accounts
from hiring.accounts.models import ROLES, ApiToken
from hiring.openings.models import Candidate, Opening, Scorecard
from team import absences
from team.models import Absence, Member, WorkItem, utcnow
from team.schemas import AbsenceCreate

API = "/api/v1"
ANY = frozenset(ROLES)
READ = frozenset({"hiring_manager", "leadership", "admin"})
WRITE = frozenset({"hiring_manager", "admin"})
PANEL = frozenset({"interviewer"})
ADMIN = frozenset({"admin"})

# (method, path with {id} for an existing row, roles admitted): API.md, "Resources".
CONTRACT = [
    ("GET", "/areas", ANY),
    ("GET", "/settings", ANY),
    # Each user's own email settings: every role, and only the caller's own.
    ("GET", "/profile/email", ANY),
    ("PATCH", "/profile/email", ANY),
    ("PATCH", "/settings", frozenset({"admin"})),
    ("GET", "/coverage", READ),
    ("GET", "/coverage/key-people", READ),
    ("GET", "/coverage/history", READ),
    ("GET", "/plan", READ),
    ("POST", "/plan/publish", WRITE),
    ("GET", "/openings/{id}/ranking", READ),
    ("GET", "/openings/{id}/slate", READ),
    ("GET", "/openings/{id}/compare", READ),
    ("GET", "/calibration", READ),
    ("GET", "/members", READ),
    ("POST", "/members", WRITE),
    ("GET", "/members/{id}", READ),
    ("PATCH", "/members/{id}", WRITE),
    ("DELETE", "/members/{id}", WRITE),
    ("GET", "/members/{id}/absences", READ),
    ("POST", "/members/{id}/absences", WRITE),
    ("GET", "/absences/{id}", READ),
    ("DELETE", "/absences/{id}", WRITE),
    ("GET", "/work-items", READ),
    ("POST", "/work-items", WRITE),
    ("GET", "/work-items/{id}", READ),
    ("PATCH", "/work-items/{id}", WRITE),
    ("DELETE", "/work-items/{id}", WRITE),
    ("POST", "/import/members", WRITE),
    ("POST", "/import/work-items", WRITE),
    ("GET", "/import/mappings/{id}", WRITE),
    ("PUT", "/import/mappings/{id}", WRITE),
    ("GET", "/openings", ANY),
    ("POST", "/openings", WRITE),
    ("GET", "/openings/{id}", ANY),
    ("PATCH", "/openings/{id}", WRITE),
    ("GET", "/openings/{id}/candidates", ANY),
    ("POST", "/openings/{id}/candidates", WRITE),
    ("GET", "/candidates/{id}", ANY),
    ("PATCH", "/candidates/{id}", WRITE),
    ("GET", "/candidates/{id}/scorecards", ANY),
    ("POST", "/candidates/{id}/scorecards", PANEL),
    # The interview structure (tests/hiring/test_interview_structure.py, per record).
    ("GET", "/openings/{id}/panel", ANY),
    ("PUT", "/openings/{id}/panel/{id}/focus", WRITE),
    ("GET", "/candidates/{id}/interviews", ANY),
    ("PUT", "/candidates/{id}/interviews/{id}", WRITE),
    ("GET", "/cards-to-write", PANEL),
    ("GET", "/areas/{id}/guide", ANY),
    ("PUT", "/areas/{id}/guide", ADMIN),
    # The twins of the remaining page actions (tests/hiring/api/test_page_twins.py).
    ("GET", "/areas/{id}", ANY),
    ("POST", "/areas", ADMIN),
    ("PATCH", "/areas/{id}", ADMIN),
    ("POST", "/areas/{id}/move", ADMIN),
    ("POST", "/areas/{id}/skills", ADMIN),
    ("PATCH", "/skills/{id}", ADMIN),
    ("GET", "/users", ADMIN),
    ("POST", "/users", ADMIN),
    ("GET", "/users/{id}", ADMIN),
    ("PATCH", "/users/{id}", ADMIN),
    ("POST", "/users/{id}/password", ADMIN),
    ("GET", "/users/{id}/tokens", ADMIN),
    ("DELETE", "/users/{id}/tokens/{id}", ADMIN),
    ("GET", "/audit", ADMIN),
    ("POST", "/coverage/what-if", READ),
    ("POST", "/openings/{id}/candidates/import", WRITE),
    ("POST", "/candidates/{id}/scorecards/submit", PANEL),
    ("POST", "/candidates/{id}/scorecards/revise", PANEL),
    ("POST", "/candidates/{id}/hire", WRITE),
]
# Routes whose record only some holders of an admitted role see (a hiring manager sees their
# own openings, an interviewer those whose panel they sit on).
PER_RECORD = {"openings", "candidates"}
# What an admitted caller gets where it is not 200: compare takes 2 to 4 candidates (`?c=`), so
# without them the role is let in and the list refused (tests/hiring/decisions/test_compare.py).
ADMITTED = {"/openings/{id}/compare": 422}
PUBLIC = [("GET", "/openapi.json")]
BODIES = {
    "/settings": {"points_per_week": 5},
    "/members": {"name": "New", "email": "new@example.com"},
    "/members/{id}/absences": {"start": "2027-01-04", "end": "2027-01-08"},
    "/work-items": {"title": "New", "area": "data", "points": 1},
    "/plan/publish": {},
    "/openings": {"title": "New"},
    "/openings/{id}/candidates": {"name": "New", "email": "new@example.com"},
    "/candidates/{id}": {"status": "interviewing", "note": "Book the panel."},
    "/candidates/{id}/scorecards": {"ratings": {"data": 1}, "recommendation": "no", "submit": True},
    "/openings/{id}/panel/{id}/focus": {"areas": ["data"]},
    "/candidates/{id}/interviews/{id}": {"date": "2027-03-01"},
    "/areas/{id}/guide": {"questions": ["What did you ship last?"]},
    "/areas": {"key": "robotics", "name": "Robotics"},
    "/areas/{id}": {"name": "Renamed"},
    "/areas/{id}/move": {"direction": "down"},
    "/areas/{id}/skills": {"key": "pytorch", "name": "PyTorch"},
    "/skills/{id}": {"name": "Renamed"},
    "/users": {"email": "new@example.com", "name": "New", "roles": ["interviewer"]},
    "/users/{id}": {"name": "Renamed"},
    "/users/{id}/password": {},
    "/coverage/what-if": {"add": [{"levels": {"data": 3}}]},
    "/candidates/{id}/scorecards/submit": {},
    "/candidates/{id}/scorecards/revise": {},
    "/candidates/{id}/hire": {"name": "New", "email": "new@example.com"},
    "/import/mappings/{id}": {"area_by_value": {"Data Pipelines": "data"}},
}
CSV = {
    "/import/members": "name,email\nNew,new@example.com\n",
    "/import/work-items": "title,area,points\nNew,data,1\n",
    "/openings/{id}/candidates/import": "name,email\nNew,new@example.com\n",
}
DENIED = [(method, path, role) for method, path, roles in CONTRACT for role in sorted(ANY - roles)]


def _call(client, method: str, path: str, ids: dict[str, int] | None = None):
    """Call one route the way a real client would, with a valid body where it takes one."""
    kind = path.split("/")[1]
    url = API + path.replace("{id}", str((ids or {}).get(kind, 1)))
    kwargs: dict = {}
    if path in CSV:
        kwargs = {"data": CSV[path], "content_type": "text/csv"}
    elif method in ("POST", "PATCH", "PUT"):
        kwargs = {"json": BODIES.get(path, {"title": "Changed"})}
    return client.open(url, method=method, **kwargs)


def _per_record(path: str) -> bool:
    """Whether the route reads one hiring record, which only some holders of a role see."""
    return path.split("/")[1] in PER_RECORD and "{id}" in path


@pytest.fixture
def rows(db, make_member, make_work_item, make_opening, make_candidate, count):
    """One member with an absence, a work item, an opening and a candidate, and a way to see
    nothing else changed."""
    opening = make_opening()
    member = make_member()
    away = AbsenceCreate(start=date(2027, 3, 1), end=date(2027, 3, 5))
    ids = {
        "members": member.id,
        "absences": absences.add_absence(member.id, away, session=db).id,
        "work-items": make_work_item().id,
        "openings": opening.id,
        "candidates": make_candidate(opening).id,
        "areas": "research",  # areas are named by their key
        "import": "jira",  # mappings by their source
    }

    def unchanged() -> bool:
        tables = (Member, Absence, WorkItem, Opening, Candidate, Scorecard)
        return [count(t) for t in tables] == [1, 1, 1, 1, 1, 0]

    return ids, unchanged


def _assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]


def test_the_contract_table_covers_every_api_route(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<[^>]+>", "{id}", rule.rule.removeprefix(API))
            routes |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == {(m, p) for m, p, _r in CONTRACT} | set(PUBLIC)


@pytest.mark.parametrize(("method", "path", "_roles"), CONTRACT)
def test_no_token_is_401_json_never_a_login_redirect(app, rows, method, path, _roles):
    ids, unchanged = rows
    response = _call(app.test_client(), method, path, ids)
    _assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert unchanged()


@pytest.mark.parametrize(
    "header",
    [
        "Bearer hg_not-a-real-token",
        "Bearer ",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "hg_token-without-scheme",
        "Bearer " + "x" * 5000,
    ],
    ids=["unknown", "empty", "bare", "basic", "no-scheme", "huge"],
)
def test_a_bad_authorization_header_is_401(app, rows, header):
    ids, unchanged = rows
    client = app.test_client(use_cookies=False)
    client.environ_base["HTTP_AUTHORIZATION"] = header
    for method, path, _roles in CONTRACT:
        _assert_error(_call(client, method, path, ids), 401, "unauthorized")
    assert unchanged()


def test_a_revoked_token_is_401(db, make_user, token_for, bearer, rows):
    _ids, unchanged = rows
    user = make_user("admin")
    client = bearer(token_for(user))
    assert client.get(f"{API}/members").status_code == 200
    token_id = accounts.list_tokens(user.id, session=db)[0].id
    accounts.revoke_token(user.id, token_id, session=db)
    db.rollback()
    _assert_error(client.get(f"{API}/members"), 401, "unauthorized")
    _assert_error(client.post(f"{API}/members", json=BODIES["/members"]), 401, "unauthorized")
    assert unchanged()


def test_a_disabled_users_token_is_401_and_stays_revoked_when_enabled_again(
    db, make_user, token_for, bearer, rows
):
    _ids, unchanged = rows
    admin = make_user("admin")
    user = make_user("hiring_manager")
    client = bearer(token_for(user))
    assert client.get(f"{API}/members").status_code == 200
    for active in (False, True):
        accounts.update_user(
            user.id,
            name=user.name,
            roles=["hiring_manager"],
            active=active,
            acting_user_id=admin.id,
            session=db,
        )
        db.rollback()
        _assert_error(client.get(f"{API}/members"), 401, "unauthorized")
        _assert_error(client.post(f"{API}/members", json=BODIES["/members"]), 401, "unauthorized")
    assert unchanged()
    # Revoked, not suspended: the row says so, and only a new token brings the user back.
    assert [t.state for t in accounts.list_tokens(user.id, session=db)] == ["revoked"]
    assert bearer(token_for(user)).get(f"{API}/members").status_code == 200


@pytest.mark.parametrize(("left", "works"), [(timedelta(minutes=1), True), (timedelta(0), False)])
def test_an_expired_token_is_401_like_a_bad_one(
    db, make_user, token_for, bearer, rows, left, works
):
    _ids, unchanged = rows
    user = make_user("admin")
    client = bearer(token_for(user))
    db.exec(update(ApiToken).where(ApiToken.user_id == user.id).values(expires_at=utcnow() + left))
    db.commit()
    if works:
        assert client.get(f"{API}/members").status_code == 200
    else:
        _assert_error(client.get(f"{API}/members"), 401, "unauthorized")
        _assert_error(client.post(f"{API}/members", json=BODIES["/members"]), 401, "unauthorized")
        assert client.get(f"{API}/members").headers["WWW-Authenticate"].startswith("Bearer")
    assert unchanged()


def test_a_login_cookie_alone_does_not_authenticate(client, as_role, rows):
    _ids, unchanged = rows
    as_role("admin")
    assert client.get("/team/members").status_code == 200  # the page client is logged in
    _assert_error(client.get(f"{API}/members"), 401, "unauthorized")
    # No CSRF token either: the API neither needs one nor lets the cookie stand in for a token.
    _assert_error(client.post(f"{API}/members", json=BODIES["/members"]), 401, "unauthorized")
    _assert_error(client.delete(f"{API}/members/1"), 401, "unauthorized")
    assert unchanged()


def test_a_token_works_without_a_csrf_token_and_sets_no_cookie(api, count):
    response = api("admin").post(f"{API}/members", json=BODIES["/members"])
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers
    assert count(Member) == 1


def test_the_token_acts_for_its_own_user_not_the_cookies(client, as_role, make_user, token_for):
    as_role("admin")
    reader = make_user("interviewer")
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_for(reader)}"
    _assert_error(client.get(f"{API}/members"), 403, "forbidden")


@pytest.mark.parametrize(("method", "path", "role"), DENIED)
def test_roles_outside_the_contract_get_403(api, rows, method, path, role):
    ids, unchanged = rows
    response = _call(api(role), method, path, ids)
    _assert_error(response, 403, "forbidden")
    assert unchanged()


@pytest.mark.parametrize("role", sorted(READ))
def test_readers_read_team_and_work(api, rows, role):
    ids, _unchanged = rows
    client = api(role)
    for method, path, roles in CONTRACT:
        if method == "GET" and role in roles and not _per_record(path):
            assert _call(client, method, path, ids).status_code == 200, path


@pytest.mark.parametrize("role", sorted(ANY))
def test_each_role_reads_the_hiring_records_it_may_see(
    make_user, token_for, bearer, make_opening, make_candidate, role
):
    user = make_user(role)
    interviewer = user if role == "interviewer" else make_user("interviewer")
    manager = user if role == "hiring_manager" else None
    opening = make_opening(manager=manager, panel=[interviewer])
    ids = {"openings": opening.id, "candidates": make_candidate(opening).id}
    client = bearer(token_for(user))
    for method, path, roles in CONTRACT:
        if method == "GET" and role in roles and _per_record(path):
            assert _call(client, method, path, ids).status_code == ADMITTED.get(path, 200), path


def test_a_user_with_several_roles_gets_the_union(api, rows):
    ids, _unchanged = rows
    client = api("interviewer", "leadership")
    assert client.get(f"{API}/members/{ids['members']}").status_code == 200
    _assert_error(client.delete(f"{API}/members/{ids['members']}"), 403, "forbidden")


def test_unknown_api_paths_and_methods_answer_json(api):
    client = api("admin")
    _assert_error(client.get(f"{API}/nothing-here"), 404, "not_found")
    _assert_error(client.put(f"{API}/members/1", json={}), 405, "method_not_allowed")


@pytest.mark.parametrize("resource", ["members", "work-items"])
@pytest.mark.parametrize("number", ["2147483648", "99999999999999999999", "-1", "01x"])
def test_ids_out_of_range_are_404_not_a_crash(api, rows, resource, number):
    _ids, unchanged = rows
    client = api("admin")
    for method in ("GET", "PATCH", "DELETE"):
        response = client.open(f"{API}/{resource}/{number}", method=method, json={"title": "x"})
        _assert_error(response, 404, "not_found")
    assert unchanged()
