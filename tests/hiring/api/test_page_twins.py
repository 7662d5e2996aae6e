"""Every page action has its API twin (README, API.md): a test that keeps it so.

The page routes that change data are found, not listed: every route outside the API that takes
POST, PUT, PATCH or DELETE. Each must be in `TWINS`, naming the API operations that do the same
thing through the same service, or in `EXEMPT` with the reason it has none; the operations named
must be in the OpenAPI document the API serves. So a new page action without a twin fails here,
and so does a twin that is renamed or removed.

`READ_TWINS` holds the few pages that read something no other API answer gives (the what-if, the
audit log, the users): they change nothing, so the walk does not find them, but the issue that
asked for the twins named them.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from hiring.access import POLICY_ATTR

API = "/api/v1"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

# Page endpoint -> the API operations ("METHOD /path", as the OpenAPI document writes them)
# that do what its form does.
TWINS: dict[str, tuple[str, ...]] = {
    # Users, their roles, passwords and tokens (admins).
    "admin.invite_user": ("POST /users",),
    "admin.edit_user": ("PATCH /users/{user_id}",),
    "admin.set_password": ("POST /users/{user_id}/password",),
    "admin.revoke_token": ("DELETE /users/{user_id}/tokens/{token_id}",),
    # One's own email settings (every role).
    "auth.mail_choices": ("PATCH /profile/email",),
    # Areas, skills and each area's interview guide (admins).
    "areas.add_area": ("POST /areas",),
    "areas.rename_area": ("PATCH /areas/{key}",),
    "areas.move_area": ("POST /areas/{key}/move",),
    "areas.add_skill": ("POST /areas/{key}/skills",),
    "areas.rename_skill": ("PATCH /skills/{key}",),
    "areas.edit_guide": ("PUT /areas/{key}/guide",),
    "settings.edit": ("PATCH /settings",),
    # The team and its planned work.
    "team.new_member": ("POST /members",),
    "team.edit_member": ("PATCH /members/{member_id}",),
    # The page shows what leaving changes (the what-if) before it asks to confirm.
    "team.mark_left": ("DELETE /members/{member_id}", "POST /coverage/what-if"),
    "team.add_absence": ("POST /members/{member_id}/absences",),
    "team.delete_absence": ("DELETE /absences/{absence_id}",),
    "work.new_item": ("POST /work-items",),
    "work.edit_item": ("PATCH /work-items/{item_id}",),
    "work.set_status": ("PATCH /work-items/{item_id}",),
    "work.delete_item": ("DELETE /work-items/{item_id}",),
    "imports.import_members": ("POST /import/members",),
    "imports.import_work": ("POST /import/work-items",),
    # A tracker export's preview keeps the values chosen for its source's mapping.
    "imports.map_values": ("PUT /import/mappings/{source}",),
    "plan.publish": ("POST /plan/publish",),
    # Openings, candidates, scorecards and the hire.
    "openings.new_opening": ("POST /openings",),
    "openings.edit_opening": ("PATCH /openings/{opening_id}",),
    "openings.add_candidate": ("POST /openings/{opening_id}/candidates",),
    "openings.upload_candidates": ("POST /openings/{opening_id}/candidates/import",),
    "candidates.change_status": ("PATCH /candidates/{candidate_id}",),
    "candidates.change_available_from": ("PATCH /candidates/{candidate_id}",),
    "candidates.scorecard": ("POST /candidates/{candidate_id}/scorecards",),
    "candidates.submit_card": ("POST /candidates/{candidate_id}/scorecards/submit",),
    "candidates.revise_card": ("POST /candidates/{candidate_id}/scorecards/revise",),
    "candidates.add_to_team": ("POST /candidates/{candidate_id}/hire",),
    "interviews.set_focus": ("PUT /openings/{opening_id}/panel/{user_id}/focus",),
    # The page sets every panelist's date in one form; the API one panelist at a time.
    "interviews.candidate_interviews": ("PUT /candidates/{candidate_id}/interviews/{user_id}",),
}

# Page actions with no API twin, and why.
EXEMPT: dict[str, str] = {
    "auth.login": "The API takes no cookies: a bearer token is its login (API.md, Auth).",
    "auth.logout": "A token is not a session; it ends by being revoked or expiring.",
    "auth.change_password": "Changing one's own password asks for the current one, which a "
    "script holding a token should not have; admins reset others' through "
    "POST /users/{user_id}/password.",
    "auth.create_token": "A token that could make tokens would outlive its own revocation: "
    "tokens are made on the profile page or with `flask create-token`.",
    "auth.revoke_token": "One's own tokens are revoked on the profile page; an admin revokes "
    "anyone's with DELETE /users/{user_id}/tokens/{token_id}.",
}

# Pages that change nothing but compute or show what no other API answer gives.
READ_TWINS: dict[str, tuple[str, ...]] = {
    "reports.coverage": ("GET /coverage", "POST /coverage/what-if"),
    "audit.list_entries": ("GET /audit",),
    "admin.list_users": ("GET /users",),
    "admin.edit_user": ("GET /users/{user_id}", "GET /users/{user_id}/tokens"),
    "areas.list_areas": ("GET /areas",),
}

# Twins that admit other roles than their page ("endpoint METHOD /path"), and why. Any other
# twin is the page's action by another door, so it admits the same people.
OTHER_ROLES: dict[str, str] = {
    "team.mark_left POST /coverage/what-if": "The what-if changes nothing: leadership tries "
    "it on the coverage report, whose twin it is too.",
    "areas.list_areas GET /areas": "Every role reads the areas, the words every rating and "
    "work item is written in; the page is the admin's, with the forms that change them.",
}


def page_actions(app: Flask) -> dict[str, set[str]]:
    """Every page endpoint (not the API's, not static files) that takes an unsafe method."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith(f"{API}/"):
            continue
        methods = (rule.methods or set()) & UNSAFE
        if methods:
            found.setdefault(rule.endpoint, set()).update(methods)
    return found


@pytest.fixture
def document(app: Flask) -> dict[str, Any]:
    """The OpenAPI document as clients download it."""
    response = app.test_client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operation_of(document: dict[str, Any], twin: str) -> dict[str, Any] | None:
    """The document's operation for "METHOD /path", or None when it has none."""
    method, _, path = twin.partition(" ")
    return document["paths"].get(path, {}).get(method.lower())


def test_every_page_action_has_an_api_twin_or_a_reason(app):
    actions = page_actions(app)
    assert len(actions) > 30  # the walk found the forms (a broken walk must not pass)
    missing = sorted(set(actions) - set(TWINS) - set(EXEMPT))
    assert not missing, (
        f"page actions without an API twin: {missing}. Add an API operation calling the same "
        "service and name it in TWINS (tests/hiring/api/test_page_twins.py), or, if the action "
        "must not have one, say why in EXEMPT."
    )


def test_every_twin_named_is_in_the_openapi_document(document):
    named = {twin for twins in (*TWINS.values(), *READ_TWINS.values()) for twin in twins}
    absent = sorted(twin for twin in named if operation_of(document, twin) is None)
    assert not absent, f"API operations named as twins but not in /api/v1/openapi.json: {absent}"


def test_the_lists_name_only_routes_that_exist(app):
    actions = page_actions(app)
    assert not set(TWINS) & set(EXEMPT), "an action is either twinned or exempt"
    stale = sorted((set(TWINS) | set(EXEMPT)) - set(actions))
    assert not stale, f"no page action has these endpoints (any more): {stale}"
    unknown = sorted(set(READ_TWINS) - set(app.view_functions))
    assert not unknown, f"no page has these endpoints (any more): {unknown}"
    assert all(reason.strip() for reason in EXEMPT.values())
    assert all(reason.strip() for reason in OTHER_ROLES.values())
    named = {
        f"{page} {twin}" for page, twins in (*TWINS.items(), *READ_TWINS.items()) for twin in twins
    }
    assert set(OTHER_ROLES) <= named, "OTHER_ROLES names a twin no list names"


def test_each_twin_admits_the_roles_its_page_admits(app, document):
    """A twin is the page's action by another door: the same people may use it (the services
    then decide per record, alike for both)."""
    differ = []
    for endpoint, twins in (*TWINS.items(), *READ_TWINS.items()):
        page = getattr(app.view_functions[endpoint], POLICY_ATTR)
        for twin in twins:
            roles = set(operation_of(document, twin)["x-roles"])  # type: ignore[index]
            if roles != set(page) and f"{endpoint} {twin}" not in OTHER_ROLES:
                differ.append((endpoint, twin, sorted(page), sorted(roles)))
    assert not differ, f"twins admitting other roles than their page: {differ}"


def test_a_page_action_without_a_twin_fails_the_walk(app):
    """The check is not vacuous: a page action added without a twin is caught."""

    def new_action() -> str:
        return ""

    app.add_url_rule(
        "/team/members/<int:member_id>/promote", "team.promote", new_action, methods=["POST"]
    )
    assert "team.promote" in set(page_actions(app)) - set(TWINS) - set(EXEMPT)
