"""Who may have a work item (MODEL.md, "The team and the planned work"): the one rule that the
work forms, the API and the CSV import all ask.

An assignee is named by their email, trimmed and matched without regard to case. They must be a
member, not marked as left, and not past their last working day at today's plan start: the
members today's numbers count (`team.report.counted_members`), future starters included.

Keeping an item's current assignee is always allowed, also after they left: the plan flags such
items, and refusing them would make every other change to the item fail until someone clears
the assignee. Assigning anyone else is checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sqlmodel import Session, col, func, select

from team.errors import InvalidInput
from team.models import Member
from team.timeline import current_calendar

__all__ = [
    "Assignee",
    "Roster",
    "assignable",
    "assignee_id",
    "emails_by_id",
    "names_by_email",
    "normalised",
    "reason",
    "refusal",
    "roster",
]

# An email is echoed in the refusal; one longer than any stored email (254) is cut short there.
_SHOWN = 80


def normalised(email: str) -> str:
    """An email as the rule compares it: trimmed, lowercase."""
    return email.strip().lower()


def reason(member: Member, plan_start: date) -> str | None:
    """Why this member may not be given work, as words that follow their name ("has left the
    team"); None when they may."""
    if member.left_at is not None:
        return "has left the team"
    if member.end_date is not None and member.end_date < plan_start:
        return (
            f"had their last working day on {member.end_date.isoformat()}, before the plan "
            f"start ({plan_start.isoformat()})"
        )
    return None


def refusal(member: Member | None, email: str, plan_start: date) -> str | None:
    """Why the member an email names may not be given work, in words; None when they may.

    `member` is the member with that email (None: nobody has it).
    """
    if member is None:
        shown = email if len(email) <= _SHOWN else email[: _SHOWN - 1] + "\u2026"
        return f"no member has the email {shown}"
    why = reason(member, plan_start)
    return None if why is None else f"{member.name} {why}"


@dataclass(frozen=True)
class Roster:
    """Members by lowercase email and today's plan start: what the rule reads, loaded once for
    a whole CSV file (or for the one member a form or the API names)."""

    members: Mapping[str, Member]
    plan_start: date

    def check(self, email: str) -> tuple[Member | None, str | None]:
        """The member `email` names if they may be given work, else None and why not."""
        key = normalised(email)
        member = self.members.get(key)
        problem = refusal(member, key, self.plan_start)
        return (member if problem is None else None), problem

    @cached_property
    def _by_name(self) -> dict[str, list[Member]]:
        """Members by name as `check_person` compares names, built once per roster."""
        found: dict[str, list[Member]] = {}
        for member in self.members.values():
            found.setdefault(" ".join(member.name.split()).casefold(), []).append(member)
        return found

    def check_person(self, written: str) -> tuple[Member | None, str | None]:
        """Like `check`, for a tracker's assignee: an email, or else a name that exactly one
        member has (trimmed, without regard to case). Trackers export display names."""
        if "@" in written:
            return self.check(written)
        named = self._by_name.get(" ".join(written.split()).casefold(), [])
        if len(named) == 1:
            return self.check(named[0].email)
        if named:
            return None, f"{len(named)} members are called {written.strip()}"
        return None, f"no member is called {written.strip()}"


def _members(session: Session, emails: Iterable[str] | None = None) -> dict[str, Member]:
    query = select(Member)
    if emails is not None:
        query = query.where(func.lower(Member.email).in_(list(emails)))
    return {m.email.lower(): m for m in session.exec(query).all()}


def roster(*, session: Session) -> Roster:
    """Every member (those who left too: they are refused by name) and today's plan start."""
    return Roster(_members(session), current_calendar(session=session).plan_start)


def assignee_id(
    email: str | None,
    *,
    session: Session,
    current: int | None = None,
    members: Roster | None = None,
) -> int | None:
    """The id of the member `email` names, to assign an item to (None: nobody).

    `current` is the item's assignee now (None for a new item): keeping them is always
    allowed. Anyone else must pass the rule, or InvalidInput names the `assignee` field.
    `members` is a roster loaded beforehand (a CSV import checks many rows with one).
    """
    if email is None:
        return None
    key = normalised(email)
    found = members.members if members is not None else _members(session, [key])
    member = found.get(key)
    if member is not None and member.id is not None and member.id == current:
        return current
    plan_start = (
        members.plan_start if members is not None else current_calendar(session=session).plan_start
    )
    problem = refusal(member, key, plan_start)
    if problem is not None or member is None:
        message = problem or f"no member has the email {key}"
        raise InvalidInput({"assignee": [message]}, message[:1].upper() + message[1:] + ".")
    return member.id


def assignable(*, session: Session) -> list[Member]:
    """The members who may be given work today, by name: the choices of the work item form."""
    plan_start = current_calendar(session=session).plan_start
    rows = session.exec(
        select(Member)
        .where(col(Member.left_at).is_(None))
        .order_by(func.lower(Member.name), col(Member.id))
    ).all()
    return [m for m in rows if refusal(m, m.email, plan_start) is None]


def emails_by_id(ids: Iterable[int | None], *, session: Session) -> dict[int, str]:
    """The email of each member id given, in one query (what a work item shows as assignee),
    asked even when none is given, so that a page of items always costs the same statements."""
    wanted = sorted({i for i in ids if i is not None})
    rows = session.exec(select(Member.id, Member.email).where(col(Member.id).in_(wanted))).all()
    return {member_id: email for member_id, email in rows if member_id is not None}


@dataclass(frozen=True)
class Assignee:
    """An item's assignee as a page shows them: their name, and why they could not be given
    the item today ("has left the team"), if so."""

    name: str
    reason: str | None


def names_by_email(emails: Iterable[str | None], *, session: Session) -> dict[str, Assignee]:
    """The assignees these emails name, by email (the work list's names): the same few
    queries whether or not a page names anyone, so a page's cost never depends on its rows."""
    wanted = {normalised(e) for e in emails if e}
    plan_start = current_calendar(session=session).plan_start
    return {
        email: Assignee(member.name, reason(member, plan_start))
        for email, member in _members(session, wanted).items()
    }
