"""Object level: an interviewer off an opening's panel reaches none of its candidates or cards.

Walks every route (pages and API, every method) whose URL names an opening or a candidate, so a
route added later is covered without being listed here.
"""

from __future__ import annotations

from tests.conftest import csrf_token
from tests.hiring.security.conftest import snapshot

OBJECT_ARGS = {"opening_id", "candidate_id"}


def test_an_interviewer_off_the_panel_gets_404_everywhere(
    app, db, make_user, make_opening, make_candidate, write_card, client_for
):
    on_panel = make_user("interviewer")
    outsider = make_user("interviewer")
    opening = make_opening(panel=[on_panel])
    candidate = make_candidate(opening)
    write_card(candidate, on_panel, {"research": 3, "engineering": 1, "data": 1})
    make_opening(panel=[outsider])  # the outsider is on another panel, so has the role in use
    page_client = client_for(outsider)
    token = csrf_token(page_client, "/profile")
    from hiring.accounts import service as accounts

    api_client = app.test_client(use_cookies=False)
    bearer = accounts.create_token(outsider.id, "test", session=db)
    api_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {bearer}"
    values = {"opening_id": opening.id, "candidate_id": candidate.id}
    checked = 0
    before = snapshot(db)
    with app.test_request_context():
        rules = [rule for rule in app.url_map.iter_rules() if OBJECT_ARGS & set(rule.arguments)]
        urls = [
            (rule, rule.build({arg: values.get(arg, 1) for arg in rule.arguments})[1])
            for rule in rules
        ]
    for rule, url in urls:
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if url.startswith("/api/"):
                response = api_client.open(url, method=method, json={})
            else:
                response = page_client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code in (403, 404), (method, url, response.status_code)
            body = response.get_data(as_text=True)
            assert candidate.name not in body and candidate.email not in body, (method, url)
            checked += 1
    assert checked >= 15  # the walk found the routes (a broken walk must not pass)
    assert snapshot(db) == before
