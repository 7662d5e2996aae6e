"""The ranking page: an opening's candidates by the weeks they would save, each explained."""

from __future__ import annotations

from flask import Blueprint, render_template

from hiring.access import allow
from hiring.db import get_session
from hiring.openings.models import RECOMMENDATION_NAMES
from hiring.openings.rankings import READERS, opening_ranking

bp = Blueprint("ranking", __name__, url_prefix="/openings")


@bp.route("/<int:opening_id>/ranking")
@allow(*READERS)
def show(opening_id: int):
    """Candidates in MODEL.md's order: rubric first, then forecast with them; rows open into
    the forecast without and with them, where they would work, and who said what."""
    from flask_login import current_user

    result = opening_ranking(opening_id, viewer=current_user, session=get_session())
    return render_template("ranking/show.html", result=result, recommendations=RECOMMENDATION_NAMES)
