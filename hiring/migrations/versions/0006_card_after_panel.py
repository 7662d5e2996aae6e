"""scorecards marked when corrected after reading the panel

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Cards submitted before this revision were never marked: false, as they were shown.
    with op.batch_alter_table("scorecard", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("after_panel", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("scorecard", schema=None) as batch_op:
        batch_op.drop_column("after_panel")
