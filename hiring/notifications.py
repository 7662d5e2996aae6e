"""Who is told what by email, and when: the rules, without the mail itself (`hiring.mail`).

Three kinds of mail, each of which a user turns off on their profile:

- `panel`: an interviewer put on an opening's panel;
- `overdue`: an interviewer whose scorecard is overdue (`Settings.card_due_days` after the
  interview), sent by the cron command `flask send-reminders`, once per interview;
- `cards_in`: the opening's hiring manager, when every panelist's card for a candidate is in.

A mail says nothing of a candidate but their name (no ratings, notes or email): it may be
forwarded, and the page it links to shows the rest to whoever may read it.

Sent after commit only. The services queue a `Notice` on their database session; the session
hands the queue to the app's delivery (`set_delivery`, which `hiring.mail` installs) once the
transaction is committed, and drops it when the transaction ends any other way. So a change
that is rolled back, or refused halfway, mails nobody. This module knows no web framework, as
the services that call it must not (pyproject.toml's import contracts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import event
from sqlmodel import Session, col, exists, select

from hiring.accounts.models import MailOptOut, User
from hiring.openings.models import (
    Candidate,
    Interview,
    Opening,
    PanelSeat,
    ReminderSent,
    Scorecard,
)
from team.areas import get_settings
from team.errors import NotFound
from team.text import has_control

Kind = Literal["panel", "overdue", "cards_in"]

# Each kind of mail, as the profile names it (a user turns a kind off: `MailOptOut`).
KINDS: dict[Kind, str] = {
    "panel": "When I am put on an opening's interview panel",
    "overdue": "When one of my scorecards is overdue",
    "cards_in": "When every scorecard for a candidate of an opening I manage is in",
}

# Candidates still owed cards (`scorecards.cards_owed` counts the same ones).
IN_PIPELINE = ("applied", "interviewing")

_OUTBOX = "mail_outbox"
_LISTENING = "mail_listening"
_MUTED = "mail_muted"
FAILED = "mail_failed"  # session.info key: the notices the last commit's delivery could not send


@dataclass(frozen=True)
class Notice:
    """One mail to one person, as plain values: what happened and where the link goes.

    `link` is a page's endpoint with its arguments; the mail module makes it an absolute URL.
    `reminder` is the interview a reminder is about, so that a failed send can be retried.
    """

    kind: Kind
    to_email: str
    to_name: str
    opening_title: str
    link: tuple[str, tuple[tuple[str, int], ...]]
    candidate_name: str = ""
    interview_on: date | None = None
    reminder: tuple[int, int, date] | None = field(default=None, compare=False)


Delivery = Callable[[Sequence[Notice]], list[Notice]]
_delivery: Delivery | None = None


def set_delivery(deliver: Delivery | None) -> None:
    """Install what sends committed notices (it returns those it could not send)."""
    global _delivery
    _delivery = deliver


def mute(session: Session) -> None:
    """Send nothing for what this session commits (the demo's made-up people get no mail)."""
    session.info[_MUTED] = True


def _plain(text: str) -> str:
    """A name as a mail header may carry it: no control characters (no header injection)."""
    return "".join(" " if has_control(ch) else ch for ch in text).strip()


def queue(session: Session, notices: Iterable[Notice]) -> None:
    """Hold notices until the session's transaction commits (then they are delivered) or ends
    otherwise (then they are dropped)."""
    notices = list(notices)
    if not notices or session.info.get(_MUTED):
        return
    session.info.setdefault(_OUTBOX, []).extend(notices)
    if not session.info.get(_LISTENING):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_transaction_end", _after_transaction_end)
        session.info[_LISTENING] = True


def _after_commit(session: Session) -> None:
    notices = session.info.pop(_OUTBOX, [])
    session.info[FAILED] = []
    if notices and _delivery is not None:
        session.info[FAILED] = _delivery(notices)


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed ones were sent
        session.info.pop(_OUTBOX, None)


def _wanting(kind: Kind, user_ids: Iterable[int], session: Session) -> list[User]:
    """The active users among `user_ids` who want this kind of mail."""
    ids = set(user_ids)
    if not ids:
        return []
    return list(
        session.exec(
            select(User)
            .where(col(User.id).in_(ids), col(User.active).is_(True), ~_opted_out(kind))
            .order_by(col(User.email))
        ).all()
    )


def _opted_out(kind: Kind) -> Any:
    """Whether the user (`User.id` of the enclosing query) turned this kind of mail off."""
    return exists().where(col(MailOptOut.user_id) == col(User.id), col(MailOptOut.kind) == kind)


def panel_assigned(opening: Opening, user_ids: Sequence[int], *, session: Session) -> None:
    """Tell interviewers just seated on the opening's panel (after commit)."""
    link = ("interviews.panel", (("opening_id", opening.id or 0),))
    queue(
        session,
        (
            Notice("panel", user.email, _plain(user.name), _plain(opening.title), link)
            for user in _wanting("panel", user_ids, session)
        ),
    )


def card_submitted(card: Scorecard, *, session: Session) -> None:
    """Tell the opening's hiring manager when this card was the last one out: every panelist
    now has a submitted card for the candidate. A correction (revision 2 on) tells nobody: the
    cards were all in before it."""
    if card.revision != 1:
        return
    candidate = session.get(Candidate, card.candidate_id)
    opening = session.get(Opening, candidate.opening_id) if candidate else None
    if candidate is None or opening is None:
        return
    panel = set(
        session.exec(select(PanelSeat.user_id).where(PanelSeat.opening_id == opening.id)).all()
    )
    written = set(
        session.exec(
            select(Scorecard.interviewer_id).where(
                Scorecard.candidate_id == candidate.id, col(Scorecard.submitted_at).is_not(None)
            )
        ).all()
    )
    if not panel or not panel <= written:
        return
    link = ("candidates.candidate", (("candidate_id", candidate.id or 0),))
    queue(
        session,
        (
            Notice(
                "cards_in",
                user.email,
                _plain(user.name),
                _plain(opening.title),
                link,
                candidate_name=_plain(candidate.name),
            )
            for user in _wanting("cards_in", [opening.hiring_manager_id], session)
        ),
    )


def overdue_before(today: date, due_days: int) -> date:
    """The latest interview day whose card is overdue today: a card falls overdue
    `due_days` days after its interview (the one place this rule is stated)."""
    return today - timedelta(days=due_days)


def queue_reminders(today: date, *, session: Session) -> list[Notice]:
    """Queue a reminder for every overdue card not reminded of yet, record each as sent, and
    return them (the caller commits: the mails go then).

    Overdue: a panelist still seated, an open opening, a candidate still in the pipeline, an
    interview day at least `card_due_days` ago, and no submitted card of theirs for the
    candidate. Those who turned reminders off are skipped and not recorded, so turning them
    back on reminds them of what is still overdue.
    """
    cutoff = overdue_before(today, get_settings(session=session).card_due_days)
    submitted = exists().where(
        col(Scorecard.candidate_id) == col(Interview.candidate_id),
        col(Scorecard.interviewer_id) == col(Interview.interviewer_id),
        col(Scorecard.submitted_at).is_not(None),
    )
    reminded = exists().where(
        col(ReminderSent.candidate_id) == col(Interview.candidate_id),
        col(ReminderSent.interviewer_id) == col(Interview.interviewer_id),
        col(ReminderSent.interview_on) == col(Interview.scheduled_on),
    )
    rows = session.exec(
        select(Interview, Candidate, Opening, User)
        .join(Candidate, col(Candidate.id) == Interview.candidate_id)
        .join(Opening, col(Opening.id) == Candidate.opening_id)
        .join(
            PanelSeat,
            (col(PanelSeat.opening_id) == Opening.id)
            & (col(PanelSeat.user_id) == Interview.interviewer_id),
        )
        .join(User, col(User.id) == Interview.interviewer_id)
        .where(
            col(Interview.scheduled_on) <= cutoff,
            Opening.status == "open",
            col(Candidate.status).in_(IN_PIPELINE),
            col(User.active).is_(True),
            ~_opted_out("overdue"),
            ~submitted,
            ~reminded,
        )
        .order_by(col(Interview.scheduled_on), col(User.email), col(Candidate.id))
    ).all()
    notices = []
    for interview, candidate, opening, user in rows:
        key = (candidate.id or 0, user.id or 0, interview.scheduled_on)
        session.add(
            ReminderSent(
                candidate_id=key[0], interviewer_id=key[1], interview_on=interview.scheduled_on
            )
        )
        notices.append(
            Notice(
                "overdue",
                user.email,
                _plain(user.name),
                _plain(opening.title),
                ("candidates.scorecard", (("candidate_id", key[0]),)),
                candidate_name=_plain(candidate.name),
                interview_on=interview.scheduled_on,
                reminder=key,
            )
        )
    queue(session, notices)
    return notices


def forget_reminders(notices: Iterable[Notice], *, session: Session) -> None:
    """Forget that these reminders were sent (their mail failed), so the next run tries again;
    the caller commits."""
    for notice in notices:
        if notice.reminder is not None:
            row = session.get(ReminderSent, notice.reminder)
            if row is not None:
                session.delete(row)


@dataclass(frozen=True)
class MailChoices:
    """Which kinds of mail a user gets."""

    panel: bool
    overdue: bool
    cards_in: bool


def mail_choices(user_id: int, *, session: Session) -> MailChoices:
    """The user's own choices (NotFound for no such user)."""
    if session.get(User, user_id) is None:
        raise NotFound("no such user")
    off = set(session.exec(select(MailOptOut.kind).where(MailOptOut.user_id == user_id)).all())
    return MailChoices(**{kind: kind not in off for kind in KINDS})


def set_mail_choices(user_id: int, changes: dict[Kind, bool], *, session: Session) -> MailChoices:
    """Turn kinds of mail on or off for the user (the kinds not named stay as they are)."""
    if session.get(User, user_id) is None:
        raise NotFound("no such user")
    for kind, wanted in changes.items():
        row = session.get(MailOptOut, (user_id, kind))
        if wanted and row is not None:
            session.delete(row)
        elif not wanted and row is None:
            session.add(MailOptOut(user_id=user_id, kind=kind))
    session.commit()
    return mail_choices(user_id, session=session)
