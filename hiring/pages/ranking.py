"""The ranking page: an opening's candidates by the weeks they would save, each explained."""

from __future__ import annotations

import math

from flask import Blueprint, Response, render_template

from hiring.access import allow
from hiring.db import get_session
from hiring.openings.models import RECOMMENDATION_NAMES
from hiring.openings.rankings import READERS, opening_ranking
from team.csvio import encode_download, write_table

bp = Blueprint("ranking", __name__, url_prefix="/openings")


@bp.route("/<int:opening_id>/ranking")
@allow(*READERS)
def show(opening_id: int):
    """Candidates in MODEL.md's order: rubric first, then forecast with them; rows open into
    the forecast without and with them, where they would work, and who said what."""
    from flask_login import current_user

    result = opening_ranking(opening_id, viewer=current_user, session=get_session())
    return render_template("ranking/show.html", result=result, recommendations=RECOMMENDATION_NAMES)


@bp.route("/<int:opening_id>/ranking.csv")
@allow(*READERS)
def download(opening_id: int):
    """The ranking table as CSV, for a spreadsheet (cells neutralised against formulas)."""
    from flask_login import current_user

    result = opening_ranking(opening_id, viewer=current_user, session=get_session())
    keys = [a.key for a in result.areas]
    header = ["rank", "name", "verdict", "reason", *keys, "forecast_weeks", "weeks_saved"]
    rows = [
        [
            str(e.rank),
            e.name,
            e.rubric.verdict,
            e.rubric.reason,
            *("" if e.levels.get(k) is None else f"{e.levels[k]:g}" for k in keys),
            f"{e.forecast_weeks:.6g}" if math.isfinite(e.forecast_weeks) else "",
            "" if e.weeks_saved is None else f"{e.weeks_saved:.6g}",
        ]
        for e in result.ranking.entries
    ]
    return Response(
        encode_download(write_table(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=ranking-{opening_id}.csv"},
    )
