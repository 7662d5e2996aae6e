"""An opening's interview structure: which areas each panelist covers, and when each panelist
meets each candidate.

A panel that splits the areas between its members covers every area in the time it has, instead
of three interviewers asking the same data engineering questions; so each seat gets focus areas,
and the panelist's scorecard opens on them. Interview dates put an interviewer's cards in the
order they fall due ("cards to write" sorts by them).

Who (the rules of `service`): anyone who sees an opening reads its panel's focus areas and its
candidates' interview dates, which say nothing of what any card says; only the opening's hiring
manager and admins change them, and only for someone who sits on the opening's panel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from hiring.accounts.models import User
from hiring.openings import audit
from hiring.openings.models import Candidate, Interview, Opening, PanelFocus, PanelSeat
from hiring.openings.service import (
    Viewer,
    get_candidate_row,
    get_opening_row,
    manages,
)
from team.areas import list_areas
from team.errors import Forbidden, InvalidInput
from team.models import Area, utcnow
from team.search import LIKE_ESCAPE, contains_pattern
from team.text import has_control

NOT_ON_PANEL = "is not on this opening's panel"


@dataclass(frozen=True)
class Seat:
    """One panelist of an opening and the areas they cover (keys, in display order)."""

    user_id: int
    email: str
    name: str
    focus: tuple[str, ...]


@dataclass(frozen=True)
class Slot:
    """One panelist's interview with one candidate; `scheduled_on` None: not set yet."""

    candidate_id: int
    user_id: int
    email: str
    name: str
    scheduled_on: date | None


def _seated(opening_id: int, session: Session) -> list[User]:
    """The opening's panelists by name (then email, so the order is the same every time)."""
    return list(
        session.exec(
            select(User)
            .join(PanelSeat, col(PanelSeat.user_id) == User.id)
            .where(PanelSeat.opening_id == opening_id)
            .order_by(func.lower(User.name), col(User.email))
        ).all()
    )


def _focus(
    opening_id: int,
    session: Session,
    user_id: int | None = None,
    areas: Sequence[Area] | None = None,
) -> dict[int, list[str]]:
    """Area keys per panelist of the opening (only current seats), in the areas' order
    (`areas`: the areas, when the caller has read them already)."""
    known = list_areas(session=session) if areas is None else areas
    order = {area.id: (area.position, area.id, area.key) for area in known}
    query = (
        select(PanelFocus.user_id, PanelFocus.area_id)
        .join(
            PanelSeat,
            (col(PanelSeat.opening_id) == PanelFocus.opening_id)
            & (col(PanelSeat.user_id) == PanelFocus.user_id),
        )
        .where(PanelFocus.opening_id == opening_id)
    )
    if user_id is not None:
        query = query.where(PanelFocus.user_id == user_id)
    found: dict[int, list[tuple[int, int | None, str]]] = {}
    for seat_user, area_id in session.exec(query).all():
        if area_id in order:
            found.setdefault(seat_user, []).append(order[area_id])
    return {user: [key for *_, key in sorted(areas)] for user, areas in found.items()}


def panel_seats(opening_id: int, *, viewer: Viewer, session: Session) -> list[Seat]:
    """The opening's panel with each seat's focus areas (whoever may see the opening)."""
    get_opening_row(opening_id, viewer=viewer, session=session)
    focus = _focus(opening_id, session)
    return [
        Seat(u.id or 0, u.email, u.name, tuple(focus.get(u.id or 0, ())))
        for u in _seated(opening_id, session)
    ]


def focus_of(
    opening_id: int, user_id: int, *, session: Session, areas: Sequence[Area] | None = None
) -> tuple[str, ...]:
    """The area keys one panelist covers for the opening (none when not seated)."""
    return tuple(_focus(opening_id, session, user_id, areas).get(user_id, ()))


def _managed(
    opening_id: int, viewer: Viewer, session: Session, *, for_update: bool = False
) -> Opening:
    """The opening, if the viewer may see it (else NotFound) and change it (else Forbidden);
    `for_update` locks it on PostgreSQL, so two changes to its panel's focus areas run one
    after the other instead of colliding on the same rows."""
    opening = get_opening_row(opening_id, viewer=viewer, session=session, for_update=for_update)
    if not manages(opening, viewer):
        raise Forbidden()
    return opening


def _panelist(opening_id: int, user_id: int, session: Session, field: str) -> User:
    """A user who sits on the opening's panel, else InvalidInput naming `field`."""
    user = session.get(User, user_id) if session.get(PanelSeat, (opening_id, user_id)) else None
    if user is None:
        raise InvalidInput({field: [NOT_ON_PANEL]}, f"That person {NOT_ON_PANEL}.")
    return user


def set_focus(
    opening_id: int, user_id: int, area_keys: Sequence[str], *, viewer: Viewer, session: Session
) -> Seat:
    """Give one panelist the areas they cover for the opening, replacing the previous ones
    (the opening's hiring manager or an admin); every key must be an area, the user a
    panelist. Audited with the old and the new areas."""
    _managed(opening_id, viewer, session, for_update=True)
    user = _panelist(opening_id, user_id, session, "user_id")
    areas = {area.key: area for area in list_areas(session=session)}
    unknown = sorted({key for key in area_keys if key not in areas})
    if unknown:
        raise InvalidInput({"areas": [f"{key!r} is not a known area" for key in unknown]})
    before = focus_of(opening_id, user_id, session=session)
    session.exec(
        delete(PanelFocus).where(
            col(PanelFocus.opening_id) == opening_id, col(PanelFocus.user_id) == user_id
        )
    )
    for key in dict.fromkeys(area_keys):
        session.add(PanelFocus(opening_id=opening_id, user_id=user_id, area_id=areas[key].id or 0))
    session.flush()
    after = focus_of(opening_id, user_id, session=session)
    audit.record(
        session,
        viewer,
        "panel.focus",
        "opening",
        opening_id,
        f"{user.email}: {', '.join(before) or 'none'} -> {', '.join(after) or 'none'}",
    )
    session.commit()
    return Seat(user_id, user.email, user.name, after)


def _dates(candidate_ids: Sequence[int], session: Session) -> dict[tuple[int, int], date]:
    """Interview dates by (candidate, panelist)."""
    if not candidate_ids:
        return {}
    rows = session.exec(select(Interview).where(col(Interview.candidate_id).in_(candidate_ids)))
    return {(row.candidate_id, row.interviewer_id): row.scheduled_on for row in rows.all()}


def candidate_interviews(candidate_id: int, *, viewer: Viewer, session: Session) -> list[Slot]:
    """The candidate's interviews, one per panelist of their opening (whoever may see it)."""
    candidate = get_candidate_row(candidate_id, viewer=viewer, session=session)
    dates = _dates([candidate_id], session)
    return [
        Slot(candidate_id, u.id or 0, u.email, u.name, dates.get((candidate_id, u.id or 0)))
        for u in _seated(candidate.opening_id, session)
    ]


def interview_day(candidate_id: int, user_id: int, *, session: Session) -> date | None:
    """The day this panelist interviews the candidate, if it is set."""
    row = session.get(Interview, (candidate_id, user_id))
    return row.scheduled_on if row else None


def schedule_interviews(
    candidate_id: int,
    dates: Mapping[int, date | None],
    *,
    viewer: Viewer,
    session: Session,
) -> list[Slot]:
    """Set (or, with None, clear) when each given panelist interviews the candidate: the
    opening's hiring manager or an admin; all or nothing. Every user must sit on the opening's
    panel (a problem is named by the user's id). Each change is audited, old and new."""
    candidate = get_candidate_row(candidate_id, viewer=viewer, session=session, for_update=True)
    _managed(candidate.opening_id, viewer, session)
    seated = {u.id: u for u in _seated(candidate.opening_id, session)}
    strangers = {str(user_id): [NOT_ON_PANEL] for user_id in dates if user_id not in seated}
    if strangers:
        raise InvalidInput(strangers, "Interviews are set only for the opening's panel.")
    stored = {
        row.interviewer_id: row
        for row in session.exec(
            select(Interview).where(Interview.candidate_id == candidate_id)
        ).all()
    }
    changes = []
    for user_id, day in dates.items():
        row = stored.get(user_id)
        old = row.scheduled_on if row else None
        if old == day:
            continue
        if day is None and row is not None:
            session.delete(row)
        elif row is not None and day is not None:
            row.scheduled_on, row.updated_at = day, utcnow()
            session.add(row)
        elif day is not None:
            session.add(
                Interview(candidate_id=candidate_id, interviewer_id=user_id, scheduled_on=day)
            )
        changes.append(f"{seated[user_id].email}: {old or 'none'} -> {day or 'none'}")
    if changes:
        audit.record(
            session, viewer, "interview.schedule", "candidate", candidate_id, "; ".join(changes)
        )
    session.commit()
    return candidate_interviews(candidate_id, viewer=viewer, session=session)


@dataclass(frozen=True)
class ScheduleRow:
    """One candidate of an opening with the day each panelist (by user id) interviews them."""

    candidate_id: int
    name: str
    status: str
    dates: dict[int, date]


def opening_schedule(
    opening_id: int,
    *,
    viewer: Viewer,
    session: Session,
    search: str = "",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ScheduleRow], int]:
    """A page of the opening's candidates by name (those whose name contains `search`) with
    their interview dates, and how many match in all: two queries whatever the page's size.
    Names, statuses and dates only, so nothing here depends on what a card says."""
    get_opening_row(opening_id, viewer=viewer, session=session)
    if has_control(search):  # no name holds one, and PostgreSQL refuses a NUL in a query
        return [], 0
    query = select(Candidate.id, Candidate.name, Candidate.status).where(
        Candidate.opening_id == opening_id
    )
    if search:
        pattern = contains_pattern(search)
        query = query.where(func.lower(Candidate.name).like(pattern, escape=LIKE_ESCAPE))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = session.exec(
        query.order_by(func.lower(Candidate.name), col(Candidate.id)).limit(limit).offset(offset)
    ).all()
    by_candidate: dict[int, dict[int, date]] = {}
    for (candidate_id, user_id), day in _dates([row[0] or 0 for row in page], session).items():
        by_candidate.setdefault(candidate_id, {})[user_id] = day
    rows = [
        ScheduleRow(candidate_id or 0, name, status, by_candidate.get(candidate_id or 0, {}))
        for candidate_id, name, status in page
    ]
    return rows, total


@dataclass(frozen=True)
class PanelScreen:
    """The panel page for one viewer: the seats with their focus areas, a page of candidates
    with their interview dates, and whether the viewer may change them."""

    opening: Opening
    areas: tuple[Area, ...]
    seats: tuple[Seat, ...]
    schedule: tuple[ScheduleRow, ...]
    total: int
    manager: bool

    @property
    def area_names(self) -> dict[str, str]:
        """Each area's name by key, to name a seat's focus areas."""
        return {area.key: area.name for area in self.areas}


def panel_screen(
    opening_id: int,
    *,
    viewer: Viewer,
    session: Session,
    search: str = "",
    limit: int = 50,
    offset: int = 0,
) -> PanelScreen:
    """Everything the panel page shows (NotFound when the viewer may not see the opening)."""
    opening = get_opening_row(opening_id, viewer=viewer, session=session)
    rows, total = opening_schedule(
        opening_id, viewer=viewer, session=session, search=search, limit=limit, offset=offset
    )
    return PanelScreen(
        opening=opening,
        areas=tuple(list_areas(session=session)),
        seats=tuple(panel_seats(opening_id, viewer=viewer, session=session)),
        schedule=tuple(rows),
        total=total,
        manager=manages(opening, viewer),
    )


@dataclass(frozen=True)
class ScheduleScreen:
    """The interview dates page of one candidate, for the opening's manager: each panelist's
    date and the names of the areas they cover."""

    candidate: Candidate
    opening: Opening
    slots: tuple[Slot, ...]
    focus: dict[int, tuple[str, ...]]  # area names per panelist's user id


def schedule_screen(candidate_id: int, *, viewer: Viewer, session: Session) -> ScheduleScreen:
    """What the interview dates page shows: NotFound when the viewer may not see the
    candidate, Forbidden when they may not change the opening."""
    candidate = get_candidate_row(candidate_id, viewer=viewer, session=session)
    opening = _managed(candidate.opening_id, viewer, session)
    names = {a.key: a.name for a in list_areas(session=session)}
    focus = _focus(opening.id or 0, session)
    return ScheduleScreen(
        candidate=candidate,
        opening=opening,
        slots=tuple(candidate_interviews(candidate_id, viewer=viewer, session=session)),
        focus={user: tuple(names[k] for k in keys) for user, keys in focus.items()},
    )
