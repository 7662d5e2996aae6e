"""one email per opening

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 03:28:15.107661
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_candidate_opening_email", ["opening_id", "email"])


def downgrade() -> None:
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_constraint("uq_candidate_opening_email", type_="unique")
