"""People by name: the one place where a user's email turns into the name pages show.

Records keep who did something by email (a card's author, an audit entry's actor, a status
change, a level change), because an email outlives renames and is what the API answers. People
read names, though: every page shows a person by their name, with the email in the `title`
(on hover) or beside it, through the `person` template filter (`hiring.web`), which asks this
module. An email that is no user's (a CLI import, a user since renamed) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from markupsafe import Markup
from sqlmodel import Session, col, select

from hiring.accounts.models import User


def user_names(*, session: Session, emails: Iterable[str] | None = None) -> dict[str, str]:
    """Users' names by lower-case email, in one query: of these emails, or of every user (a
    page does not know ahead of rendering whom it will name; users are few next to rows)."""
    query = select(User.email, User.name)
    if emails is not None:
        wanted = {e.lower() for e in emails if e}
        if not wanted:
            return {}
        query = query.where(col(User.email).in_(wanted))
    return {email.lower(): name for email, name in session.exec(query).all()}


def name_of(email: str | None, names: Mapping[str, str]) -> str:
    """The person's name, or the email itself where no user has it ("" for no one)."""
    if not email:
        return ""
    return names.get(email.lower()) or email


def person_markup(email: str | None, names: Mapping[str, str]) -> Markup:
    """The person as pages show them: the name, the email on hover. Escaped here, so that
    a name or email holding markup prints as text."""
    if not email:
        return Markup("–")
    name = name_of(email, names)
    if name == email:
        return Markup('<span class="person">{}</span>').format(email)
    return Markup('<span class="person" title="{}">{}</span>').format(email, name)
