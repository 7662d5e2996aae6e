"""The audit log page: who did what to which record, and when, newest first (admins only)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from hiring.access import allow
from hiring.db import get_session
from hiring.openings import audit
from hiring.pages.listing import page_args

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.route("/")
@allow("admin")
def list_entries():
    """A page of the log, optionally one kind of action only."""
    db = get_session()
    args = page_args(sorts={"at": None}, default_sort="at")
    actions = audit.list_actions(session=db)
    action = request.args.get("action", "")
    action = action if action in actions else ""
    entries, total = audit.list_entries(
        viewer=current_user, session=db, limit=args.limit, offset=args.offset, action=action or None
    )
    return render_template(
        "audit/list.html",
        entries=entries,
        total=total,
        args=args,
        action=action,
        actions=actions,
        query={"action": action} if action else {},
    )
