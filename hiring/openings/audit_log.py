"""The audit log as people read it: each entry as a sentence with people's and records' names
("Maria moved Yuki to Offer made"), filtered by person, action and day, a page at a time.

`hiring.openings.audit` writes entries (the services call it in their own transaction); this
module reads them, for the log page, `GET /audit` and anything else that shows the log, so the
filters, the independence rule and the wording are the same everywhere. A sentence is a tuple
of `Part`s rather than a string: the page links a candidate and shows a person by name with
their email on hover, and writes dates in the app's one format, while the API joins the same
parts into plain text (dates in ISO, as everywhere in the API).

Names are looked up when the log is read, for the records the reader may see (the openings
rule of `service.visible_openings`); a record they may not see, or one since gone, is named by
its kind and id. Entries store emails and ids, not names, so a rename shows everywhere at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, func, select

from hiring.accounts.names import name_of, user_names
from hiring.openings import audit
from hiring.openings.audit import Actor
from hiring.openings.independence import audit_filter
from hiring.openings.models import CANDIDATE_STATUS_NAMES, AuditEntry, Candidate, Scorecard
from hiring.openings.service import Viewer, visible_openings
from team.errors import InvalidInput
from team.models import Area, Member

ACTOR_LENGTH = 254  # `AuditEntry.actor_email`
ACTION_LENGTH = 60  # `AuditEntry.action`

# What the log's filter calls each action; an action not listed is shown by its key.
ACTION_NAMES = {
    "opening.create": "Opened an opening",
    "opening.update": "Changed an opening",
    "panel.focus": "Set a panelist's areas",
    "candidate.add": "Added a candidate",
    "candidate.status": "Moved a candidate",
    "candidate.available_from": "Changed when a candidate can start",
    "candidate.join_team": "Put a hire on the team",
    "interview.schedule": "Scheduled interviews",
    "scorecard.submit": "Submitted a scorecard",
    "scorecard.revise": "Corrected a scorecard",
    "area.guide": "Changed an interview guide",
    "import.members": "Imported team members",
    "import.work_items": "Imported work items",
    "demo.generate": "Made demo data",
}

# CSV imports: what is imported (singular, plural) and where the file came from.
IMPORT_KINDS = {
    "members": ("team member", "team members"),
    "work_items": ("work item", "work items"),
}
SOURCE_NAMES = {"jira": "Jira", "linear": "Linear", "github": "GitHub"}
# An import's outcomes, each row (or item closed) counted in exactly one; their sum is the
# headline. Any other count (e.g. `unknown_assignees`) overlaps them and is told after.
IMPORT_OUTCOMES = ("created", "updated", "unchanged", "closed", "skipped")


def action_name(action: str) -> str:
    """What people call an action, for the filter and the API."""
    return ACTION_NAMES.get(action, action)


# --- what is asked ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LogFilter:
    """Which entries to read: by whom (their email), of which action, from and to which days
    (UTC, both included). Unset parts filter nothing."""

    actor: str | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None

    def problems(self) -> dict[str, list[str]]:
        """What is wrong with the filter as a whole (each part is checked where it is read)."""
        if self.since and self.until and self.until < self.since:
            return {"until": ["must be on or after the first day"]}
        return {}


def _starts(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _filtered(viewer: Viewer, wanted: LogFilter):
    """The entries this viewer may read that match the filter: the independence rule leaves out
    entries about cards hidden from them, here and so in every count."""
    query = select(AuditEntry).where(audit_filter(viewer))
    if wanted.actor:
        query = query.where(func.lower(AuditEntry.actor_email) == wanted.actor.lower())
    if wanted.action:
        query = query.where(AuditEntry.action == wanted.action)
    if wanted.since:
        query = query.where(col(AuditEntry.at) >= _starts(wanted.since))
    if wanted.until and wanted.until < date.max:
        query = query.where(col(AuditEntry.at) < _starts(wanted.until + timedelta(days=1)))
    return query


# --- what is answered -------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A piece of a sentence: words, or a named thing (`kind` person, candidate, opening,
    member, area, date) that a page may link or format; `text` is how plain text says it."""

    text: str
    kind: str = "text"
    ref: int | None = None  # the record's id, for a link (None: not linkable)
    email: str = ""  # a person's
    day: date | None = None  # a date's


@dataclass(frozen=True)
class Line:
    """One entry as people read it: the sentence, and the entry's details the sentence does not
    say (empty when it says them all)."""

    entry: AuditEntry
    actor_name: str
    sentence: tuple[Part, ...]
    more: str = ""

    @property
    def text(self) -> str:
        """The sentence as plain text (the API's `sentence`)."""
        return "".join(part.text for part in self.sentence)


@dataclass(frozen=True)
class LogPage:
    """A page of the log, newest first, and how many entries match in all."""

    lines: list[Line]
    total: int


@dataclass(frozen=True)
class FilterChoices:
    """What the log's filters offer: everyone who has done something, by name, and every
    action recorded, by its name."""

    people: list[tuple[str, str]] = field(default_factory=list)  # (email, name)
    actions: list[tuple[str, str]] = field(default_factory=list)  # (action, name)


def read_log(
    wanted: LogFilter, *, viewer: Viewer, session: Session, limit: int = 50, offset: int = 0
) -> LogPage:
    """A page of the entries this viewer may read that match `wanted`, newest first, in
    sentences, and how many match; a filter that contradicts itself is `InvalidInput`."""
    if problems := wanted.problems():
        raise InvalidInput(problems, "The filter's days are out of order.")
    query = _filtered(viewer, wanted)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return LogPage(sentences(rows, viewer=viewer, session=session), total)


def filter_choices(*, viewer: Viewer, session: Session) -> FilterChoices:
    """Everyone who has done something the viewer may read of, and every action among those
    entries (people and kinds of change, a few hundred at most), for the page's selects. Read
    under the independence rule too: a panelist who only submitted a hidden card is not named."""
    readable = audit_filter(viewer)
    emails = session.exec(select(AuditEntry.actor_email).where(readable).distinct()).all()
    names = user_names(session=session, emails=emails)
    people = sorted(
        {e.lower(): name_of(e, names) for e in emails if e}.items(),
        key=lambda p: (p[1].lower(), p[0]),
    )
    actions = session.exec(select(AuditEntry.action).where(readable).distinct()).all()
    named = sorted(((a, action_name(a)) for a in actions), key=lambda a: a[1].lower())
    return FilterChoices(people, named)


# --- CSV imports ------------------------------------------------------------------------------


def record_import(
    session: Session,
    actor: Actor,
    kind: str,
    counts: Mapping[str, int],
    source: str | None = None,
) -> None:
    """Stage the entry of a CSV import in the caller's transaction: who imported how many of
    what (`kind`: members or work_items) from where (`source`: jira, linear, github, or None for
    our own format) and what became of them (`counts`, e.g. the import's answer). Kept as JSON
    so the log can write the sentence ("Maria imported 1,204 work items from Jira: 1,180
    created, 20 updated, 4 closed") and a script can read the numbers."""
    if kind not in IMPORT_KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    details = {"source": source, "counts": {key: int(n) for key, n in counts.items()}}
    audit.record(session, actor, f"import.{kind}", "import", None, json.dumps(details))


def _import_sentence(kind: str, details: str) -> tuple[list[Part], str] | None:
    """The import's words after "imported", or None when the details are not an import's."""
    try:
        data = json.loads(details)
        counts = {str(k): int(v) for k, v in data["counts"].items()}
        source = data.get("source")
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    one, many = IMPORT_KINDS[kind]
    outcomes = [k for k in IMPORT_OUTCOMES if k in counts] + [
        k for k in counts if k not in IMPORT_OUTCOMES
    ]
    total = sum(counts[k] for k in outcomes if k in IMPORT_OUTCOMES)
    words = f" imported {total:,} {one if total == 1 else many}"
    if source:
        words += f" from {SOURCE_NAMES.get(str(source), str(source))}"
    told = [f"{counts[k]:,} {k}" for k in outcomes if k in IMPORT_OUTCOMES and counts[k]]
    others = [f"{counts[k]:,} {k.replace('_', ' ')}" for k in outcomes if k not in IMPORT_OUTCOMES]
    if told:
        words += ": " + ", ".join(told)
    if others:
        words += "; " + ", ".join(others)
    return [Part(words)], ""


# --- sentences --------------------------------------------------------------------------------


@dataclass
class _Names:
    """The names a page of entries mentions, each kind read in one query."""

    people: dict[str, str]
    candidates: dict[int, tuple[str, int, str]]  # id -> (name, opening id, opening title)
    openings: dict[int, str]
    card_candidates: dict[int, int]  # scorecard id -> candidate id
    members: dict[int, str]
    areas: dict[int, str]

    def person(self, email: str) -> Part:
        return Part(name_of(email, self.people) or "someone", "person", email=email)

    def candidate(self, candidate_id: int | None) -> Part:
        found = self.candidates.get(candidate_id or 0)
        if found is None:
            return Part(f"candidate {candidate_id}", "candidate")
        return Part(found[0], "candidate", ref=candidate_id)

    def opening(self, opening_id: int | None) -> Part:
        title = self.openings.get(opening_id or 0)
        if title is None:
            return Part(f"opening {opening_id}", "opening")
        return Part(title, "opening", ref=opening_id)

    def opening_of(self, candidate_id: int | None) -> Part | None:
        found = self.candidates.get(candidate_id or 0)
        return Part(found[2], "opening", ref=found[1]) if found else None


_MEMBER = re.compile(r"member (\d+), starts (\S+)")
_EMAIL_FIRST = re.compile(r"^([^\s:;]+@[^\s:;]+): ")
_CHANGE = re.compile(r"^(\S+) -> (\S+)(?:: (.*))?$", re.DOTALL)


@dataclass
class _Mentioned:
    """The ids and emails a page of entries mentions, by kind, to look their names up at once."""

    emails: set[str] = field(default_factory=set)
    candidates: set[int] = field(default_factory=set)
    openings: set[int] = field(default_factory=set)
    cards: set[int] = field(default_factory=set)
    members: set[int] = field(default_factory=set)
    areas: set[int] = field(default_factory=set)


def _mentioned(entries: Sequence[AuditEntry]) -> _Mentioned:
    """Everything the entries name: their actors, subjects, and people and members in details."""
    found = _Mentioned()
    for e in entries:
        found.emails.add(e.actor_email)
        subjects = {
            "candidate": found.candidates,
            "opening": found.openings,
            "scorecard": found.cards,
            "area": found.areas,
        }
        if e.subject_id is not None and e.subject_type in subjects:
            subjects[e.subject_type].add(e.subject_id)
        if e.action == "candidate.join_team" and (m := _MEMBER.match(e.details)):
            found.members.add(int(m.group(1)))
        for piece in e.details.split("; "):
            if m := _EMAIL_FIRST.match(piece):
                found.emails.add(m.group(1))
    return found


def _names(entries: Sequence[AuditEntry], viewer: Viewer, session: Session) -> _Names:
    """Look up everything the entries name, within what the viewer may see: a candidate or an
    opening only when its opening is one the viewer sees (`service.visible_openings`)."""
    wanted = _mentioned(entries)
    cards: dict[int, int] = {}
    if wanted.cards:
        of_cards = select(Scorecard.id, Scorecard.candidate_id)
        found = session.exec(of_cards.where(col(Scorecard.id).in_(wanted.cards))).all()
        cards = {card_id: candidate_id for card_id, candidate_id in found if card_id is not None}
    visible = visible_openings(viewer).subquery()
    candidate_ids = wanted.candidates | set(cards.values())
    candidates: dict[int, tuple[str, int, str]] = {}
    if candidate_ids:
        rows = session.exec(
            select(Candidate.id, Candidate.name, visible.c.id, visible.c.title)
            .join(visible, visible.c.id == Candidate.opening_id)
            .where(col(Candidate.id).in_(candidate_ids))
        ).all()
        candidates = {cid: (name, oid, title) for cid, name, oid, title in rows if cid is not None}
    openings: dict[int, str] = {}
    if wanted.openings:
        of_openings = select(visible.c.id, visible.c.title)
        titles = session.exec(of_openings.where(visible.c.id.in_(wanted.openings))).all()
        openings = {oid: title for oid, title in titles}
    return _Names(
        people=user_names(session=session, emails=wanted.emails),
        candidates=candidates,
        openings=openings,
        card_candidates=cards,
        members=_names_by_id(Member, wanted.members, session),
        areas=_names_by_id(Area, wanted.areas, session),
    )


def _names_by_id(
    model: type[Member] | type[Area], ids: set[int], session: Session
) -> dict[int, str]:
    """Members' or areas' names by id (the team's records: every audit reader sees them)."""
    if not ids:
        return {}
    rows = session.exec(select(model.id, model.name).where(col(model.id).in_(ids))).all()
    return {row_id: name for row_id, name in rows if row_id is not None}


def _iso_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _day(text: str) -> Part:
    """A date named in the details: formatted by the page, ISO in plain text."""
    day = _iso_day(text)
    return Part(text, "date", day=day) if day else Part(text)


Said = tuple[list[Part], str]  # the sentence after the actor, and the details left unsaid


def _candidate_status(e: AuditEntry, n: _Names) -> Said:
    found = _CHANGE.match(e.details)
    if not found:
        return [Part(" changed the status of "), n.candidate(e.subject_id)], e.details
    new, note = found.group(2), found.group(3) or ""
    status = CANDIDATE_STATUS_NAMES.get(new, new)
    return [Part(" moved "), n.candidate(e.subject_id), Part(f" to {status}")], note


def _available_from(e: AuditEntry, n: _Names) -> Said:
    found = _CHANGE.match(e.details)
    if not found:
        return [Part(" changed when "), n.candidate(e.subject_id), Part(" can start")], e.details
    new = found.group(2)
    if new == "none":
        return [Part(" cleared the date "), n.candidate(e.subject_id), Part(" can start")], ""
    start = [Part(" set the date "), n.candidate(e.subject_id), Part(" can start to ")]
    return start + [_day(new)], ""


def _candidate_add(e: AuditEntry, n: _Names) -> Said:
    parts = [Part(" added "), n.candidate(e.subject_id)]
    if opening := n.opening_of(e.subject_id):
        parts += [Part(" to "), opening]
    return parts, ""


def _join_team(e: AuditEntry, n: _Names) -> Said:
    parts = [Part(" put "), n.candidate(e.subject_id), Part(" on the team")]
    if found := _MEMBER.match(e.details):
        member_id, starts = int(found.group(1)), found.group(2)
        name = n.members.get(member_id)
        if name and name != n.candidate(e.subject_id).text:
            parts += [Part(" as "), Part(name, "member", ref=member_id)]
        if _iso_day(starts):
            parts += [Part(", starting "), _day(starts)]
        return parts, ""
    return parts, e.details


def _schedule(e: AuditEntry, n: _Names) -> Said:
    changes = e.details.split("; ")
    if len(changes) == 1 and (who := _EMAIL_FIRST.match(changes[0])):
        found = _CHANGE.match(changes[0][who.end() :])
        if found:
            day = found.group(2)
            with_whom = [Part(" with "), n.person(who.group(1))]
            if day == "none":
                return [Part(" cancelled the interview of "), n.candidate(e.subject_id)] + [
                    *with_whom
                ], ""
            return [Part(" scheduled the interview of "), n.candidate(e.subject_id)] + [
                *with_whom,
                Part(" for "),
                _day(day),
            ], ""
    return [Part(" changed the interview dates of "), n.candidate(e.subject_id)], e.details


def _scorecard(e: AuditEntry, n: _Names) -> Said:
    candidate = n.candidate(n.card_candidates.get(e.subject_id or 0))
    if e.action == "scorecard.submit":
        return [Part(" submitted a scorecard for "), candidate], e.details
    return [Part(" corrected their scorecard for "), candidate], e.details


def _panel_focus(e: AuditEntry, n: _Names) -> Said:
    who = _EMAIL_FIRST.match(e.details)
    if not who or " -> " not in e.details:
        return [Part(" set a panelist's areas on "), n.opening(e.subject_id)], e.details
    after = e.details.rsplit(" -> ", 1)[1]
    parts = [Part(" set the areas "), n.person(who.group(1)), Part(" covers on ")]
    return parts + [n.opening(e.subject_id), Part(f": {after}")], ""


def _opening(e: AuditEntry, n: _Names) -> Said:
    if e.action == "opening.create":
        return [Part(" opened "), n.opening(e.subject_id)], ""
    return [Part(" changed "), n.opening(e.subject_id)], e.details


def _area_guide(e: AuditEntry, n: _Names) -> Said:
    area = n.areas.get(e.subject_id or 0)
    named = Part(area, "area", ref=e.subject_id) if area else Part(f"area {e.subject_id}")
    return [Part(" changed the interview guide of "), named], e.details


SENTENCES: dict[str, Callable[[AuditEntry, _Names], Said]] = {
    "candidate.status": _candidate_status,
    "candidate.available_from": _available_from,
    "candidate.add": _candidate_add,
    "candidate.join_team": _join_team,
    "interview.schedule": _schedule,
    "scorecard.submit": _scorecard,
    "scorecard.revise": _scorecard,
    "panel.focus": _panel_focus,
    "opening.create": _opening,
    "opening.update": _opening,
    "area.guide": _area_guide,
}


def _said(e: AuditEntry, n: _Names) -> Said:
    """What the entry says after its actor's name."""
    if e.action in SENTENCES:
        return SENTENCES[e.action](e, n)
    kind = e.action.removeprefix("import.")
    if e.action.startswith("import.") and kind in IMPORT_KINDS:
        if told := _import_sentence(kind, e.details):
            return told
    if e.action == "demo.generate":
        return [Part(" made demo data")], e.details
    subject = f" ({e.subject_type} {e.subject_id})" if e.subject_id is not None else ""
    return [Part(f": {action_name(e.action)}{subject}")], e.details


def sentences(entries: Iterable[AuditEntry], *, viewer: Viewer, session: Session) -> list[Line]:
    """Each entry as a sentence naming its people and records (a few queries for them all)."""
    rows = list(entries)
    names = _names(rows, viewer, session)
    lines = []
    for e in rows:
        actor = names.person(e.actor_email)
        said, more = _said(e, names)
        lines.append(Line(e, actor.text, (actor, *said), more))
    return lines
