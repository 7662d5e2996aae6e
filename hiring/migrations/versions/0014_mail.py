"""email: the kinds of mail each user turned off, the days a scorecard has before it is
overdue, and the overdue-card reminders already sent

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every user, old and new, gets every kind of mail until they turn it off on their profile.
    op.create_table(
        "mail_opt_out",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("user_id", "kind"),
    )
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("card_due_days", sa.Integer(), nullable=False, server_default=sa.text("2"))
        )
    op.create_table(
        "reminder_sent",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=False),
        sa.Column("interview_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidate.id"]),
        sa.ForeignKeyConstraint(["interviewer_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("candidate_id", "interviewer_id", "interview_on"),
    )


def downgrade() -> None:
    op.drop_table("reminder_sent")
    with op.batch_alter_table("settings", schema=None) as batch_op:
        batch_op.drop_column("card_due_days")
    op.drop_table("mail_opt_out")
