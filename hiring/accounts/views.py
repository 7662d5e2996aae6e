"""Login, logout and the profile page (password, API tokens and which emails to get)."""

from __future__ import annotations

from datetime import timedelta
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
from wtforms import Field

from hiring import notifications
from hiring.access import ANY_ROLE, allow, public
from hiring.accounts import service
from hiring.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    MailChoicesForm,
    RevokeForm,
    TokenForm,
)
from hiring.db import get_session, write_intent
from hiring.forms import apply_errors
from team.errors import InvalidInput
from team.text import has_control

bp = Blueprint("auth", __name__)

# Longer than any page of ours with its query; a longer `next=` is not a link we made.
MAX_NEXT = 2048


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (the caller then goes home).

    Only one slash followed by something else than a slash or a backslash is a same-site path.
    Browsers read "//evil" and "/\\evil" as another host, and drop tabs and line breaks before
    they parse ("/\t/evil" is "//evil"); a line break in a Location header is moreover a 500
    from Werkzeug after the login already happened. So any control character, any backslash,
    a scheme or host, and anything that does not parse are refused, never repaired.
    """
    if not target or len(target) > MAX_NEXT or has_control(target):
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. "/[" parts of an IPv6 host that never closes
        return None
    if parts.scheme or parts.netloc:
        return None
    return target


def home_for(user: service.CurrentUser) -> str:
    """Where a user lands after login: the home, which answers each of their roles' question
    (`hiring.pages.home`); a user without a role has only their profile."""
    if user.has_role(*ANY_ROLE):
        return url_for("home.show")
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
        email = form.email.data or ""
        wait = _wait_before_guess(email)
        if wait is not None:
            headers = _refuse_throttled("login", email, wait, form.password, "logins")
            return render_template("auth/login.html", form=form), 429, headers
        # The password check takes no write lock: it takes a moment of CPU on purpose, and on
        # SQLite no login may hold the write lock meanwhile.
        with write_intent(False):
            user = service.authenticate(email, form.password.data or "", session=db)
            db.rollback()
        if user is None:
            _count_failure("login", email)
            form.password.errors.append("That email and password do not match an active user.")
        else:
            session.clear()
            service.clear_login_failures(email, session=db)
            current = service.start_session(user, session=db)
            login_user(current)
            session.permanent = True
            return redirect(safe_next(request.args.get("next")) or home_for(current))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


# Guessing a password is throttled and logged alike at every door that checks one (the login
# and the password change), on one count per account and per address: a second door must not
# give an attacker a second allowance of guesses.


def _login_limits() -> service.LoginLimits:
    config = current_app.config
    return service.LoginLimits(
        per_account=config["LOGIN_FAILURES_PER_ACCOUNT"],
        account_window=config["LOGIN_ACCOUNT_WINDOW"],
        per_address=config["LOGIN_FAILURES_PER_ADDRESS"],
        address_window=config["LOGIN_ADDRESS_WINDOW"],
    )


def _address() -> str:
    return request.remote_addr or "unknown"


def _wait_before_guess(email: str) -> timedelta | None:
    """How long this account or this address must wait before a password may be tried again.

    Read in a transaction of its own that takes no write lock, and ended before the caller goes
    on to check a password (which takes a moment of CPU on purpose).
    """
    db = get_session()
    db.rollback()
    with write_intent(False):
        wait = service.login_wait(email, _address(), _login_limits(), session=db)
        db.rollback()
    return wait


def _refuse_throttled(
    what: str, email: str, wait: timedelta, field: Field, tries: str
) -> dict[str, str]:
    """Log a throttled try, tell the user on `field` when to come back; the answer's headers.

    The password was not checked, so the answer tells nothing about it.
    """
    current_app.logger.warning(
        "%s throttled for %r from %s (%d s to wait)",
        what,
        email,
        _address(),
        int(wait.total_seconds()),
    )
    minutes = max(1, -(-int(wait.total_seconds()) // 60))
    field.errors = [
        *field.errors,
        f"Too many failed {tries} for this account or from this address. "
        f"Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
    ]
    return {"Retry-After": str(int(wait.total_seconds()) + 1)}


def _count_failure(what: str, email: str) -> None:
    """Log a wrong password and count it against the account and the address."""
    # For whoever watches for attacks; never the password, not even a wrong one.
    current_app.logger.warning("failed %s for %r from %s", what, email, _address())
    service.record_login_failure(email, _address(), _login_limits(), session=get_session())


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


def _render_profile(
    password_form=None, token_form=None, new_token=None, status=200, mail_form=None
):
    db = get_session()
    if mail_form is None:
        choices = notifications.mail_choices(current_user.id, session=db)
        mail_form = MailChoicesForm(prefix="mail", formdata=None, obj=choices)
    return (
        render_template(
            "auth/profile.html",
            password_form=password_form or ChangePasswordForm(prefix="pw"),
            token_form=token_form or TokenForm(prefix="tok"),
            mail_form=mail_form,
            revoke_form=RevokeForm(),
            tokens=service.list_tokens(current_user.id, session=db),
            token_days=current_app.config["API_TOKEN_DAYS"],
            new_token=new_token,
        ),
        status,
    )


@bp.route("/profile/password", methods=["POST"])
@allow(*ANY_ROLE)
def change_password():
    """Change the password: every session of this user ends and every API token is revoked;
    this browser gets a fresh session. Wrong current passwords count as failed logins."""
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        db = get_session()
        email = current_user.email
        wait = _wait_before_guess(email)
        if wait is not None:
            headers = _refuse_throttled(
                "password change", email, wait, form.current_password, "password attempts"
            )
            page, _status = _render_profile(password_form=form)
            return page, 429, headers
        try:
            service.change_password(
                current_user.id,
                form.current_password.data or "",
                form.new_password.data or "",
                session=db,
            )
        except InvalidInput as error:
            wrong = error.fields.get("current_password", [])
            if service.WRONG_CURRENT_PASSWORD in wrong:
                _count_failure("password change", email)
            apply_errors(form, error.fields)
        else:
            user = service.get_user(current_user.id, session=db)
            session.clear()
            service.clear_login_failures(email, session=db)
            login_user(service.start_session(user, session=db))
            session.permanent = True
            flash(
                "Password changed. Your other sessions have been logged out and your API tokens "
                "revoked.",
                "success",
            )
            return redirect(url_for("auth.profile"))
    return _render_profile(password_form=form, status=400)


@bp.route("/profile/email", methods=["POST"])
@allow(*ANY_ROLE)
def mail_choices():
    """Turn each kind of email on or off (an unticked box is off, as browsers send none)."""
    form = MailChoicesForm(prefix="mail")
    if not form.validate_on_submit():
        return _render_profile(mail_form=form, status=400)
    notifications.set_mail_choices(
        current_user.id,
        {kind: bool(getattr(form, kind).data) for kind in notifications.KINDS},
        session=get_session(),
    )
    flash("Email settings saved.", "success")
    return redirect(url_for("auth.profile"))


@bp.route("/profile/tokens", methods=["POST"])
@allow(*ANY_ROLE)
def create_token():
    """Create an API token; it is shown once on the page that answers."""
    form = TokenForm(prefix="tok")
    if form.validate_on_submit():
        try:
            token = service.create_token(
                current_user.id,
                form.name.data or "",
                session=get_session(),
                days=current_app.config["API_TOKEN_DAYS"],
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
    service.revoke_token(current_user.id, token_id, session=get_session())  # NotFound: 404
    flash("Token revoked.", "success")
    return redirect(url_for("auth.profile"))
