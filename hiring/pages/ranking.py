"""The ranking page: an opening's candidates by the weeks they would save, each explained."""

from __future__ import annotations

import math
from collections.abc import Iterator

from flask import Blueprint, Response, current_app, request, stream_template
from flask_wtf.csrf import generate_csrf

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

    every_row = request.args.get("rows") == "all"
    top = current_app.config["RANKING_TOP_ROWS"]
    result = opening_ranking(
        opening_id,
        viewer=current_user,
        session=get_session(),
        explain=None if every_row else top,
    )
    # Streamed in blocks: rendered whole, 10,000 explained candidates are a 25 MB string built
    # from over a million pieces, which took a worker's peak memory near 300 MB. The page's CSRF
    # token is made first, because the session cookie is sent before the body.
    generate_csrf()
    entries = result.ranking.entries
    pieces = stream_template(
        "ranking/show.html",
        result=result,
        shown=entries if every_row else entries[:top],
        recommendations=RECOMMENDATION_NAMES,
    )
    return Response(_in_blocks(pieces), mimetype="text/html")


def _in_blocks(pieces: Iterator[str], size: int = 256 * 1024) -> Iterator[str]:
    """Join a template's many small pieces into blocks of about `size` characters, so that the
    server writes a few large chunks rather than a million small ones."""
    block: list[str] = []
    length = 0
    for piece in pieces:
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(block)
            block, length = [], 0
    if block:
        yield "".join(block)


@bp.route("/<int:opening_id>/ranking.csv")
@allow(*READERS)
def download(opening_id: int):
    """The ranking table as CSV, for a spreadsheet (cells neutralised against formulas)."""
    from flask_login import current_user

    result = opening_ranking(opening_id, viewer=current_user, session=get_session(), explain=0)
    keys = [a.key for a in result.areas]
    header = [
        "rank",
        "name",
        "verdict",
        "reason",
        *keys,
        "start_date",
        "forecast_weeks",
        "finish_date",
        "weeks_saved",
        "weeks_saved_low",
        "weeks_saved_high",
    ]
    rows = [
        [
            str(e.rank),
            e.name,
            e.rubric.verdict,
            e.rubric.reason,
            *("" if e.levels.get(k) is None else f"{e.levels[k]:g}" for k in keys),
            e.start.isoformat() if e.start else "",
            f"{e.forecast_weeks:.6g}" if math.isfinite(e.forecast_weeks) else "",
            e.finish_date.isoformat() if e.finish_date else "",
            *(
                "" if v is None else f"{v:.6g}"
                for v in (e.weeks_saved, e.weeks_saved_low, e.weeks_saved_high)
            ),
        ]
        for e in result.ranking.entries
    ]
    return Response(
        encode_download(write_table(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=ranking-{opening_id}.csv"},
    )
