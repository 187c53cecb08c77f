"""products and product rows

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VERSIONS = sa.table(
    "crm_userfield_schema", sa.column("entity_id", sa.String), sa.column("version", sa.Integer)
)


def upgrade() -> None:
    op.create_table(
        "crm_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("catalog_id", sa.Integer(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("currency_id", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("description_type", sa.String(length=50), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=True),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("vat_id", sa.Integer(), nullable=True),
        sa.Column("vat_included", sa.Boolean(), nullable=False),
        sa.Column("measure", sa.Integer(), nullable=True),
        sa.Column("xml_id", sa.String(length=255), nullable=True),
        sa.Column("date_create", sa.DateTime(), nullable=False),
        sa.Column("timestamp_x", sa.DateTime(), nullable=False),
        sa.Column("modified_by", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column(
            "uf",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True), "postgresql"
            ),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_product")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("crm_product", schema=None) as batch_op:
        batch_op.create_index("ix_crm_product_name", ["name"], unique=False)

    op.create_table(
        "crm_product_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("owner_type", sa.String(length=255), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("product_name", sa.String(length=255), nullable=False),
        sa.Column("original_product_name", sa.String(length=255), nullable=True),
        sa.Column("product_description", sa.Text(), nullable=True),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("price_exclusive", sa.BigInteger(), nullable=False),
        sa.Column("price_netto", sa.BigInteger(), nullable=False),
        sa.Column("price_brutto", sa.BigInteger(), nullable=False),
        sa.Column("price_account", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("discount_type_id", sa.Integer(), nullable=False),
        sa.Column("discount_rate", sa.BigInteger(), nullable=False),
        sa.Column("discount_sum", sa.BigInteger(), nullable=False),
        sa.Column("tax_rate", sa.BigInteger(), nullable=True),
        sa.Column("tax_included", sa.Boolean(), nullable=False),
        sa.Column("customized", sa.Boolean(), nullable=False),
        sa.Column("measure_code", sa.Integer(), nullable=False),
        sa.Column("measure_name", sa.String(length=255), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("xml_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("reserve_id", sa.Integer(), nullable=True),
        sa.Column("date_reserve_end", sa.DateTime(), nullable=True),
        sa.Column("reserve_quantity", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_product_row")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("crm_product_row", schema=None) as batch_op:
        batch_op.create_index(
            "ix_crm_product_row_owner", ["owner_type", "owner_id", "sort", "id"], unique=False
        )

    # The entity engine reads every entity's custom field definitions; products have none.
    op.bulk_insert(_VERSIONS, [{"entity_id": "CRM_PRODUCT", "version": 0}])


def downgrade() -> None:
    op.execute(_VERSIONS.delete().where(_VERSIONS.c.entity_id == "CRM_PRODUCT"))
    with op.batch_alter_table("crm_product_row", schema=None) as batch_op:
        batch_op.drop_index("ix_crm_product_row_owner")

    op.drop_table("crm_product_row")
    with op.batch_alter_table("crm_product", schema=None) as batch_op:
        batch_op.drop_index("ix_crm_product_name")

    op.drop_table("crm_product")
