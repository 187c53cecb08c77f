"""contacts, companies and their bindings

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 05:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VERSIONS = sa.table(
    "crm_userfield_schema", sa.column("entity_id", sa.String), sa.column("version", sa.Integer)
)


def upgrade() -> None:
    op.create_table(
        "crm_company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("company_type", sa.String(length=50), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("address_2", sa.String(length=255), nullable=True),
        sa.Column("address_city", sa.String(length=255), nullable=True),
        sa.Column("address_postal_code", sa.String(length=255), nullable=True),
        sa.Column("address_region", sa.String(length=255), nullable=True),
        sa.Column("address_province", sa.String(length=255), nullable=True),
        sa.Column("address_country", sa.String(length=255), nullable=True),
        sa.Column("address_country_code", sa.String(length=255), nullable=True),
        sa.Column("address_loc_addr_id", sa.Integer(), nullable=True),
        sa.Column("address_legal", sa.Text(), nullable=True),
        sa.Column("reg_address", sa.Text(), nullable=True),
        sa.Column("reg_address_2", sa.String(length=255), nullable=True),
        sa.Column("reg_address_city", sa.String(length=255), nullable=True),
        sa.Column("reg_address_postal_code", sa.String(length=255), nullable=True),
        sa.Column("reg_address_region", sa.String(length=255), nullable=True),
        sa.Column("reg_address_province", sa.String(length=255), nullable=True),
        sa.Column("reg_address_country", sa.String(length=255), nullable=True),
        sa.Column("reg_address_country_code", sa.String(length=255), nullable=True),
        sa.Column("reg_address_loc_addr_id", sa.Integer(), nullable=True),
        sa.Column("banking_details", sa.Text(), nullable=True),
        sa.Column("industry", sa.String(length=50), nullable=True),
        sa.Column("employees", sa.String(length=50), nullable=True),
        sa.Column("currency_id", sa.String(length=50), nullable=False),
        sa.Column("revenue", sa.BigInteger(), nullable=False),
        sa.Column("opened", sa.Boolean(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("has_phone", sa.Boolean(), nullable=False),
        sa.Column("has_email", sa.Boolean(), nullable=False),
        sa.Column("has_imol", sa.Boolean(), nullable=False),
        sa.Column("is_my_company", sa.Boolean(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("modify_by_id", sa.Integer(), nullable=False),
        sa.Column("date_create", sa.DateTime(), nullable=False),
        sa.Column("date_modify", sa.DateTime(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("originator_id", sa.String(length=255), nullable=True),
        sa.Column("origin_id", sa.String(length=255), nullable=True),
        sa.Column("origin_version", sa.String(length=255), nullable=True),
        sa.Column("utm_source", sa.String(length=255), nullable=True),
        sa.Column("utm_medium", sa.String(length=255), nullable=True),
        sa.Column("utm_campaign", sa.String(length=255), nullable=True),
        sa.Column("utm_content", sa.String(length=255), nullable=True),
        sa.Column("utm_term", sa.String(length=255), nullable=True),
        sa.Column("last_activity_time", sa.DateTime(), nullable=False),
        sa.Column("last_activity_by", sa.Integer(), nullable=False),
        sa.Column("last_communication_time", sa.String(length=255), nullable=True),
        sa.Column(
            "uf",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True), "postgresql"
            ),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_company")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("crm_company", schema=None) as batch_op:
        batch_op.create_index("ix_crm_company_assigned_by_id", ["assigned_by_id"], unique=False)
        batch_op.create_index("ix_crm_company_date_create", ["date_create"], unique=False)
        batch_op.create_index("ix_crm_company_lead_id", ["lead_id"], unique=False)
        batch_op.create_index("ix_crm_company_title", ["title"], unique=False)

    op.create_table(
        "crm_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("honorific", sa.String(length=50), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("second_name", sa.String(length=255), nullable=True),
        sa.Column("last_name", sa.String(length=255), nullable=True),
        sa.Column("birthdate", sa.Date(), nullable=True),
        sa.Column("type_id", sa.String(length=50), nullable=True),
        sa.Column("source_id", sa.String(length=50), nullable=True),
        sa.Column("source_description", sa.Text(), nullable=True),
        sa.Column("post", sa.String(length=255), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("address_2", sa.String(length=255), nullable=True),
        sa.Column("address_city", sa.String(length=255), nullable=True),
        sa.Column("address_postal_code", sa.String(length=255), nullable=True),
        sa.Column("address_region", sa.String(length=255), nullable=True),
        sa.Column("address_province", sa.String(length=255), nullable=True),
        sa.Column("address_country", sa.String(length=255), nullable=True),
        sa.Column("address_country_code", sa.String(length=255), nullable=True),
        sa.Column("address_loc_addr_id", sa.Integer(), nullable=True),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("opened", sa.Boolean(), nullable=False),
        sa.Column("export", sa.Boolean(), nullable=False),
        sa.Column("has_phone", sa.Boolean(), nullable=False),
        sa.Column("has_email", sa.Boolean(), nullable=False),
        sa.Column("has_imol", sa.Boolean(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("modify_by_id", sa.Integer(), nullable=False),
        sa.Column("date_create", sa.DateTime(), nullable=False),
        sa.Column("date_modify", sa.DateTime(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("originator_id", sa.String(length=255), nullable=True),
        sa.Column("origin_id", sa.String(length=255), nullable=True),
        sa.Column("origin_version", sa.String(length=255), nullable=True),
        sa.Column("utm_source", sa.String(length=255), nullable=True),
        sa.Column("utm_medium", sa.String(length=255), nullable=True),
        sa.Column("utm_campaign", sa.String(length=255), nullable=True),
        sa.Column("utm_content", sa.String(length=255), nullable=True),
        sa.Column("utm_term", sa.String(length=255), nullable=True),
        sa.Column("last_activity_time", sa.DateTime(), nullable=False),
        sa.Column("last_activity_by", sa.Integer(), nullable=False),
        sa.Column(
            "uf",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True), "postgresql"
            ),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_contact")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("crm_contact", schema=None) as batch_op:
        batch_op.create_index("ix_crm_contact_assigned_by_id", ["assigned_by_id"], unique=False)
        batch_op.create_index("ix_crm_contact_company_id", ["company_id"], unique=False)
        batch_op.create_index("ix_crm_contact_date_create", ["date_create"], unique=False)
        batch_op.create_index("ix_crm_contact_lead_id", ["lead_id"], unique=False)
        batch_op.create_index("ix_crm_contact_type_id", ["type_id"], unique=False)

    op.create_table(
        "crm_contact_company",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), server_default="0", nullable=False),
        sa.Column("is_primary", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["crm_contact.id"],
            name=op.f("fk_crm_contact_company_contact_id_crm_contact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "company_id", name=op.f("pk_crm_contact_company")),
    )
    with op.batch_alter_table("crm_contact_company", schema=None) as batch_op:
        batch_op.create_index("ix_crm_contact_company_company", ["company_id"], unique=False)

    with op.batch_alter_table("crm_lead", schema=None) as batch_op:
        batch_op.create_index("ix_crm_lead_company_id", ["company_id"], unique=False)

    with op.batch_alter_table("crm_lead_contact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role_id", sa.Integer(), server_default="0", nullable=False))

    # Contacts and companies own custom fields too: each needs its definitions' version row.
    op.bulk_insert(
        _VERSIONS,
        [{"entity_id": "CRM_CONTACT", "version": 0}, {"entity_id": "CRM_COMPANY", "version": 0}],
    )


def downgrade() -> None:
    op.execute(_VERSIONS.delete().where(_VERSIONS.c.entity_id.in_(["CRM_CONTACT", "CRM_COMPANY"])))
    with op.batch_alter_table("crm_lead_contact", schema=None) as batch_op:
        batch_op.drop_column("role_id")

    with op.batch_alter_table("crm_lead", schema=None) as batch_op:
        batch_op.drop_index("ix_crm_lead_company_id")

    with op.batch_alter_table("crm_contact_company", schema=None) as batch_op:
        batch_op.drop_index("ix_crm_contact_company_company")

    op.drop_table("crm_contact_company")
    with op.batch_alter_table("crm_contact", schema=None) as batch_op:
        batch_op.drop_index("ix_crm_contact_type_id")
        batch_op.drop_index("ix_crm_contact_lead_id")
        batch_op.drop_index("ix_crm_contact_date_create")
        batch_op.drop_index("ix_crm_contact_company_id")
        batch_op.drop_index("ix_crm_contact_assigned_by_id")

    op.drop_table("crm_contact")
    with op.batch_alter_table("crm_company", schema=None) as batch_op:
        batch_op.drop_index("ix_crm_company_title")
        batch_op.drop_index("ix_crm_company_lead_id")
        batch_op.drop_index("ix_crm_company_date_create")
        batch_op.drop_index("ix_crm_company_assigned_by_id")

    op.drop_table("crm_company")
