"""API tokens expire

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 10:00:00

Every token existing at the upgrade gets the default life, 90 days from its creation, written
into the row: what the pages show is then what the check uses, and a token older than that stops
working at the upgrade, which is the point of the change (issue 10). The column stays nullable so
that a process of the previous release, still running during a rolling upgrade, can go on
creating tokens; the service gives such a row the same default life.
"""

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The default of Config.API_TOKEN_DAYS when this revision was written; fixed here on purpose,
# so that the migration does the same thing whenever it runs.
DEFAULT_LIFE = timedelta(days=90)


def upgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    tokens = sa.table(
        "api_token",
        sa.column("id", sa.Integer()),
        sa.column("created_at", sqlmodel.sql.sqltypes.UTCDateTime()),
        sa.column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    )
    connection = op.get_bind()
    # Computed in Python, not SQL: date arithmetic differs between SQLite and PostgreSQL, and
    # the token table is small (a few rows per user).
    rows = connection.execute(
        sa.select(tokens.c.id, tokens.c.created_at).where(tokens.c.expires_at.is_(None))
    ).all()
    if rows:
        connection.execute(
            tokens.update()
            .where(tokens.c.id == sa.bindparam("row_id"))
            .values(expires_at=sa.bindparam("expires")),
            [{"row_id": row_id, "expires": created + DEFAULT_LIFE} for row_id, created in rows],
        )


def downgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
