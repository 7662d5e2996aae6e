"""the calendar's settings and the team's holidays

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 05:20:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Existing settings rows get MODEL.md's defaults, as a new workspace does.
DEFAULTS: dict[str, tuple[Any, str]] = {
    "ramp_weeks": (sa.Integer(), "12"),
    "ramp_start": (sa.Float(), "0.25"),
    "mentoring_fte": (sa.Float(), "0.2"),
    "mentoring_weeks": (sa.Integer(), "8"),
    "notice_weeks": (sa.Integer(), "4"),
    "horizon_weeks": (sa.Integer(), "520"),
}


def upgrade() -> None:
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_start", sa.Date(), nullable=True))
        for name, (kind, default) in DEFAULTS.items():
            batch_op.add_column(
                sa.Column(name, kind, nullable=False, server_default=sa.text(default))
            )
    op.create_table(
        "holiday", sa.Column("day", sa.Date(), nullable=False), sa.PrimaryKeyConstraint("day")
    )


def downgrade() -> None:
    op.drop_table("holiday")
    with op.batch_alter_table("settings", schema=None) as batch_op:
        for name in reversed(DEFAULTS):
            batch_op.drop_column(name)
        batch_op.drop_column("plan_start")
