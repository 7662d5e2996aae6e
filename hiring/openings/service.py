"""Openings, their panels and candidates: who may see and change what, and the pipeline.

Visibility (DESIGN.md): admins and leadership see every opening; a hiring manager sees the
openings they manage; an interviewer sees the openings whose panel they sit on. Anything not
visible is NotFound (404), so ids reveal nothing. Only admins and the opening's own hiring
manager change it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import ColumnElement, case, delete, desc, exists
from sqlmodel import Session, col, func, or_, select

from hiring import notifications
from hiring.accounts.models import User, UserRole
from hiring.openings import audit
from hiring.openings.models import Candidate, Opening, PanelSeat, StatusChange
from hiring.openings.schemas import (
    CandidateCreate,
    CandidateUpdate,
    OpeningCreate,
    OpeningPublic,
    OpeningUpdate,
)
from team.errors import Conflict, Forbidden, InvalidInput, NotFound
from team.models import Area, utcnow
from team.search import LIKE_ESCAPE, contains_pattern
from team.text import has_control


class Viewer(Protocol):
    """The user asking: the logged-in page user or the API token's user (read-only)."""

    @property
    def id(self) -> int: ...

    @property
    def email(self) -> str: ...

    def has_role(self, *roles: str) -> bool: ...


def sees_all(viewer: Viewer) -> bool:
    """Admins and leadership see every opening."""
    return viewer.has_role("admin", "leadership")


def visible_openings(viewer: Viewer):
    """A select of the openings this viewer may see."""
    query = select(Opening)
    if sees_all(viewer):
        return query
    conditions: list[ColumnElement[bool]] = []
    if viewer.has_role("hiring_manager"):
        conditions.append(col(Opening.hiring_manager_id) == viewer.id)
    if viewer.has_role("interviewer"):
        seat = select(PanelSeat.opening_id).where(PanelSeat.user_id == viewer.id)
        conditions.append(col(Opening.id).in_(seat))
    if not conditions:
        return query.where(col(Opening.id).is_(None))
    return query.where(or_(*conditions))


def get_opening_row(
    opening_id: int, *, viewer: Viewer, session: Session, for_update: bool = False
) -> Opening:
    """The opening if this viewer may see it, else NotFound.

    `for_update` locks the row until commit on PostgreSQL, so a concurrent edit's version
    check sees the other's commit (a 409) instead of overwriting it.
    """
    query = visible_openings(viewer).where(Opening.id == opening_id)
    if for_update:
        query = query.with_for_update(of=Opening).execution_options(populate_existing=True)
    found = session.exec(query).first()
    if found is None:
        raise NotFound("no such opening")
    return found


def manages(opening: Opening, viewer: Viewer) -> bool:
    """Whether the viewer may change the opening and decide on its candidates."""
    return viewer.has_role("admin") or (
        viewer.has_role("hiring_manager") and opening.hiring_manager_id == viewer.id
    )


def on_panel(opening_id: int, viewer: Viewer, session: Session) -> bool:
    """Whether the viewer sits on the opening's panel."""
    seat = session.get(PanelSeat, (opening_id, viewer.id))
    return seat is not None


def publish_openings(openings: Sequence[Opening], *, session: Session) -> list[OpeningPublic]:
    """Openings with area key, manager email and panel emails, in a fixed number of queries."""
    ids = [o.id for o in openings if o.id is not None]
    areas = {a.id: a.key for a in session.exec(select(Area)).all()}
    panel: dict[int, list[str]] = defaultdict(list)
    if ids:
        for opening_id, email in session.exec(
            select(PanelSeat.opening_id, User.email)
            .join(User, col(User.id) == PanelSeat.user_id)
            .where(col(PanelSeat.opening_id).in_(ids))
            .order_by(User.email)
        ).all():
            panel[opening_id].append(email)
    managers = {
        u.id: u.email
        for u in session.exec(
            select(User).where(col(User.id).in_({o.hiring_manager_id for o in openings}))
        ).all()
    }
    return [
        OpeningPublic(
            id=o.id or 0,
            title=o.title,
            description=o.description,
            target_area=areas.get(o.target_area_id) if o.target_area_id else None,
            headcount=o.headcount,
            status=o.status,
            hiring_manager=managers.get(o.hiring_manager_id, ""),
            panel=panel.get(o.id or 0, []),
            start_date=o.start_date,
        )
        for o in openings
    ]


# Sort keys of the openings list. "status" (the default) puts open ones first, newest first;
# the negated id keeps that a plain column, so "descending" reverses every term alike.
SORTS: dict[str, tuple[Any, ...]] = {
    "status": (case((col(Opening.status) == "open", 0), else_=1), -col(Opening.id)),
    "title": (func.lower(Opening.title), Opening.id),  # same order on SQLite and PostgreSQL
    "headcount": (Opening.headcount, Opening.id),
    "created": (Opening.id,),
}


def list_openings(
    *,
    viewer: Viewer,
    session: Session,
    status: str | None = None,
    search: str | None = None,
    sort: str = "status",
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[OpeningPublic], int]:
    """A page of the openings this viewer sees (open first, newest first unless sorted
    otherwise), optionally those whose title contains `search`, and how many in all."""
    query = visible_openings(viewer)
    if status:
        query = query.where(Opening.status == status)
    if search:
        query = query.where(
            func.lower(Opening.title).like(contains_pattern(search), escape=LIKE_ESCAPE)
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = SORTS.get(sort, SORTS["status"])
    order_by = [desc(c) for c in order] if descending else list(order)
    rows = session.exec(query.order_by(*order_by).limit(limit).offset(offset)).all()
    return publish_openings(list(rows), session=session), total


def candidate_counts(opening_ids: Sequence[int], *, session: Session) -> dict[int, dict[str, int]]:
    """Per opening, how many candidates are in each status (missing statuses are 0)."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if opening_ids:
        for opening_id, status, n in session.exec(
            select(Candidate.opening_id, Candidate.status, func.count())
            .where(col(Candidate.opening_id).in_(opening_ids))
            .group_by(col(Candidate.opening_id), col(Candidate.status))
        ).all():
            counts[opening_id][status] = n
    return dict(counts)


def get_opening(opening_id: int, *, viewer: Viewer, session: Session) -> OpeningPublic:
    """One visible opening."""
    row = get_opening_row(opening_id, viewer=viewer, session=session)
    return publish_openings([row], session=session)[0]


def _area_id(key: str | None, session: Session) -> int | None:
    if key is None:
        return None
    area = session.exec(select(Area).where(Area.key == key)).first()
    if area is None:
        raise InvalidInput({"target_area": ["is not a known area"]})
    return area.id


def _set_panel(opening: Opening, emails: Sequence[str], session: Session) -> str:
    """Seat exactly these interviewers; every email must be an active interviewer. Seats kept
    keep their time (`PanelSeat.seated_at`); returns who was added and removed, for the log."""
    wanted = sorted({e.lower() for e in emails})
    users = session.exec(
        select(User).where(
            col(User.email).in_(wanted),
            col(User.active).is_(True),
            exists().where(
                col(UserRole.user_id) == col(User.id), col(UserRole.role) == "interviewer"
            ),
        )
    ).all()
    found = {u.email: u.id for u in users}
    missing = [e for e in wanted if e not in found]
    if missing:
        raise InvalidInput({"panel": [f"{e} is not an active interviewer" for e in missing]})
    seated = dict(
        session.exec(
            select(PanelSeat.user_id, User.email)
            .join(User, col(User.id) == PanelSeat.user_id)
            .where(PanelSeat.opening_id == opening.id)
        ).all()
    )
    leaving = {user_id: email for user_id, email in seated.items() if email not in found}
    if leaving:
        session.exec(
            delete(PanelSeat).where(
                col(PanelSeat.opening_id) == opening.id, col(PanelSeat.user_id).in_(leaving)
            )
        )
    joining = [email for email in wanted if found[email] not in seated]
    for email in joining:
        session.add(PanelSeat(opening_id=opening.id or 0, user_id=found[email] or 0))
    notifications.panel_assigned(opening, [found[e] or 0 for e in joining], session=session)
    changes = [f"+{email}" for email in joining] + [f"-{e}" for e in sorted(leaving.values())]
    return "panel " + " ".join(changes) if changes else ""


def create_opening(data: OpeningCreate, *, viewer: Viewer, session: Session) -> OpeningPublic:
    """A hiring manager (or admin) opens a role; they become its hiring manager."""
    if not viewer.has_role("admin", "hiring_manager"):
        raise Forbidden()
    opening = Opening(
        title=data.title,
        description=data.description,
        target_area_id=_area_id(data.target_area, session),
        headcount=data.headcount,
        status=data.status,
        hiring_manager_id=viewer.id,
        start_date=data.start_date,
    )
    session.add(opening)
    session.flush()
    _set_panel(opening, data.panel, session)
    audit.record(session, viewer, "opening.create", "opening", opening.id, data.title)
    session.commit()
    return get_opening(opening.id or 0, viewer=viewer, session=session)


def update_opening(
    opening_id: int,
    data: OpeningUpdate,
    *,
    viewer: Viewer,
    session: Session,
    expected_version: int | None = None,
) -> OpeningPublic:
    """Change an opening; only its hiring manager or an admin may; stale edits are a Conflict."""
    opening = get_opening_row(opening_id, viewer=viewer, session=session, for_update=True)
    if not manages(opening, viewer):
        raise Forbidden()
    if expected_version is not None and expected_version != opening.version:
        raise Conflict("Someone else changed this opening meanwhile; reload and try again.")
    changes = data.model_dump(exclude_unset=True, exclude={"panel", "target_area", "start_date"})
    for field, value in changes.items():
        if value is None:
            raise InvalidInput({field: ["may not be empty"]})
        setattr(opening, field, value)
    if "start_date" in data.model_fields_set:  # None clears it
        opening.start_date = data.start_date
    if "target_area" in data.model_fields_set:
        opening.target_area_id = _area_id(data.target_area, session)
    panel_change = _set_panel(opening, data.panel, session) if data.panel is not None else ""
    opening.version += 1
    opening.updated_at = utcnow()
    session.add(opening)
    audit.record(
        session,
        viewer,
        "opening.update",
        "opening",
        opening.id,
        "; ".join(filter(None, [", ".join(sorted(data.model_fields_set)), panel_change])),
    )
    session.commit()
    return get_opening(opening_id, viewer=viewer, session=session)


def get_candidate_row(
    candidate_id: int, *, viewer: Viewer, session: Session, for_update: bool = False
) -> Candidate:
    """The candidate if their opening is visible to the viewer, else NotFound.

    `for_update` locks the row until commit on PostgreSQL: changes to a candidate (their status,
    their cards, their hire) then run one after another and each reads the other's commit, where
    under READ COMMITTED they would all read the same old state (SQLite's writers are serial).
    """
    if for_update:
        candidate = session.get(
            Candidate, candidate_id, with_for_update=True, populate_existing=True
        )
    else:
        candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound("no such candidate")
    get_opening_row(candidate.opening_id, viewer=viewer, session=session)
    return candidate


def list_candidate_rows(opening_id: int, *, session: Session) -> list[Candidate]:
    """Every candidate of an opening, by name."""
    return list(
        session.exec(
            select(Candidate)
            .where(Candidate.opening_id == opening_id)
            .order_by(func.lower(Candidate.name), col(Candidate.id))
        ).all()
    )


def _open_for_candidates(opening_id: int, viewer: Viewer, session: Session) -> Opening:
    """The opening, if the viewer manages it and it is open to new candidates."""
    opening = get_opening_row(opening_id, viewer=viewer, session=session)
    if not manages(opening, viewer):
        raise Forbidden()
    if opening.status != "open":
        raise Conflict(
            "The opening is closed; reopen it to add candidates.", {"opening": ["is closed"]}
        )
    return opening


def _taken_emails(opening_id: int, emails: Sequence[str], session: Session) -> set[str]:
    """Which of these emails already belong to a candidate of the opening."""
    if not emails:
        return set()
    return set(
        session.exec(
            select(Candidate.email).where(
                Candidate.opening_id == opening_id, col(Candidate.email).in_(set(emails))
            )
        ).all()
    )


def _stage_candidate(
    opening_id: int, data: CandidateCreate, viewer: Viewer, session: Session
) -> Candidate:
    """Stage one checked candidate with their first status and an audit entry (no commit)."""
    candidate = Candidate(
        opening_id=opening_id,
        name=data.name,
        email=data.email,
        available_from=data.available_from,
    )
    session.add(candidate)
    session.flush()
    session.add(
        StatusChange(candidate_id=candidate.id or 0, new_status="applied", changed_by_id=viewer.id)
    )
    audit.record(session, viewer, "candidate.add", "candidate", candidate.id, data.email)
    return candidate


def add_candidate(
    opening_id: int, data: CandidateCreate, *, viewer: Viewer, session: Session
) -> Candidate:
    """Add a candidate to an open opening (the opening's hiring manager or an admin)."""
    _open_for_candidates(opening_id, viewer, session)
    if _taken_emails(opening_id, [data.email], session):
        raise Conflict("That candidate is already on this opening.", {"email": ["is taken"]})
    candidate = _stage_candidate(opening_id, data, viewer, session)
    session.commit()
    return candidate


def add_candidates(
    opening_id: int, rows: Sequence[CandidateCreate], *, viewer: Viewer, session: Session
) -> list[Candidate]:
    """Add many candidates in one transaction: all of them, or (on any problem) none.

    A problem names the row by its index in `rows` (`rows.<i>.email`), so an upload page can
    point at the line of the file.
    """
    _open_for_candidates(opening_id, viewer, session)
    if not rows:
        raise InvalidInput({"rows": ["there are no candidates to add"]})
    taken = _taken_emails(opening_id, [r.email for r in rows], session)
    problems: dict[str, list[str]] = {}
    first_row: dict[str, int] = {}
    for index, row in enumerate(rows):
        if row.email in taken:
            problems[f"rows.{index}.email"] = [f"{row.email} is already on this opening"]
        elif row.email in first_row:
            problems[f"rows.{index}.email"] = [
                f"{row.email} is also in row {first_row[row.email] + 1} of the list"
            ]
        first_row.setdefault(row.email, index)
    if problems:
        raise Conflict("Some candidates could not be added; nothing was added.", problems)
    added = [_stage_candidate(opening_id, row, viewer, session) for row in rows]
    session.commit()
    return added


def set_status(
    candidate_id: int, status: str, *, viewer: Viewer, session: Session, note: str = ""
) -> Candidate:
    """Move a candidate through the pipeline: a recorded human decision, never the rank's."""
    candidate = get_candidate_row(candidate_id, viewer=viewer, session=session, for_update=True)
    opening = get_opening_row(candidate.opening_id, viewer=viewer, session=session)
    if not manages(opening, viewer):
        raise Forbidden()
    from hiring.openings.models import CANDIDATE_STATUSES

    if status not in CANDIDATE_STATUSES:
        raise InvalidInput({"status": [f"must be one of {', '.join(CANDIDATE_STATUSES)}"]})
    # A NUL would fail on PostgreSQL's text columns (a 500); other controls garble the history.
    if has_control(note, line_breaks=True):
        raise InvalidInput({"note": ["must not contain control characters"]})
    if len(note) > 2000:
        raise InvalidInput({"note": ["must be at most 2000 characters"]})
    if status == candidate.status:
        return candidate
    if status == "withdrawn" and candidate.member_id is not None:
        # Once on the team, stepping back is leaving the team: their team record says so
        # (marked as left, or an end date), where the forecast and the history can see it.
        raise Conflict(
            f"{candidate.name} is on the team already: mark them as left on their team "
            "record instead.",
            {"status": ["a hire on the team cannot withdraw: mark them as left on the team"]},
        )
    session.add(
        StatusChange(
            candidate_id=candidate_id,
            old_status=candidate.status,
            new_status=status,
            note=note,
            changed_by_id=viewer.id,
        )
    )
    audit.record(
        session,
        viewer,
        "candidate.status",
        "candidate",
        candidate_id,
        f"{candidate.status} -> {status}" + (f": {note[:200]}" if note else ""),
    )
    candidate.status = status
    candidate.version += 1
    candidate.updated_at = utcnow()
    session.add(candidate)
    session.commit()
    return candidate


def update_candidate(
    candidate_id: int, data: CandidateUpdate, *, viewer: Viewer, session: Session
) -> Candidate:
    """Change a candidate's status (with a note) and their first possible day, all or nothing
    (the API's `PATCH /candidates/{id}`, and the candidate page's first-possible-day form); only
    the opening's hiring manager or an admin. The status goes through `set_status`, as the
    page's status form does, so the decision is recorded the same way (who, when, the note, an
    audit entry). Once the hire is on the team, their start date is their team record's."""
    candidate = get_candidate_row(candidate_id, viewer=viewer, session=session, for_update=True)
    opening = get_opening_row(candidate.opening_id, viewer=viewer, session=session)
    if not manages(opening, viewer):
        raise Forbidden()
    sent = data.model_fields_set
    if "note" in sent and data.status is None:
        raise InvalidInput({"note": ["goes with a status change: send the status too"]})
    if "available_from" in sent and data.available_from != candidate.available_from:
        if candidate.member_id is not None:
            # The team record carries the start date from the hire on; two dates would differ.
            raise Conflict(
                "They are on the team already: change the start date on their team record.",
                {"available_from": ["is kept on their team record since the hire"]},
            )
        audit.record(
            session,
            viewer,
            "candidate.available_from",
            "candidate",
            candidate_id,
            f"{candidate.available_from or 'none'} -> {data.available_from or 'none'}",
        )
        candidate.available_from = data.available_from
        candidate.version += 1
        candidate.updated_at = utcnow()
        session.add(candidate)
        session.flush()  # `set_status` reads the row afresh
    if data.status is not None:
        set_status(candidate_id, data.status, viewer=viewer, session=session, note=data.note or "")
    session.commit()
    return candidate


def status_history(candidate_id: int, *, session: Session) -> list[tuple[StatusChange, str]]:
    """The candidate's moves through the pipeline with who made each, oldest first."""
    rows = session.exec(
        select(StatusChange, User.email)
        .outerjoin(User, col(User.id) == StatusChange.changed_by_id)
        .where(StatusChange.candidate_id == candidate_id)
        .order_by(col(StatusChange.changed_at), col(StatusChange.id))
    ).all()
    return [(change, email or "") for change, email in rows]


def interviewers(*, session: Session) -> list[User]:
    """Active users who can sit on a panel, for the panel picker."""
    return list(
        session.exec(
            select(User)
            .where(
                col(User.active).is_(True),
                exists().where(
                    col(UserRole.user_id) == col(User.id), col(UserRole.role) == "interviewer"
                ),
            )
            .order_by(User.name)
        ).all()
    )
