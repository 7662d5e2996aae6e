"""the rating history as a log: no foreign keys on rating_change (see `team.models.RatingChange`)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 07:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The three keys as 0001 made them: (column, table it refers to).
KEYS = (("member_id", "member"), ("area_id", "area"), ("skill_id", "skill"))
# SQLite keeps them unnamed: a batch names them by this convention to drop them (Alembic's
# "Dropping Unnamed or Named Foreign Key Constraints"); PostgreSQL named them itself.
CONVENTION = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def _name(column: str, table: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"rating_change_{column}_fkey"
    return f"fk_rating_change_{column}_{table}"


def upgrade() -> None:
    with op.batch_alter_table("rating_change", naming_convention=CONVENTION) as batch_op:
        for column, table in KEYS:
            batch_op.drop_constraint(_name(column, table), type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("rating_change", naming_convention=CONVENTION) as batch_op:
        for column, table in KEYS:
            batch_op.create_foreign_key(_name(column, table), table, [column], ["id"])
