"""failed logins, for throttling

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failure_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_failure_address"), ["address"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_failure_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failure_at"))
        batch_op.drop_index(batch_op.f("ix_login_failure_address"))
        batch_op.drop_index(batch_op.f("ix_login_failure_email"))
    op.drop_table("login_failure")
