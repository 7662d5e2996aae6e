"""A page's data goes when its render returns, and the served process freezes what startup made.

Both keep the collector's full collections rare and short at 1,000 members (hiring/web.py
`PageTemplate`, hiring `freeze_startup_objects`): with the collector off, nothing here would be
freed but by reference counting, so a cycle shows as an object still alive.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, render_template_string

from hiring.config import ROOT
from hiring.demo import load_scaled_demo
from hiring.web import PageTemplate
from team.plan import Share
from team.report import Placement
from team.schemas import MemberPublic
from tests.conftest import PASSWORD, post_form


class Thing:
    """Something a page is given (a weakref shows whether it is still alive)."""

    def __init__(self, name: str) -> None:
        self.name = name


@pytest.fixture
def collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# A template that defines a macro and imports the shared ones, as most pages do: a macro that
# reads the page's names is a closure over the render's context, which holds the macros and
# what the page got.
WITH_MACROS = """{% from "_forms.html" import level_badge %}
{% macro shown() %}<b>{{ thing.name }}</b> {{ level_name(2) }}{% endmacro %}
{{ shown() }} {{ level_badge(3) }}"""


def test_a_page_with_macros_leaves_nothing_behind_after_its_render(app: Flask, collector_off):
    thing = Thing("Ada")
    alive = weakref.ref(thing)
    with app.test_request_context("/"):
        html = render_template_string(WITH_MACROS, thing=thing)
    assert "<b>Ada</b>" in html and "level-3" in html
    del thing
    assert alive() is None, "the render's context kept what the page was given (a cycle)"


@pytest.mark.parametrize("path", ["/reports/coverage", "/team/members", "/plan", "/"])
def test_the_report_pages_leave_no_member_alive_after_they_answer(app, db, client, path):
    """The pages of the whole team (a demo team of 30) free what they worked out when they
    answer: no member, plan share or report placement is left for a full collection."""
    assert load_scaled_demo(session=db, password=PASSWORD, scale=3) is not None
    db.commit()
    login = post_form(client, "/login", {"email": "admin@example.com", "password": PASSWORD})
    assert login.status_code == 302
    assert client.get(path, follow_redirects=True).status_code == 200  # caches filled
    gc.collect()
    gc.disable()
    try:
        answer = client.get(path, follow_redirects=True)
        assert answer.status_code == 200
        del answer
        left = [o for o in gc.get_objects() if isinstance(o, (MemberPublic, Share, Placement))]
    finally:
        gc.enable()
    assert left == []


def test_the_real_templates_render_with_the_same_class(app: Flask):
    """Every template the app loads is a PageTemplate (set before the first is loaded)."""
    template = app.jinja_env.get_template("reports/coverage.html")
    assert isinstance(template, PageTemplate)
    assert isinstance(app.jinja_env.from_string("{{ 1 }}"), PageTemplate)


def test_the_wsgi_module_freezes_what_startup_made(tmp_path: Path):
    """wsgi.py, which gunicorn and `flask --app wsgi run` load, freezes after building the app."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.db'}",
        "SECRET_KEY": "test-" + "x" * 40,
    }
    found = subprocess.run(
        [sys.executable, "-c", "import gc, wsgi; print(gc.get_freeze_count())"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert found.returncode == 0, found.stderr
    assert int(found.stdout.strip().splitlines()[-1]) > 10_000
