"""What the levels mean in each area, and the questions that draw them out: the interview guide.

MODEL.md gives each level one meaning for every area. "Strong" looks different in ML research and
in data engineering, though, and two interviewers who read "does hard work alone" differently rate
the same person a level apart. So an admin may say what each level means in each area, and
suggest up to five questions per area; the scorecard form shows both beside the rating controls.

A level nobody wrote a meaning for keeps MODEL.md's, which is never copied into the database:
the defaults stay in `team.levels`, and an area keeps following them until an admin writes its
own. Writing the default's exact words back makes a level follow the default again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from hiring.openings import audit
from hiring.openings.interview_schemas import GuideIn, GuidePublic
from hiring.openings.models import AreaLevelMeaning, AreaQuestion
from hiring.openings.service import Viewer
from team.areas import KEY_PATTERN, list_areas
from team.errors import Forbidden, NotFound
from team.levels import LEVEL_MEANINGS, LEVEL_NAMES
from team.models import Area


@dataclass(frozen=True)
class AreaGuide:
    """One area's guide as pages and the API show it: every level's meaning, and the questions."""

    area_id: int
    key: str
    name: str
    meanings: tuple[str, ...]  # levels 0-4, the admin's words or MODEL.md's
    edited: tuple[bool, ...]  # per level, whether the meaning is the admin's
    questions: tuple[str, ...]

    @property
    def levels(self) -> tuple[tuple[int, str, str, bool], ...]:
        """(level, name, meaning, edited) for each level, for a legend beside a rating."""
        return tuple(
            (level, LEVEL_NAMES[level], meaning, self.edited[level])
            for level, meaning in enumerate(self.meanings)
        )

    def public(self) -> GuidePublic:
        """The API's view of the guide."""
        return GuidePublic(
            area=self.key,
            name=self.name,
            levels={str(level): meaning for level, meaning in enumerate(self.meanings)},
            edited=[level for level, mine in enumerate(self.edited) if mine],
            questions=list(self.questions),
        )


def _guide(area: Area, meanings: dict[int, str], questions: list[str]) -> AreaGuide:
    """An area's guide from its stored rows, MODEL.md's meanings filling the levels left out."""
    return AreaGuide(
        area_id=area.id or 0,
        key=area.key,
        name=area.name,
        meanings=tuple(meanings.get(n, default) for n, default in enumerate(LEVEL_MEANINGS)),
        edited=tuple(level in meanings for level in range(len(LEVEL_MEANINGS))),
        questions=tuple(questions),
    )


def area_guides(*, session: Session, areas: Sequence[Area] | None = None) -> dict[str, AreaGuide]:
    """Every area's guide by key, in the areas' display order: three queries for all areas
    (two when the caller has the areas already)."""
    meanings: dict[int, dict[int, str]] = {}
    for row in session.exec(select(AreaLevelMeaning)).all():
        meanings.setdefault(row.area_id, {})[row.level] = row.meaning
    questions: dict[int, list[str]] = {}
    for question in session.exec(select(AreaQuestion).order_by(col(AreaQuestion.position))).all():
        questions.setdefault(question.area_id, []).append(question.text)
    return {
        area.key: _guide(area, meanings.get(area.id or 0, {}), questions.get(area.id or 0, []))
        for area in (list_areas(session=session) if areas is None else areas)
    }


def _area(key: str, session: Session) -> Area:
    """The area with this key, or NotFound. A key that cannot be one (e.g. with a NUL, which
    PostgreSQL refuses in a query) is not looked up."""
    if not KEY_PATTERN.match(key):
        raise NotFound("no such area")
    area = session.exec(select(Area).where(Area.key == key)).first()
    if area is None:
        raise NotFound("no such area")
    return area


def area_guide(key: str, *, session: Session) -> AreaGuide:
    """One area's guide (anyone may read it: it is how the team rates, not a rating)."""
    area = _area(key, session)
    meanings = {
        row.level: row.meaning
        for row in session.exec(
            select(AreaLevelMeaning).where(AreaLevelMeaning.area_id == area.id)
        ).all()
    }
    questions = session.exec(
        select(AreaQuestion.text)
        .where(AreaQuestion.area_id == area.id)
        .order_by(col(AreaQuestion.position))
    ).all()
    return _guide(area, meanings, list(questions))


def set_area_guide(key: str, data: GuideIn, *, viewer: Viewer, session: Session) -> AreaGuide:
    """Replace an area's guide (admins only): its level meanings and its questions, audited.

    `data` is already checked for shape (non-empty, bounded, at most five questions); a meaning
    equal to MODEL.md's is stored as no meaning, so the level follows the default again.
    """
    if not viewer.has_role("admin"):
        raise Forbidden()
    area = _area(key, session)
    before = area_guide(key, session=session)
    written = {
        int(level): meaning
        for level, meaning in data.levels.items()
        if meaning != LEVEL_MEANINGS[int(level)]
    }
    area_id = area.id or 0
    session.exec(delete(AreaLevelMeaning).where(col(AreaLevelMeaning.area_id) == area_id))
    session.exec(delete(AreaQuestion).where(col(AreaQuestion.area_id) == area_id))
    for level, meaning in sorted(written.items()):
        session.add(AreaLevelMeaning(area_id=area_id, level=level, meaning=meaning))
    for position, text in enumerate(data.questions, start=1):
        session.add(AreaQuestion(area_id=area_id, position=position, text=text))
    after = _guide(area, written, list(data.questions))
    audit.record(session, viewer, "area.guide", "area", area_id, _changes(before, after))
    session.commit()
    return after


def _changes(before: AreaGuide, after: AreaGuide) -> str:
    """What an edit changed, for the audit log: each level whose meaning moved, and the
    questions when they did (the log keeps the old words, which the tables do not)."""
    parts = [f"{after.key}:"]
    for level, (old, new) in enumerate(zip(before.meanings, after.meanings, strict=True)):
        if old != new:
            parts.append(f"level {level} {old!r} -> {new!r};")
    if before.questions != after.questions:
        parts.append(f"questions {list(before.questions)!r} -> {list(after.questions)!r}")
    return " ".join(parts) if len(parts) > 1 else f"{after.key}: nothing changed"
