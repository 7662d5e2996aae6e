"""Big request bodies where an import needs them, and nowhere else.

Every request body is capped at `MAX_CONTENT_LENGTH` (5 MB): a form or a JSON body never needs
more, and the cap keeps a careless or hostile client from making a worker read gigabytes. A
tracker's export of a whole backlog does (100,000 rows are tens of megabytes), so the views that
import files are marked with `large_body` and read up to `MAX_IMPORT_LENGTH` instead.

The limit is decided by the request class, after the URL is matched and before anything reads
the body: CSRF protection reads a page's form in a `before_request`, earlier than any view could
raise the limit itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Request, current_app

View = TypeVar("View", bound=Callable[..., Any])


def large_body(view: View) -> View:
    """Mark a view as one that reads an import file (up to `MAX_IMPORT_LENGTH`).

    Put it right under the route decorator, so that the function registered carries the mark.
    """
    view.large_body = True  # type: ignore[attr-defined]
    return view


class ImportAwareRequest(Request):
    """Flask's request, with the body limit of the view it is routed to."""

    @property
    def max_content_length(self) -> int | None:
        """`MAX_IMPORT_LENGTH` for a view marked `large_body`, else Flask's own limit (set on
        this request, or `MAX_CONTENT_LENGTH`)."""
        if self._max_content_length is None and self.url_rule is not None and self.endpoint:
            view = current_app.view_functions.get(self.endpoint)
            if getattr(view, "large_body", False):
                return int(current_app.config["MAX_IMPORT_LENGTH"])
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        """A limit set on this request wins, as in Flask."""
        self._max_content_length = value
