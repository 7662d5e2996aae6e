"""Every route declares who may open it, and each role gets exactly what the policy says.

Deny by default: a route without `@allow(...)` or `@public` fails here, so nobody can add a page
and forget to decide who sees it.
"""

from __future__ import annotations

import pytest
from flask import Flask

from hiring.access import POLICY_ATTR
from hiring.accounts.models import ROLES

ROLE_SETS = [(role,) for role in ROLES]


def _policies(app: Flask) -> dict[str, object]:
    return {
        endpoint: getattr(view, POLICY_ATTR, None)
        for endpoint, view in app.view_functions.items()
        if endpoint != "static"
    }


def _get_urls(app: Flask) -> list[tuple[str, str]]:
    """One concrete URL per GET route: every <int:...> argument is 1 (a row the test makes)."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or set()) or rule.endpoint == "static":
                continue
            values = {arg: 1 for arg in rule.arguments}
            urls.append((rule.endpoint, rule.build(values)[1]))
    return urls


def test_every_route_has_a_policy(app):
    missing = [endpoint for endpoint, policy in _policies(app).items() if policy is None]
    assert missing == []


@pytest.mark.parametrize("roles", ROLE_SETS, ids=lambda r: "+".join(r))
def test_each_role_opens_exactly_what_the_policy_allows(
    app, client, as_role, make_member, make_work_item, roles
):
    make_member()
    make_work_item()
    as_role(*roles)
    policies = _policies(app)
    for endpoint, url in _get_urls(app):
        if url.startswith("/api/") or endpoint in ("auth.login", "index"):
            continue  # the API has its own token tests; login and / redirect logged-in users
        policy = policies[endpoint]
        response = client.get(url)
        allowed = policy == "public" or bool(set(roles) & set(policy))
        assert response.status_code != 500, url
        if allowed:
            assert response.status_code in (200, 302, 404), (url, response.status_code)
            assert response.status_code != 403, url
        else:
            assert response.status_code == 403, (url, response.status_code)


def test_anonymous_users_are_sent_to_login_from_every_page(app, client, make_member):
    make_member()
    policies = _policies(app)
    for endpoint, url in _get_urls(app):
        if url.startswith("/api/") or policies[endpoint] == "public" or endpoint == "index":
            continue
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url


def test_ids_past_the_database_range_are_not_found_on_every_route(app, client, as_role):
    """A 64-bit id in any URL is a 404, never an overflow 500 (PostgreSQL's integers are 32-bit).

    Walks the URL map, so a route added later is covered without being listed here.
    """
    as_role(*ROLES)
    with app.test_request_context():
        urls = [
            rule.build({arg: 2**40 for arg in rule.arguments})[1]
            for rule in app.url_map.iter_rules()
            if rule.arguments
            and "GET" in (rule.methods or set())
            and rule.endpoint != "static"
            and not rule.rule.startswith("/api/")
        ]
    assert urls
    for url in urls:
        assert client.get(url).status_code == 404, url
