"""Flask-Login wiring: the cookie names a server-side login session, checked on every request."""

from __future__ import annotations

from flask import Flask, current_app
from flask_login import LoginManager

from hiring.accounts import service
from hiring.db import get_session

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "info"
# The server-side session already binds the login; "strong" would also drop it on IP changes.
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_token: str) -> service.CurrentUser | None:
    """The user of a live login session; ended, idle or expired sessions load nobody."""
    return service.load_session(
        session_token,
        session=get_session(),
        idle=current_app.config["SESSION_IDLE_TIMEOUT"],
        absolute=current_app.config["SESSION_ABSOLUTE_TIMEOUT"],
    )


def init_app(app: Flask) -> None:
    """Attach the login manager."""
    login_manager.init_app(app)
