"""client directories: contact and company types, number of employees, industry

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 03:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Bitrix24's own system items (the docs name no defaults; their examples use these codes).
ITEMS = {
    "CONTACT_TYPE": [
        ("CLIENT", "Clients"),
        ("SUPPLIER", "Suppliers"),
        ("PARTNER", "Partners"),
        ("OTHER", "Other"),
    ],
    "COMPANY_TYPE": [
        ("CUSTOMER", "Client"),
        ("SUPPLIER", "Supplier"),
        ("COMPETITOR", "Competitor"),
        ("PARTNER", "Partner"),
        ("OTHER", "Other"),
    ],
    "EMPLOYEES": [
        ("EMPLOYEES_1", "less than 50"),
        ("EMPLOYEES_2", "50-250"),
        ("EMPLOYEES_3", "250-500"),
        ("EMPLOYEES_4", "over 500"),
    ],
    "INDUSTRY": [
        ("IT", "Information Technology"),
        ("TELECOM", "Telecommunication"),
        ("MANUFACTURING", "Manufacturing"),
        ("BANKING", "Banking Services"),
        ("CONSULTING", "Consulting"),
        ("FINANCE", "Finance"),
        ("GOVERNMENT", "Government"),
        ("DELIVERY", "Delivery"),
        ("ENTERTAINMENT", "Entertainment"),
        ("NOTPROFIT", "Non-profit"),
        ("OTHER", "Other"),
    ],
}

_status = sa.table(
    "b_crm_status",
    sa.column("entity_id", sa.String),
    sa.column("status_id", sa.String),
    sa.column("name", sa.String),
    sa.column("name_init", sa.String),
    sa.column("sort", sa.Integer),
    sa.column("system", sa.Boolean),
    sa.column("category_id", sa.Integer),
    sa.column("color", sa.String),
    sa.column("semantics", sa.String),
)


def upgrade() -> None:
    op.bulk_insert(
        _status,
        [
            {
                "entity_id": entity_id,
                "status_id": code,
                "name": name,
                "name_init": name,
                "sort": 10 * (i + 1),
                "system": True,
                "category_id": None,
                "color": None,
                "semantics": None,
            }
            for entity_id, items in ITEMS.items()
            for i, (code, name) in enumerate(items)
        ],
    )


def downgrade() -> None:
    op.execute(_status.delete().where(_status.c.entity_id.in_(list(ITEMS))))
