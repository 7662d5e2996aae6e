"""The per-request database session of the web service (the engine is `hiring.engine`'s).

Each request gets its own session, closed at teardown; requests that only read (GET, HEAD,
OPTIONS) begin SQLite's deferred transactions, so that they never queue behind writers.
"""

from __future__ import annotations

from flask import Flask, g, request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hiring.engine import make_engine, mark_writes, unmark, write_intent

__all__ = ["get_engine", "get_session", "init_app", "make_engine", "write_intent"]


def init_app(app: Flask) -> None:
    """Create the engine and give each request its own session, closed at teardown."""
    app.extensions["engine"] = make_engine(app.config["DATABASE_URL"], echo=app.config["SQL_ECHO"])

    @app.before_request
    def _mark_reads() -> None:
        g._write_token = mark_writes(request.method not in ("GET", "HEAD", "OPTIONS"))

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()
        token = g.pop("_write_token", None)
        if token is not None:
            unmark(token)


def get_engine(app: Flask | None = None) -> Engine:
    """The app's engine."""
    from flask import current_app

    return (app or current_app).extensions["engine"]


def get_session() -> Session:
    """The current request's session (one per request, so one commit per use case)."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session
