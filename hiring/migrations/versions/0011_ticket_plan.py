"""a work item's assignee, and the published ticket plan (MODEL.md, "The ticket plan")

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("work_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_work_item_assignee_id_member", "member", ["assignee_id"], ["id"]
        )
        batch_op.create_index("ix_work_item_assignee_id", ["assignee_id"])
    op.create_table(
        "plan_publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=254), nullable=False, server_default=""),
        sa.Column("plan_start", sa.Date(), nullable=False),
        sa.Column("finish_weeks", sa.Float(), nullable=True),
        sa.Column("finish_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_publication_published_at", "plan_publication", ["published_at"])
    op.create_table(
        "plan_assignment",
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("work_item_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("finish_weeks", sa.Float(), nullable=True),
        sa.Column("finish_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["publication_id"], ["plan_publication.id"]),
        sa.PrimaryKeyConstraint("publication_id", "work_item_id"),
    )


def downgrade() -> None:
    op.drop_table("plan_assignment")
    op.drop_index("ix_plan_publication_published_at", table_name="plan_publication")
    op.drop_table("plan_publication")
    with op.batch_alter_table("work_item", schema=None) as batch_op:
        batch_op.drop_index("ix_work_item_assignee_id")
        batch_op.drop_constraint("fk_work_item_assignee_id_member", type_="foreignkey")
        batch_op.drop_column("assignee_id")
