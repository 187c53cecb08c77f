"""one covering index for a stage's leads by date, with the amount

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 15:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_crm_lead_status_date_create_id_opportunity",
        "crm_lead",
        ["status_id", "date_create", "id", "opportunity"],
    )
    op.drop_index("ix_crm_lead_status_opportunity", table_name="crm_lead")
    op.drop_index("ix_crm_lead_status_date_create_id", table_name="crm_lead")


def downgrade() -> None:
    op.create_index(
        "ix_crm_lead_status_date_create_id", "crm_lead", ["status_id", "date_create", "id"]
    )
    op.create_index("ix_crm_lead_status_opportunity", "crm_lead", ["status_id", "opportunity"])
    op.drop_index("ix_crm_lead_status_date_create_id_opportunity", table_name="crm_lead")
