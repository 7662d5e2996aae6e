"""What every import page shares, whatever the file: its kind, the confirm form, how a check and
an import take their transaction, and how a confirmed import ends.

`hiring.pages.imports` (members, our work items format) and `hiring.pages.tracker_imports`
(Jira, Linear, GitHub) both go through here, so a refused import, a conflict and a success end
the same way on every import page, and the upload's record says so in the import's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from flask import flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import InputRequired, Regexp

from hiring.db import get_session, write_intent
from hiring.import_records import Outcome as ImportOutcome
from hiring.import_records import audited, import_counts
from team.errors import Conflict
from team.imports import uploads

if TYPE_CHECKING:  # the form is built there; only its type is named here
    from hiring.pages.tracker_imports import MappingForm


@dataclass(frozen=True)
class Kind:
    """What differs between the imports: names, where to go after, which service to call
    (`run(text, apply, also)`, see `checked_or_imported`)."""

    key: str
    noun: str
    endpoint: str
    done_endpoint: str
    example_endpoint: str
    run: Callable[..., Any]


class ConfirmImportForm(FlaskForm):
    """Step 2: the previewed upload, imported after being checked again."""

    # Hidden, as the page sends it: the id of the upload being confirmed.
    upload_id = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,12}$")])
    close_missing = BooleanField(
        "Close the items of this source that the file no longer lists",
        description="They are marked done; nothing is deleted.",
    )


class PreviewAgain(Protocol):
    """The preview of an upload, shown again (after a refusal, with `status`)."""

    def __call__(
        self,
        kind: Kind,
        upload: uploads.Upload,
        status: int | None = None,
        submitted: MappingForm | None = None,
    ) -> Any: ...


R = TypeVar("R")
Result = TypeVar("Result", bound=ImportOutcome)


def checked_or_imported(apply: bool, call: Callable[[], R]) -> R:
    """Run an import service: a check (apply False) only reads, so on SQLite it runs in a
    deferred transaction and checking a big file never holds the write lock other requests
    wait for; an import takes the lock from its first statement."""
    if not apply:
        get_session().rollback()  # end the write transaction the request began with
    with write_intent(apply):
        return call()


def finish_import(
    kind: Kind,
    upload: uploads.Upload,
    run: Callable[[Callable[[ImportOutcome], None]], Result],
    *,
    message: Callable[[Result], str],
    preview_again: PreviewAgain,
) -> Any:
    """Import a confirmed upload: `run(ended)` writes the rows and stages `ended(outcome)` (the
    audit entry and the upload's record, `hiring.import_records`) in their transaction. A
    refusal or a conflict records the upload as refused and shows its preview again; a success
    says `message` and goes on."""
    db = get_session()

    def kept(outcome: ImportOutcome) -> None:
        uploads.stage_end(upload.id, import_counts(outcome), imported=True, session=db)

    ended = audited(kind.key, current_user, db, then=kept)

    outcome: Result | None
    try:
        outcome = run(ended)
    except Conflict as error:
        outcome = None
        flash(str(error), "danger")
    if outcome is None or not outcome.ok:
        uploads.stage_end(upload.id, {"refused": True}, imported=False, session=db)
        db.commit()
        again = uploads.owned(upload.id, kind.key, actor=current_user.email, session=db)
        return preview_again(kind, again, 400)
    flash(message(outcome), "success")
    return redirect(url_for(kind.done_endpoint))
