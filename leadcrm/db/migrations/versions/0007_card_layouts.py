"""card layouts

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 02:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crm_card_layout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type_id", sa.Integer(), nullable=False),
        sa.Column("variant", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=1), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_card_layout")),
        sa.UniqueConstraint(
            "entity_type_id", "variant", "scope", "user_id", name="uq_crm_card_layout_key"
        ),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("crm_card_layout")
