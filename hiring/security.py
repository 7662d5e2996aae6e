"""CSRF protection for every page form and the security headers on every response."""

from __future__ import annotations

from flask import Flask, abort, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from team.errors import InvalidInput
from team.text import has_control

csrf = CSRFProtect()


# Pages load scripts and styles only from our own static folder; chart data travels in JSON
# blocks, so no inline script or style is ever needed.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class SessionInterface(SecureCookieSessionInterface):
    """Cookies are marked Secure whenever the request came over HTTPS, not only when forced."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure if configured so, or if this request is HTTPS (behind a trusted proxy too)."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    """Protect forms against CSRF and set the headers (errors and static files included)."""
    csrf.init_app(app)
    app.session_interface = SessionInterface()
    proxies = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    if proxies:
        # Behind nginx or Caddy: believe their X-Forwarded-For/-Proto/-Host, and no one else's.
        # Wrapping wsgi_app is Flask's documented way to add middleware; mypy sees a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    def _refuse_untrusted_host() -> Response | None:
        """A Host outside TRUSTED_HOSTS gets a bare 400 before anything else runs.

        Flask records the refusal as the routing error and leaves no URL adapter, so nothing
        that builds a URL (the login redirect, the error page's menu) may run for it.
        """
        if isinstance(request.routing_exception, SecurityError):
            return Response(
                "Bad request: this host name is not served here.\n", 400, mimetype="text/plain"
            )
        return None

    # First of all the before-request functions, ahead of CSRF and the login checks.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_untrusted_host)

    @app.before_request
    def _refuse_control_characters() -> None:
        """No query parameter may carry NUL or other control characters.

        PostgreSQL refuses NUL in text (a 500 deep in a query) and no parameter of ours has a
        use for them. The API names the parameter (422); form fields are checked by their forms
        and schemas, so that the error shows on the field.
        """
        bad = [
            name
            for name, value in request.args.items(multi=True)
            if has_control(value, line_breaks=True)
        ]
        if not bad:
            return
        if request.path.startswith("/api/"):
            raise InvalidInput({name: ["must not contain control characters"] for name in bad})
        abort(400, description="A search or filter contains control characters; remove them.")

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if request.endpoint != "static":
            # Pages and API answers carry personal data: never keep them in a shared cache.
            response.headers["Cache-Control"] = "no-store"
        return response
