"""Error answers: JSON under /api, plain pages elsewhere, never a traceback."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from team.errors import Conflict, Forbidden, InvalidInput, NotFound

CODES = {
    400: "validation_error",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "server_error",
}

MESSAGES = {
    400: "The request could not be understood.",
    401: "Log in first.",
    403: "You are not allowed to do that.",
    404: "Not found.",
    405: "That method is not allowed here.",
    409: "That conflicts with the current state.",
    413: "The upload is too large.",
    415: "Send JSON (Content-Type: application/json).",
    422: "Some values are not valid.",
    429: "Too many attempts; wait a while and try again.",
    500: "Something went wrong on our side. It has been logged.",
}


def wants_json() -> bool:
    """API paths always answer JSON."""
    return request.path.startswith("/api/")


def json_error(
    status: int,
    message: str | None = None,
    fields: Mapping[str, list[str]] | None = None,
    **extra: object,
) -> tuple[Response, int]:
    """The API's error body (API.md, "Errors")."""
    body: dict[str, object] = {
        "code": CODES.get(status, "error"),
        "message": message or MESSAGES.get(status),
    }
    if fields:
        body["fields"] = fields
    body.update(extra)
    return jsonify({"error": body}), status


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        if wants_json():
            message = error.description if status in (400, 404, 409, 422) else None
            return json_error(status, message if status != 404 else None)
        if status == 401:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if isinstance(error, CSRFError):
            message = "The form expired or came from elsewhere. Reload the page and try again."
        elif status == 400 and error.description != type(error).description:
            message = error.description or MESSAGES[400]  # our own words, given to abort()
        else:
            message = MESSAGES.get(status, error.description)
        return render_template("errors/error.html", code=status, message=message), status

    @app.errorhandler(NotFound)
    def _not_found(_error: NotFound) -> ResponseReturnValue:
        if wants_json():
            return json_error(404)
        return render_template("errors/error.html", code=404, message=MESSAGES[404]), 404

    @app.errorhandler(InvalidInput)
    def _invalid(error: InvalidInput) -> ResponseReturnValue:
        if wants_json():
            return json_error(422, error.message, error.fields)
        return render_template("errors/error.html", code=400, message=error.message), 400

    @app.errorhandler(Conflict)
    def _conflict(error: Conflict) -> ResponseReturnValue:
        if wants_json():
            return json_error(409, error.message, error.fields)
        return render_template("errors/error.html", code=409, message=error.message), 409

    @app.errorhandler(Forbidden)
    def _forbidden(_error: Forbidden):
        if wants_json():
            return json_error(403)
        return render_template("errors/error.html", code=403, message=MESSAGES[403]), 403

    @app.errorhandler(IntegrityError)
    def _integrity(error: IntegrityError) -> ResponseReturnValue:
        # Two requests racing for the same unique value (an email, a key): the loser is told,
        # as a check before the write would have told it, rather than given a 500.
        from hiring.db import get_session

        get_session().rollback()
        app.logger.info("integrity error on %s %s: %s", request.method, request.path, error.orig)
        message = "That conflicts with a change made at the same moment; reload and try again."
        if wants_json():
            return json_error(409, message)
        return render_template("errors/error.html", code=409, message=message), 409

    @app.errorhandler(Exception)
    def _crash(error: Exception) -> ResponseReturnValue:
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return json_error(500)
        # A plain page that needs neither the database nor the logged-in user: either may be
        # what just failed.
        return render_template("errors/plain.html", code=500, message=MESSAGES[500]), 500
