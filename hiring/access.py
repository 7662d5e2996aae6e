"""Who may open what: one decorator per view naming the roles it admits.

Every view declares its policy with `@allow(...)`; `allow.public` marks the few pages anyone may
open (login, static files). A test walks `app.url_map` and fails on a view without a policy, so
a new route is denied until someone decides who may see it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, g, request
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

ANY_ROLE = ("admin", "hiring_manager", "interviewer", "leadership")
TEAM_READERS = ("admin", "hiring_manager", "leadership")
TEAM_EDITORS = ("admin", "hiring_manager")
# Who reads the audit log (its page, `GET /audit`): what it shows of cards is further narrowed by
# the independence rule (`hiring.openings.independence.audit_filter`).
AUDIT_READERS = ("admin",)

POLICY_ATTR = "_access_policy"


def allow(*roles: str) -> Callable[[F], F]:
    """Admit logged-in users holding any of `roles` (pages: login redirect; API: 401/403)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = g.get("api_user") if request.blueprint == "api" else current_user
            if user is None or not user.is_authenticated:
                abort(401)
            if not user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, POLICY_ATTR, frozenset(roles))
        return wrapped  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """Mark a view as open to anyone, logged in or not."""
    setattr(view, POLICY_ATTR, "public")
    return view


def can(*roles: str) -> bool:
    """Whether the current page user holds any of `roles`."""
    return bool(current_user.is_authenticated and current_user.has_role(*roles))


def may_open(endpoint: str) -> bool:
    """Whether the current page user would be let into `endpoint`'s view by its `@allow` policy.

    Templates show a link or a form only when this is true, so that nobody is offered a page
    that answers 403: the roles are read from the view itself, never repeated in a template, and
    a policy changed on the view changes every link to it. An unknown endpoint or one without a
    policy is refused, as the view would be. Rules about one object (who manages this opening)
    are the view's to decide and pass to its template.
    """
    policy = getattr(current_app.view_functions.get(endpoint), POLICY_ATTR, None)
    if policy == "public":
        return True
    return isinstance(policy, frozenset) and can(*policy)
