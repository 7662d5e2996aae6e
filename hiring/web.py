"""Blueprints and what every template may use (level names, role checks, number formats)."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import jinja2
from flask import Flask, g, redirect, url_for
from flask_login import current_user
from markupsafe import Markup

from hiring.access import can, may_open, public
from hiring.accounts.models import ROLE_NAMES
from hiring.accounts.names import person_markup, user_names
from hiring.numbers import (
    as_shown,
    between,
    difference,
    duration,
    later,
    number,
    saving,
    sooner,
    working_days,
)
from hiring.rubric import VERDICT_NAMES
from hiring.weakest import weakest_saves, weakest_words
from team.levels import LEVEL_MEANINGS, LEVEL_NAMES, level_name
from team.models import as_utc
from team.text import day_text


class PageTemplate(jinja2.Template):
    """A template whose render leaves no reference cycle behind.

    Jinja makes each macro a closure over the render's context, and keeps the macros in that
    context: a cycle holding everything the page was given (the coverage report's thousand
    members, their plan shares, the form's choices). Only the collector's full collections free
    such cycles, and those walk every object the process keeps, so a page's data lived on and
    every other page paid for it (a tenth of a second a collection at 1,000 members). Emptying
    the context's own names after the render breaks the cycle, so the page's data goes when the
    render returns.
    """

    def render(self, *args: Any, **kwargs: Any) -> str:
        """`jinja2.Template.render` (Flask's environment is not async), then the cycle cut."""
        context = self.new_context(dict(*args, **kwargs))
        try:
            return self.environment.concat(self.root_render_func(context))  # type: ignore[attr-defined]
        except Exception:
            self.environment.handle_exception()
        finally:
            context.vars.clear()
            context.exported_vars.clear()


def day(value: date | None) -> str:
    """A date as people write it in the reports: 12 March 2027."""
    if value is None:
        return "–"
    return day_text(value)


def when(value: datetime | None) -> str:
    """A moment as every page writes it: the day as `day` does, then the time in UTC (stored
    times are UTC): 12 March 2027, 14:05 UTC."""
    if value is None:
        return "–"
    value = as_utc(value)
    return f"{day(value.date())}, {value:%H:%M} UTC"


def _names() -> dict[str, str]:
    """Users' names by email, read once per request, on the first person a page names."""
    names = g.get("person_names")
    if names is None:
        from hiring.db import get_session

        names = g.person_names = user_names(session=get_session())
    return names


def person(email: str | None) -> Markup:
    """A person as every page shows them: by name, the email on hover (`hiring.accounts.names`)."""
    return person_markup(email, _names())


# Ids are 32-bit integers in the database.
MAX_ID = 2**31 - 1


def no_overflowing_ids(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A URL id past the database's integer range names no row: look up 0, which is not found.

    Passed on, it would overflow in PostgreSQL's driver (a 500). Refusing it in the URL map
    would answer 405 for PATCH and DELETE (Werkzeug checks methods before converters). Set on
    the app, so every blueprint, present and future, is covered.
    """
    if values is None:
        return
    for name, value in values.items():
        if isinstance(value, int) and value > MAX_ID:
            values[name] = 0


def init_app(app: Flask) -> None:
    """Register every blueprint, the home page and the template helpers."""
    app.url_value_preprocessor(no_overflowing_ids)
    from hiring.accounts.admin import bp as admin_bp
    from hiring.accounts.views import bp as auth_bp
    from hiring.api import bp as api_bp
    from hiring.pages.areas import bp as areas_bp
    from hiring.pages.audit import bp as audit_bp
    from hiring.pages.calibration import bp as calibration_bp
    from hiring.pages.candidates import bp as candidates_bp
    from hiring.pages.compare import bp as compare_bp
    from hiring.pages.home import bp as home_bp
    from hiring.pages.imports import bp as imports_bp
    from hiring.pages.interviews import bp as interviews_bp
    from hiring.pages.openings import bp as openings_bp
    from hiring.pages.plan import bp as plan_bp
    from hiring.pages.ranking import bp as ranking_bp
    from hiring.pages.reports import bp as reports_bp
    from hiring.pages.settings import bp as settings_bp
    from hiring.pages.team import bp as team_bp
    from hiring.pages.work import bp as work_bp

    for blueprint in (
        auth_bp,
        home_bp,
        admin_bp,
        team_bp,
        work_bp,
        areas_bp,
        imports_bp,
        reports_bp,
        plan_bp,
        settings_bp,
        openings_bp,
        candidates_bp,
        interviews_bp,
        ranking_bp,
        compare_bp,
        calibration_bp,
        audit_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)

    @app.route("/")
    @public
    def index():
        """Send people to the page their role works on, or to the login page."""
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        from hiring.accounts.views import home_for

        return redirect(home_for(current_user))

    # Before any template is loaded: the environment makes every template of this class.
    app.jinja_env.template_class = PageTemplate
    app.jinja_env.globals.update(
        can=can,
        may_open=may_open,
        LEVEL_NAMES=LEVEL_NAMES,
        VERDICT_NAMES=VERDICT_NAMES,
        LEVEL_MEANINGS=LEVEL_MEANINGS,
        ROLE_NAMES=ROLE_NAMES,
        level_name=level_name,
        inf=math.inf,
        # Lengths of time and their differences as shown (hiring/numbers.py): one rule.
        shown_length=as_shown,
        difference=difference,
        saving=saving,
        lengths_between=between,
        sooner=sooner,
        later=later,
        # The weakest area's sentence (hiring/weakest.py), for every page that names it.
        weakest_words=weakest_words,
        weakest_saves=weakest_saves,
    )
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["working_days"] = working_days
    app.jinja_env.filters["person"] = person
    # Also a test, so a template can keep the entries of a menu it may open: select(0, 'may_open').
    app.jinja_env.tests["may_open"] = may_open
