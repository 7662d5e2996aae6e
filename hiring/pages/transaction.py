"""One owner of a page request's transaction: run a service call, and on a domain error roll
back, put the errors on the form's fields and say which status the page answers with.

Before this, each view caught the service errors itself and rolled back (or forgot to); now a
view writes `done = attempt(form, lambda: service.do(...))` and renders `done.status` when it
failed. Errors a view does not expect (NotFound, Forbidden) still go to the app's handlers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask_wtf import FlaskForm
from pydantic import ValidationError

from hiring.db import get_session
from hiring.forms import apply_errors
from team.errors import Conflict, InvalidInput
from team.schemas import pydantic_fields

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a service call gave: its value, or the status of the failed request (400, 409)."""

    value: T | None = None
    status: int = 200

    @property
    def ok(self) -> bool:
        """Whether the call went through (its changes are committed by the service)."""
        return self.status < 400


def attempt(
    form: FlaskForm,
    call: Callable[[], T],
    fields: Callable[[dict[str, list[str]]], dict[str, list[str]]] = lambda f: f,
) -> Outcome[T]:
    """Run `call`; on invalid input or a conflict, roll the request's transaction back and show
    the problem on the form (`fields` renames service field names to the form's).

    Problems about the form's own fields go on those fields and answer 400; a conflict about
    nothing the user can fix in the form (a stale version, a closed opening) answers 409 with
    its message above the form.
    """
    try:
        return Outcome(value=call())
    except ValidationError as error:
        get_session().rollback()
        apply_errors(form, fields(pydantic_fields(error)))
        return Outcome(status=400)
    except (InvalidInput, Conflict) as error:
        get_session().rollback()
        named = fields(error.fields)
        own = {k: v for k, v in named.items() if hasattr(form, k.split(".")[0])}
        if own:
            apply_errors(form, own)
            form.form_errors.extend(m for k, ms in named.items() if k not in own for m in ms)
            return Outcome(status=400)
        form.form_errors.append(error.message)
        if isinstance(error, Conflict):
            return Outcome(status=409)
        form.form_errors.extend(m for ms in named.values() for m in ms)
        return Outcome(status=400)
