"""when each interviewer took their panel seat

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 05:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Seats taken before this revision stay null: their time was never kept.
    with op.batch_alter_table("panel_seat", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("seated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("panel_seat", schema=None) as batch_op:
        batch_op.drop_column("seated_at")
