"""interview structure: panel focus areas, interview dates, level meanings and questions per area

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Four new tables and nothing altered: the same statements on SQLite and PostgreSQL.
    op.create_table(
        "panel_focus",
        sa.Column("opening_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["opening_id"], ["opening.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"]),
        sa.PrimaryKeyConstraint("opening_id", "user_id", "area_id"),
    )
    op.create_table(
        "interview",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidate.id"]),
        sa.ForeignKeyConstraint(["interviewer_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("candidate_id", "interviewer_id"),
    )
    op.create_index("ix_interview_interviewer_id", "interview", ["interviewer_id"])
    op.create_table(
        "area_level_meaning",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("meaning", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"]),
        sa.PrimaryKeyConstraint("area_id", "level"),
    )
    op.create_table(
        "area_question",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"]),
        sa.PrimaryKeyConstraint("area_id", "position"),
    )


def downgrade() -> None:
    op.drop_table("area_question")
    op.drop_table("area_level_meaning")
    op.drop_index("ix_interview_interviewer_id", table_name="interview")
    op.drop_table("interview")
    op.drop_table("panel_focus")
