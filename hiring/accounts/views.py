"""Login, logout and the profile page (password and API tokens)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from hiring.access import ANY_ROLE, allow, public
from hiring.accounts import service
from hiring.accounts.forms import ChangePasswordForm, LoginForm, RevokeForm, TokenForm
from hiring.db import get_session, write_intent
from hiring.forms import apply_errors
from team.errors import InvalidInput, NotFound

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after login; anything else could send users off-site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def home_for(user: service.CurrentUser) -> str:
    """Where a user lands after login: the page their main role works on."""
    if user.has_role("admin", "hiring_manager", "leadership"):
        return url_for("team.matrix")
    if user.has_role("interviewer"):
        return url_for("candidates.my_cards")  # an interviewer's work: the cards they owe
    return url_for("auth.profile")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Log in with email and password; a new session id is issued at every login."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        email, address = form.email.data or "", request.remote_addr or "unknown"
        limits = _login_limits()
        # The throttle check and the password check take no write lock: the password check takes
        # a moment of CPU on purpose, and on SQLite no login may hold the write lock meanwhile.
        db.rollback()
        with write_intent(False):
            wait = service.login_wait(email, address, limits, session=db)
            user = None
            if wait is None:
                user = service.authenticate(email, form.password.data or "", session=db)
            db.rollback()
        if wait is not None:
            current_app.logger.warning(
                "login throttled for %r from %s (%d s to wait)", email, address, wait.seconds
            )
            minutes = max(1, -(-int(wait.total_seconds()) // 60))
            form.password.errors.append(
                f"Too many failed logins for this account or from this address. "
                f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
            )
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(int(wait.total_seconds()) + 1)}
        if user is None:
            # Logged for whoever watches for attacks; never the password, not even a wrong one.
            current_app.logger.warning("failed login for %r from %s", email, address)
            service.record_login_failure(email, address, limits, session=db)
            form.password.errors.append("That email and password do not match an active user.")
        else:
            session.clear()
            service.clear_login_failures(email, session=db)
            current = service.start_session(user, session=db)
            login_user(current)
            session.permanent = True
            return redirect(safe_next(request.args.get("next")) or home_for(current))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


def _login_limits() -> service.LoginLimits:
    config = current_app.config
    return service.LoginLimits(
        per_account=config["LOGIN_FAILURES_PER_ACCOUNT"],
        account_window=config["LOGIN_ACCOUNT_WINDOW"],
        per_address=config["LOGIN_FAILURES_PER_ADDRESS"],
        address_window=config["LOGIN_ADDRESS_WINDOW"],
    )


@bp.route("/logout", methods=["POST"])
@allow(*ANY_ROLE)
def logout():
    """Log out: the server-side session ends, so a copied cookie no longer works."""
    service.end_session(current_user.session_token, session=get_session())
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile", methods=["GET"])
@allow(*ANY_ROLE)
def profile():
    """The user's own page: change password, create and revoke API tokens."""
    return _render_profile()


def _render_profile(password_form=None, token_form=None, new_token=None, status=200):
    db = get_session()
    return (
        render_template(
            "auth/profile.html",
            password_form=password_form or ChangePasswordForm(prefix="pw"),
            token_form=token_form or TokenForm(prefix="tok"),
            revoke_form=RevokeForm(),
            tokens=service.list_tokens(current_user.id, session=db),
            new_token=new_token,
        ),
        status,
    )


@bp.route("/profile/password", methods=["POST"])
@allow(*ANY_ROLE)
def change_password():
    """Change the password: every session of this user ends, this browser gets a fresh one."""
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        db = get_session()
        try:
            service.change_password(
                current_user.id,
                form.current_password.data or "",
                form.new_password.data or "",
                session=db,
            )
        except InvalidInput as error:
            apply_errors(form, error.fields)
        else:
            user = service.get_user(current_user.id, session=db)
            session.clear()
            login_user(service.start_session(user, session=db))
            session.permanent = True
            flash("Password changed. Your other sessions have been logged out.", "success")
            return redirect(url_for("auth.profile"))
    return _render_profile(password_form=form, status=400)


@bp.route("/profile/tokens", methods=["POST"])
@allow(*ANY_ROLE)
def create_token():
    """Create an API token; it is shown once on the page that answers."""
    form = TokenForm(prefix="tok")
    if form.validate_on_submit():
        try:
            token = service.create_token(
                current_user.id, form.name.data or "", session=get_session()
            )
        except InvalidInput as error:
            apply_errors(form, error.fields)
        else:
            return _render_profile(new_token=token)
    return _render_profile(token_form=form, status=400)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@allow(*ANY_ROLE)
def revoke_token(token_id: int):
    """Revoke one of the user's own tokens."""
    if not RevokeForm().validate_on_submit():
        flash("The form expired; try again.", "danger")
        return redirect(url_for("auth.profile"))
    try:
        service.revoke_token(current_user.id, token_id, session=get_session())
    except NotFound:
        return render_template("errors/error.html", code=404, message="No such token."), 404
    flash("Token revoked.", "success")
    return redirect(url_for("auth.profile"))
