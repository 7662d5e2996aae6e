"""tracker imports: work items keep a source and an external key; saved mappings; kept uploads

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("work_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_source", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("external_key", sa.String(length=300), nullable=True))
        batch_op.create_unique_constraint(
            "uq_work_item_external_key", ["external_source", "external_key"]
        )
    op.create_table(
        "import_mapping",
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("area_by_value", sa.JSON(), nullable=False),
        sa.Column("done_statuses", sa.JSON(), nullable=False),
        sa.Column("default_points", sa.Float(), nullable=True),
        sa.Column("points_column", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=254), nullable=False),
        sa.PrimaryKeyConstraint("source"),
    )
    op.create_table(
        "import_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_import_upload_created_by", "import_upload", ["created_by"])


def downgrade() -> None:
    op.drop_index("ix_import_upload_created_by", table_name="import_upload")
    op.drop_table("import_upload")
    op.drop_table("import_mapping")
    with op.batch_alter_table("work_item", schema=None) as batch_op:
        batch_op.drop_constraint("uq_work_item_external_key", type_="unique")
        batch_op.drop_column("external_key")
        batch_op.drop_column("external_source")
