"""The hiring gap-analysis web service: pages, JSON API and CLI on top of `team`."""

from __future__ import annotations

import gc
from typing import Any

from flask import Flask

from hiring.config import ROOT, Config


def create_app(config: Config | dict[str, Any] | None = None) -> Flask:
    """Build the app; tests pass a `Config` subclass instance or a dict of overrides."""
    settings = config if isinstance(config, Config) else Config()
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(settings.INSTANCE_PATH),
    )
    app.config.from_object(settings)
    from hiring.uploads import ImportAwareRequest

    app.request_class = ImportAwareRequest
    if isinstance(config, dict):
        app.config.update(config)

    from hiring import cli, db, errors, mail, security, web
    from hiring.accounts import login

    db.init_app(app)
    mail.init_app(app)
    security.init_app(app)
    login.init_app(app)
    errors.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    return app


def freeze_startup_objects() -> None:
    """Put what the process has made so far out of the collector's way, once the app is built
    and before it serves (wsgi.py; gunicorn runs it in each worker, or once before forking
    with --preload, where it also keeps the workers' pages shared).

    A page at 1,000 members keeps tens of thousands of objects alive while it is worked out;
    the collector counts them as old, and about every other page started a full collection
    that walked the two hundred thousand objects imports and the app had made (modules,
    classes, functions), a tenth of a second each. Frozen, those are skipped: a full
    collection walks only what serving made. What is frozen is never collected, so the
    garbage there is now is collected first.
    """
    gc.collect()
    gc.freeze()
