"""Admin pages: users, their roles, their passwords and their API tokens.

Only admins open these. Every change goes through `hiring.accounts.service`, which holds the rules
(an admin cannot lock themselves out; disabling a user or setting their password ends their
sessions and revokes their tokens). The admin pages keep no audit entries (the audit log is about
hiring records); the security-relevant acts here are logged like failed logins are.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from hiring.access import allow
from hiring.accounts import service
from hiring.accounts.forms import EditUserForm, InviteUserForm, RevokeForm, SetPasswordForm
from hiring.accounts.models import User
from hiring.accounts.passwords import generate_password
from hiring.db import get_session
from hiring.forms import apply_errors
from hiring.pages.listing import page_args
from team.errors import Conflict, InvalidInput

bp = Blueprint("admin", __name__, url_prefix="/admin")

# The user list is ordered by name in the service; sorting other ways is not offered yet.
USER_SORTS = {"name": None}


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
        password = form.password.data or generate_password(
            form.email.data or "", form.name.data or ""
        )
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


def _user_or_404(user_id: int) -> User:
    """The user, or NotFound (the app's handler answers 404)."""
    return service.get_user(user_id, session=get_session())


def _render_edit(user: User, form: EditUserForm, password_form: SetPasswordForm | None = None):
    """The user's page: the edit form, the password reset and the user's API tokens."""
    failed = form.errors or form.form_errors or (password_form and password_form.errors)
    page = render_template(
        "admin/edit.html",
        form=form,
        user=user,
        password_form=password_form or SetPasswordForm(prefix="pw"),
        tokens=service.list_tokens(user.id or 0, session=get_session()),
        revoke_form=RevokeForm(),
    )
    return page, 400 if failed else 200


def _filled_form(user: User) -> EditUserForm:
    form = EditUserForm(formdata=None)
    form.name.data = user.name
    form.roles.data = sorted(service.roles_of(user.id or 0, session=get_session()))
    form.active.data = user.active
    return form


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@allow("admin")
def edit_user(user_id: int):
    """Change a user's name, roles and whether they can log in; see and revoke their tokens."""
    db = get_session()
    user = _user_or_404(user_id)
    if request.method == "GET":
        return _render_edit(user, _filled_form(user))
    form = EditUserForm()
    if form.validate_on_submit():
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
    return _render_edit(user, form)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@allow("admin")
def set_password(user_id: int):
    """Set someone's password (a reset), chosen or generated, shown once on the answer page.

    Their sessions end and their API tokens are revoked, as when they change it themselves.
    """
    user = _user_or_404(user_id)
    form = SetPasswordForm(prefix="pw")
    if form.validate_on_submit():
        generated = not form.password.data
        password = form.password.data or generate_password(user.email, user.name)
        try:
            service.set_password(
                user_id, password, acting_user_id=current_user.id, session=get_session()
            )
        except InvalidInput as error:
            apply_errors(form, error.fields)
        else:
            current_app.logger.warning(
                "admin %r set the password of %r: sessions ended, tokens revoked",
                current_user.email,
                user.email,
            )
            return render_template(
                "admin/password_set.html", user=user, password=password, generated=generated
            )
    return _render_edit(user, _filled_form(user), password_form=form)


@bp.route("/users/<int:user_id>/tokens/<int:token_id>/revoke", methods=["POST"])
@allow("admin")
def revoke_token(user_id: int, token_id: int):
    """Revoke one of the user's API tokens (for example one they can no longer revoke)."""
    if not RevokeForm().validate_on_submit():
        flash("The form expired; try again.", "danger")
        return redirect(url_for("admin.edit_user", user_id=user_id))
    user = _user_or_404(user_id)
    token = service.revoke_token(user_id, token_id, session=get_session())  # NotFound: 404
    current_app.logger.warning(
        "admin %r revoked API token %s… (%r) of %r",
        current_user.email,
        token.prefix,
        token.name,
        user.email,
    )
    flash(f"Token “{token.name}” of {user.name} revoked.", "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))
