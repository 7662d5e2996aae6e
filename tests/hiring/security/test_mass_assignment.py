"""Extra fields in forms or JSON (ids, roles, owners, versions) change nothing they name."""

from __future__ import annotations

import pytest
from sqlmodel import select

from hiring.accounts.models import UserRole
from hiring.openings.models import Opening, Scorecard
from team.models import Member
from tests.conftest import post_form
from tests.hiring.security.conftest import snapshot

SMUGGLED = {
    "id": 4242,
    "version": 99,
    "owner_id": 1,
    "hiring_manager_id": 1,
    "role": "admin",
    "roles": ["admin"],
    "active": False,
    "created_at": "2000-01-01T00:00:00Z",
}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/members", {"name": "Eve", "email": "eve@example.com"}),
        ("patch", "/api/v1/members/{member}", {"name": "Eve"}),
        ("post", "/api/v1/work-items", {"title": "T", "area": "data", "points": 3}),
        ("patch", "/api/v1/work-items/{item}", {"title": "T"}),
        ("post", "/api/v1/openings", {"title": "Opening"}),
        ("patch", "/api/v1/openings/{opening}", {"title": "Renamed"}),
        ("post", "/api/v1/openings/{opening}/candidates", {"name": "C", "email": "c@example.com"}),
        ("patch", "/api/v1/settings", {"points_per_week": 6}),
    ],
)
def test_json_bodies_with_extra_fields_are_refused_and_write_nothing(
    api, db, make_member, make_work_item, make_opening, method, path, body
):
    member, item = make_member(), make_work_item()
    client = api("admin")
    opening = make_opening()
    url = path.format(member=member.id, item=item.id, opening=opening.id)
    # `active` is a documented member field (API.md); every other smuggled field is not.
    smuggled = {k: v for k, v in SMUGGLED.items() if not (k == "active" and "members" in url)}
    before = snapshot(db)
    response = getattr(client, method)(url, json=body | smuggled)
    assert response.status_code == 422, (url, response.status_code)
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert set(smuggled) <= set(error["fields"]), (url, error["fields"])
    assert snapshot(db) == before


def test_member_form_ignores_smuggled_id_and_version(client, as_role, db, make_member):
    as_role("hiring_manager")
    member = make_member(name="Ada")
    other = make_member(name="Grace")
    version = db.get(Member, member.id).version
    db.rollback()
    page = f"/team/members/{member.id}/edit"
    response = post_form(
        client,
        page,
        {
            "name": "Ada L.",
            "email": member.email,
            "title": "Researcher",
            "fte": "1",
            "version": str(version),
            "id": str(other.id),
            "member_id": str(other.id),
            "active": "",
            "created_at": "2000-01-01",
        },
    )
    assert response.status_code == 302
    db.rollback()
    stored = {m.id: m for m in db.exec(select(Member)).all()}
    assert stored[member.id].name == "Ada L."
    assert stored[other.id].name == "Grace"
    assert stored[member.id].active and stored[other.id].active
    assert stored[member.id].version == version + 1


def test_opening_form_cannot_change_its_owner(client, db, make_user, make_opening, login):
    owner = make_user("hiring_manager")
    stranger = make_user("hiring_manager")
    opening = make_opening(manager=owner)
    login(owner)
    response = post_form(
        client,
        f"/openings/{opening.id}/edit",
        {
            "title": "Renamed",
            "target_area": "",
            "headcount": "1",
            "status": "open",
            "version": "1",
            "hiring_manager_id": str(stranger.id),
            "owner": stranger.email,
            "id": "999",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    db.rollback()
    stored = db.exec(select(Opening)).one()
    assert stored.title == "Renamed" and stored.id == opening.id
    assert stored.hiring_manager_id == owner.id


def test_profile_and_scorecard_forms_cannot_grant_roles_or_write_as_someone_else(
    client, db, make_user, make_opening, make_candidate, login
):
    interviewer = make_user("interviewer")
    colleague = make_user("interviewer")
    opening = make_opening(panel=[interviewer, colleague])
    candidate = make_candidate(opening)
    login(interviewer)
    response = post_form(
        client,
        f"/candidates/{candidate.id}/scorecard",
        {
            "recommendation": "yes",
            "notes": "ok",
            "save_draft": "Save draft",
            "interviewer_id": str(colleague.id),
            "status": "submitted",
            "revision": "7",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    post_form(
        client,
        "/profile/password",
        {"pw-current_password": "x", "role": "admin", "roles": "admin"},
        page="/profile",
    )
    db.rollback()
    cards = db.exec(select(Scorecard)).all()
    assert [(c.interviewer_id, c.submitted_at, c.revision) for c in cards] == [
        (interviewer.id, None, 1)
    ]
    roles = {r.role for r in db.exec(select(UserRole).where(UserRole.user_id == interviewer.id))}
    assert roles == {"interviewer"}
