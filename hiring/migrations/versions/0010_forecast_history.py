"""the forecast's history: every change to its inputs from now on, and a baseline of them as
they are (history begins with this revision)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 11:10:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "input_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_input_change_at", "input_change", ["at"])
    _baseline(op.get_bind())


def _iso(value: object) -> str | None:
    return None if value is None else str(value)[:10]


def _baseline(connection: sa.Connection) -> None:
    """What the inputs are now, as `team.history` records them, so that the first day of
    history has all of them (frozen here as this revision's shape)."""
    now = datetime.now(UTC)
    rows: list[dict] = []
    for id_, title, area_id, points, status in connection.execute(
        sa.text("SELECT id, title, area_id, points, status FROM work_item")
    ):
        state = {"title": title, "area_id": area_id, "points": points, "status": status}
        rows.append({"kind": "work_item", "subject_id": id_, "state": state})
    for id_, name, fte, start, end, left_at in connection.execute(
        sa.text("SELECT id, name, fte, start_date, end_date, left_at FROM member")
    ):
        state = {
            "name": name,
            "fte": fte,
            "start_date": _iso(start),
            "end_date": _iso(end),
            "left": left_at is not None,
        }
        rows.append({"kind": "member", "subject_id": id_, "state": state})
    for id_, member_id, start, end, note in connection.execute(
        sa.text('SELECT id, member_id, start, "end", note FROM absence')
    ):
        state = {"member_id": member_id, "start": _iso(start), "end": _iso(end), "note": note}
        rows.append({"kind": "absence", "subject_id": id_, "state": state})
    for (day,) in connection.execute(sa.text("SELECT day FROM holiday")):
        iso = _iso(day)
        ordinal = datetime.fromisoformat(iso).toordinal() if iso else None
        rows.append({"kind": "holiday", "subject_id": ordinal, "state": {"day": iso}})
    settings = connection.execute(
        sa.text(
            "SELECT points_per_week, velocity_0, velocity_1, velocity_2, velocity_3, "
            "velocity_4, plan_start, ramp_weeks, ramp_start, mentoring_fte, mentoring_weeks, "
            "notice_weeks, horizon_weeks FROM settings WHERE id = 1"
        )
    ).first()
    if settings is not None:
        state = {
            "points_per_week": settings[0],
            "velocities": list(settings[1:6]),
            "plan_start": _iso(settings[6]),
            "ramp_weeks": settings[7],
            "ramp_start": settings[8],
            "mentoring_fte": settings[9],
            "mentoring_weeks": settings[10],
            "notice_weeks": settings[11],
            "horizon_weeks": settings[12],
        }
        rows.append({"kind": "settings", "subject_id": 1, "state": state})
    if rows:
        table = sa.table(
            "input_change",
            sa.column("at", sqlmodel.sql.sqltypes.UTCDateTime()),
            sa.column("kind", sa.String()),
            sa.column("subject_id", sa.Integer()),
            sa.column("state", sa.JSON()),
        )
        connection.execute(sa.insert(table), [row | {"at": now} for row in rows])


def downgrade() -> None:
    op.drop_index("ix_input_change_at", table_name="input_change")
    op.drop_table("input_change")
