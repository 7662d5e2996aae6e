"""The compare page: two to four candidates of an opening side by side (`openings.compare`).

Reached from the ranking page's ticked rows ("Compare selected") and its links. The page is
for those who may read the ranking, and shows what the ranking would show them. Opened with no
candidates it offers the ranking's candidates to tick; a wrong list is told on the page, with
the same choice below it, never a crash.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from hiring.access import allow
from hiring.db import get_session
from hiring.openings import compare as comparing
from hiring.openings import service
from hiring.openings.models import RECOMMENDATION_NAMES
from hiring.openings.rankings import PAGE_STATUSES, READERS, opening_ranking
from hiring.pages.hiring_forms import CANDIDATE_STATUS_NAMES
from hiring.pages.range_bars import scale_of
from team.errors import InvalidInput, NotFound

bp = Blueprint("compare", __name__, url_prefix="/openings")


def _choose(
    opening_id: int, problem: str = "", details: list[str] | None = None, status: int = 200
) -> tuple[str, int]:
    """The page without a comparison: the ranking's candidates to tick (their ranges are not
    needed here), under the problem with the list asked for, if any."""
    db = get_session()
    opening = service.get_opening_row(opening_id, viewer=current_user, session=db)
    choices = opening_ranking(
        opening_id,
        viewer=current_user,
        session=db,
        explain=0,
        statuses=PAGE_STATUSES,
        ranges_for=(),
    )
    return render_template(
        "compare/show.html",
        opening=opening,
        result=None,
        choices=choices,
        problem=problem,
        details=details or [],
        statuses=CANDIDATE_STATUS_NAMES,
    ), status


@bp.route("/<int:opening_id>/compare")
@allow(*READERS)
def show(opening_id: int):
    """`?c=<id>&c=<id>...`: levels with the panel's range, who said what, the forecast with
    each and with all of them. Without `c`, the candidates to choose from; a list that is too
    short, too long, repeats someone or names someone else's candidate answers 400 or 404
    with the reason on the page."""
    db = get_session()
    service.get_opening_row(opening_id, viewer=current_user, session=db)  # 404 first
    asked = request.args.getlist("c")
    if not asked:
        return _choose(opening_id)
    try:
        result = comparing.compare(opening_id, asked, viewer=current_user, session=db)
    except InvalidInput as error:
        return _choose(opening_id, error.message, error.fields.get("c", []), 400)
    except NotFound as error:
        return _choose(opening_id, str(error), [], 404)
    scale = scale_of(c.entry for c in result.shown if c.entry)
    return render_template(
        "compare/show.html",
        opening=result.opening,
        result=result,
        bars={c.id: scale.bar(c.entry) for c in result.shown if c.entry},
        statuses=CANDIDATE_STATUS_NAMES,
        recommendations=RECOMMENDATION_NAMES,
    )
