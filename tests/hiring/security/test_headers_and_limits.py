"""Headers on every kind of response, trusted hosts, body limits and the plain 500 page."""

from __future__ import annotations

import pytest
from flask import Flask

from hiring.access import public


def _add_broken_route(app: Flask) -> None:
    """A page that fails the way a bug would, to see what users get from a 500."""

    @public
    def broken():
        raise RuntimeError("secret detail: password=hunter2 at /srv/hiring/db.py")

    app.add_url_rule("/broken-for-test", "broken_for_test", broken)
    app.add_url_rule("/api/v1/broken-for-test", "api_broken_for_test", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as production does, not raise into pytest


def _check_headers(response, *, personal: bool = True) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    if personal:
        assert response.headers["Cache-Control"] == "no-store"


def test_every_kind_of_response_carries_the_headers(app, client, as_role, api, make_member):
    _add_broken_route(app)
    make_member()
    token_client = api("admin")
    anonymous = app.test_client()
    answers = {
        "login page": anonymous.get("/login"),
        "redirect to login": anonymous.get("/team/members"),
        "404 page": anonymous.get("/no-such-page"),
        "405": anonymous.delete("/login"),
        "500 page": anonymous.get("/broken-for-test"),
        "API 401": anonymous.get("/api/v1/members"),
        "API 500": anonymous.get("/api/v1/broken-for-test"),
        "API 200": token_client.get("/api/v1/members"),
        "API 404": token_client.get("/api/v1/members/999"),
        "API 422": token_client.post("/api/v1/members", json={"name": ""}),
    }
    as_role("hiring_manager")
    answers |= {
        "page": client.get("/team/members"),
        "CSV download": client.get("/team/members.csv"),
        "CSRF 400": client.post("/team/members/new", data={"name": "x"}),
    }
    for what, response in answers.items():
        assert response.status_code != 200 or what in {
            "login page",
            "API 200",
            "page",
            "CSV download",
        }, what
        _check_headers(response)
    static = anonymous.get("/static/app.css")
    assert static.status_code == 200
    _check_headers(static, personal=False)
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()  # a file response holds the file open until closed


def test_a_500_is_a_plain_page_without_a_traceback(app):
    _add_broken_route(app)
    client = app.test_client()
    page = client.get("/broken-for-test")
    assert page.status_code == 500
    body = page.get_data(as_text=True)
    assert "Something went wrong on our side" in body
    for leak in ("Traceback", "RuntimeError", "secret detail", "hunter2", "db.py"):
        assert leak not in body
    api = client.get("/api/v1/broken-for-test")
    assert api.status_code == 500
    assert api.get_json()["error"]["code"] == "server_error"
    assert "secret" not in api.get_data(as_text=True)


def test_hsts_only_over_https(app):
    client = app.test_client()
    plain = client.get("/login")
    assert "Strict-Transport-Security" not in plain.headers
    secure = client.get("/login", base_url="https://hiring.example.com")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_hsts_behind_a_trusted_proxy_that_terminated_https(database_url, tmp_path):
    from hiring import create_app
    from tests.conftest import TestConfig

    config = TestConfig(database_url, tmp_path)
    config.TRUSTED_PROXIES = 1
    proxied = create_app(config)
    try:
        response = proxied.test_client().get(
            "/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.9"}
        )
        assert "Strict-Transport-Security" in response.headers
        assert "Secure" in response.headers.get("Set-Cookie", "")
    finally:
        proxied.extensions["engine"].dispose()


@pytest.mark.parametrize("path", ["/login", "/api/v1/areas", "/static/app.css", "/nowhere"])
def test_untrusted_host_headers_are_refused(app, path):
    app.config["TRUSTED_HOSTS"] = ["hiring.example.com", ".internal.example.com"]
    client = app.test_client()
    refused = client.get(path, headers={"Host": "evil.example.net"})
    assert refused.status_code == 400
    assert "evil.example.net" not in refused.get_data(as_text=True)
    assert "Content-Security-Policy" in refused.headers
    for host in ("hiring.example.com", "eu.internal.example.com"):
        with client.get(path, headers={"Host": host}) as trusted:  # closes a static file
            assert trusted.status_code != 400


def test_untrusted_host_cannot_log_in(app, make_user, db):
    app.config["TRUSTED_HOSTS"] = ["hiring.example.com"]
    user = make_user("admin")
    response = app.test_client().post(
        "/login",
        data={"email": user.email, "password": "x"},
        headers={"Host": "evil.example.net"},
    )
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers


def test_request_bodies_over_the_limit_are_413_and_write_nothing(app, client, as_role, api, db):
    from tests.hiring.security.conftest import snapshot

    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit <= 10 * 1024 * 1024
    token_client = api("admin")
    as_role("hiring_manager")
    before = snapshot(db)
    page = client.post(
        "/team/members/new",
        data={"name": "x" * (limit + 1)},
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code == 413
    assert "too large" in page.get_data(as_text=True)
    big_json = token_client.post(
        "/api/v1/members", data='{"name": "' + "x" * limit + '"}', content_type="application/json"
    )
    assert big_json.status_code == 413
    # Import files may be bigger (hiring.uploads), up to their own limit, made small here.
    app.config["MAX_IMPORT_LENGTH"] = 2 * limit
    row = f"A,a@example.com,{'T' * 80},1\n"  # long rows: fewer than the 100,000 a file may have
    csv_body = "name,email,title,fte\n" + row * (limit // len(row) + 10)
    assert limit < len(csv_body) < 2 * limit
    taken = token_client.post("/api/v1/import/members", data=csv_body, content_type="text/csv")
    assert taken.status_code == 422  # read in full: the same email on every line
    assert "duplicated" in str(taken.get_json()["error"]["rows"])
    csv_body = "name,email,title,fte\n" + row * (2 * limit // len(row) + 10)
    for path in ("/api/v1/import/members", "/api/v1/import/work-items"):
        upload = token_client.post(path, data=csv_body, content_type="text/csv")
        assert upload.status_code == 413
        assert upload.get_json()["error"]["code"] == "too_large"
    assert snapshot(db) == before
