"""Admin pages: users and their roles.

Only admins open these. Every change goes through `hiring.accounts.service`, which holds the rules
(an admin cannot lock themselves out; disabling a user ends their sessions).
"""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from hiring.access import allow
from hiring.accounts import service
from hiring.accounts.forms import EditUserForm, InviteUserForm
from hiring.db import get_session
from hiring.forms import apply_errors
from hiring.pages.listing import page_args
from team.errors import Conflict, InvalidInput, NotFound

bp = Blueprint("admin", __name__, url_prefix="/admin")

# The user list is ordered by name in the service; sorting other ways is not offered yet.
USER_SORTS = {"name": None}


def generate_password() -> str:
    """A strong initial password (about 120 random bits) for an admin to pass on once."""
    return secrets.token_urlsafe(15)


@bp.route("/users")
@allow("admin")
def list_users():
    """Everyone who can log in (or could): search by name or email, 50 a page."""
    args = page_args(sorts=USER_SORTS, default_sort="name")
    db = get_session()
    users, total = service.list_users(
        session=db, search=args.search or None, limit=args.limit, offset=args.offset
    )
    seen = service.last_seen([user.id for user, _roles in users if user.id], session=db)
    return render_template("admin/users.html", users=users, total=total, args=args, seen=seen)


@bp.route("/users/new", methods=["GET", "POST"])
@allow("admin")
def invite_user():
    """Create a user; the initial password is shown once on the answer page, never in a URL."""
    form = InviteUserForm()
    if form.validate_on_submit():
        generated = not form.password.data
        password = form.password.data or generate_password()
        try:
            user = service.create_user(
                form.email.data or "",
                form.name.data or "",
                list(form.roles.data or []),
                password,
                session=get_session(),
            )
        except (InvalidInput, Conflict) as error:
            apply_errors(form, error.fields or {"": [error.message]})
        else:
            return render_template(
                "admin/invited.html", user=user, password=password, generated=generated
            )
    status = 400 if form.errors or form.form_errors else 200
    return render_template("admin/invite.html", form=form), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@allow("admin")
def edit_user(user_id: int):
    """Change a user's name, roles and whether they can log in."""
    db = get_session()
    try:
        user = service.get_user(user_id, session=db)
    except NotFound:
        abort(404)
    form = EditUserForm()
    if request.method == "GET":
        form.name.data = user.name
        form.roles.data = sorted(service.roles_of(user_id, session=db))
        form.active.data = user.active
    elif form.validate_on_submit():
        try:
            service.update_user(
                user_id,
                name=form.name.data or "",
                roles=list(form.roles.data or []),
                active=bool(form.active.data),
                acting_user_id=current_user.id,
                session=db,
            )
        except InvalidInput as error:
            apply_errors(form, error.fields or {"": [error.message]})
        else:
            flash(f"Changes to {user.name} saved.", "success")
            return redirect(url_for("admin.list_users"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("admin/edit.html", form=form, user=user), status
