"""The independence rule, stated once: what a viewer may read of an opening's panel cards.

Interviewers rate a candidate without reading the panel first, or their card echoes the others'.
The rule is about the person's relation to the opening, never their roles alone (DESIGN.md):

- someone who may see the opening and does not sit on its panel (its hiring manager, leadership,
  admins) reads everything: every submitted card, the levels and verdicts made of them, the
  ranking;
- someone on the panel reads, for each candidate, nothing derived from the others' cards
  (ratings, medians, verdicts, weeks saved, rank position, CSV cells, audit entries, counts)
  until their own card for that candidate is submitted. The opening's own hiring manager on its
  panel still reads the ranking, with those candidates left out of it and listed apart; any
  other panelist, whatever roles they hold, reads no ranking;
- everyone else does not see the opening at all (`service.get_opening_row`: 404).

Pages, the API, the ranking, every CSV and the audit log ask this module and get already-masked
data back; no view or template decides it. `Sight` is the answer for one viewer and one opening.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, exists, not_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from hiring.openings.models import AuditEntry, Candidate, Opening, PanelSeat, Scorecard
from hiring.rubric import verdict

if TYPE_CHECKING:  # Both modules ask this one, so it imports them for their types only.
    from hiring.openings.candidates import Assessment
    from hiring.openings.service import Viewer

# Roles that may read an opening's ranking at all; a panelist also needs to own the opening.
RANK_ROLES = ("admin", "leadership", "hiring_manager")


@dataclass(frozen=True)
class Sight:
    """What one viewer may read of one opening's cards (see the module's docstring)."""

    opening_id: int
    on_panel: bool
    may_rank: bool
    # Candidates of the opening this viewer has submitted a card for (only asked when on_panel).
    submitted: frozenset[int]

    def reads(self, candidate_id: int) -> bool:
        """Whether the viewer may read what the panel's cards say of this candidate."""
        return not self.on_panel or candidate_id in self.submitted

    def hides(self, candidate_id: int) -> bool:
        """The opposite of `reads`: the candidate's cards, levels, verdict and place are hidden."""
        return not self.reads(candidate_id)


def reads_off_panel(opening: Opening, viewer: Viewer) -> bool:
    """Whether the viewer reads every card of the opening whenever they are off its panel:
    admins, leadership, and the opening's own hiring manager."""
    owner = opening.hiring_manager_id == viewer.id and viewer.has_role("hiring_manager")
    return viewer.has_role("admin", "leadership") or owner


def sight(opening: Opening, viewer: Viewer, session: Session) -> Sight:
    """The viewer's sight of an opening they may see (the caller has checked that): two
    queries whatever the number of candidates."""
    opening_id = opening.id or 0
    on_panel = session.get(PanelSeat, (opening_id, viewer.id)) is not None
    submitted: frozenset[int] = frozenset()
    if on_panel:
        submitted = frozenset(
            session.exec(
                select(Scorecard.candidate_id)
                .join(Candidate, col(Candidate.id) == Scorecard.candidate_id)
                .where(
                    Candidate.opening_id == opening_id,
                    Scorecard.interviewer_id == viewer.id,
                    col(Scorecard.submitted_at).is_not(None),
                )
                .distinct()
            ).all()
        )
    owner = opening.hiring_manager_id == viewer.id
    may_rank = reads_off_panel(opening, viewer) and (not on_panel or owner)
    return Sight(opening_id=opening_id, on_panel=on_panel, may_rank=may_rank, submitted=submitted)


def masked(assessment: Assessment) -> Assessment:
    """An assessment with everything the panel's cards say taken out: every level unknown, the
    verdict that no cards give ("incomplete"), no cards. One other card's median is that card,
    so the levels and verdict are hidden as the cards are."""
    unknown: dict[str, float | None] = dict.fromkeys(assessment.levels)
    return replace(
        assessment,
        levels=unknown,
        rubric=verdict(unknown, {key: key for key in unknown}),
        cards=(),
        unrated=tuple(unknown),
        hidden=True,
    )


def as_seen(assessments: Iterable[Assessment], seen: Sight) -> list[Assessment]:
    """Each assessment as this viewer may see it: whole, or `masked`."""
    return [a if seen.reads(a.candidate.id or 0) else masked(a) for a in assessments]


def hidden_from(viewer: Viewer) -> ColumnElement[bool]:
    """A condition on `Scorecard` rows: the card is of a candidate whose opening's panel the
    viewer sits on, and the viewer has not submitted their own card for that candidate (so
    everything about that candidate's cards is hidden from them, in any opening at once)."""
    # An alias: the viewer's own cards, apart from the `Scorecard` rows being filtered.
    own = aliased(Scorecard)
    own_submitted = (
        exists()
        .where(
            col(own.candidate_id) == Candidate.id,
            col(own.interviewer_id) == viewer.id,
            col(own.submitted_at).is_not(None),
        )
        .correlate(Candidate)
    )
    seated = (
        exists()
        .where(
            col(PanelSeat.opening_id) == Candidate.opening_id,
            col(PanelSeat.user_id) == viewer.id,
        )
        .correlate(Candidate)
    )
    hidden_candidates = select(Candidate.id).where(seated, not_(own_submitted))
    return col(Scorecard.candidate_id).in_(hidden_candidates.scalar_subquery())


def audit_filter(viewer: Viewer) -> ColumnElement[bool]:
    """A condition on `AuditEntry` rows: not an entry about a card the viewer may not read.

    Cards are audited by card id, so an entry is left out when its card is of a hidden
    candidate: even "someone submitted" is a count the rule keeps back."""
    hidden_card = select(Scorecard.id).where(hidden_from(viewer))
    return not_(
        and_(
            col(AuditEntry.subject_type) == "scorecard",
            col(AuditEntry.subject_id).in_(hidden_card.scalar_subquery()),
        )
    )
