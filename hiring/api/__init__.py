"""The JSON API under /api/v1 (API.md): bearer tokens only, JSON errors, an OpenAPI document.

The API takes no cookies: the caller is whoever the `Authorization: Bearer` token names, and a
logged-in browser session counts for nothing here. That is also why it is exempt from CSRF: a
forged cross-site request has no cookie to ride on.
"""

from __future__ import annotations

from flask import Blueprint, g, request
from werkzeug.wrappers import Response

from hiring.accounts.service import user_for_token
from hiring.db import get_session
from hiring.security import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

# Our tokens are ~46 characters; anything far longer is not one of ours and not worth hashing.
MAX_TOKEN_LENGTH = 200


@bp.before_request
def authenticate() -> None:
    """Find the caller from the bearer token alone; `allow` refuses the request if there is none."""
    g.api_user = None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and 0 < len(token) <= MAX_TOKEN_LENGTH:
        g.api_user = user_for_token(token, session=get_session())


@bp.after_request
def challenge(response: Response) -> Response:
    """Tell a refused client how to authenticate (RFC 6750), so a 401 is never a mystery."""
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


# The view modules register their routes on `bp`; imported last because they import it.
from hiring.api import (  # noqa: E402,F401
    areas,
    audit,
    calibration,
    compare,
    imports,
    interviews,
    openapi,
    openings,
    pipeline,
    plan,
    profile,
    ranking,
    reports,
    slate,
    team,
    users,
    what_if,
    work,
)
