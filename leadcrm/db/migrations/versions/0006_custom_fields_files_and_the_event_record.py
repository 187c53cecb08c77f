"""custom fields, files and the event record

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 23:36:37
"""

import os
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_secret",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_app_secret")),
    )
    op.create_table(
        "crm_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_file")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "crm_userfield",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.String(length=50), nullable=False),
        sa.Column("field_name", sa.String(length=50), nullable=False),
        sa.Column("user_type_id", sa.String(length=50), nullable=False),
        sa.Column("xml_id", sa.String(length=255), nullable=True),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("multiple", sa.Boolean(), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("show_filter", sa.String(length=50), nullable=False),
        sa.Column("show_in_list", sa.Boolean(), nullable=False),
        sa.Column("edit_in_list", sa.Boolean(), nullable=False),
        sa.Column("is_searchable", sa.Boolean(), nullable=False),
        sa.Column("settings", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("labels", sa.JSON(none_as_null=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_userfield")),
        sa.UniqueConstraint("entity_id", "field_name", name="uq_crm_userfield_entity_name"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "crm_userfield_schema",
        sa.Column("entity_id", sa.String(length=50), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("entity_id", name=op.f("pk_crm_userfield_schema")),
    )
    op.create_table(
        "event_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("fields", sa.JSON(none_as_null=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_record")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("event_record", schema=None) as batch_op:
        batch_op.create_index("ix_event_record_event_id", ["event", "id"], unique=False)

    op.create_table(
        "crm_userfield_enum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("xml_id", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["crm_userfield.id"],
            name=op.f("fk_crm_userfield_enum_field_id_crm_userfield"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_userfield_enum")),
        sa.UniqueConstraint("field_id", "xml_id", name="uq_crm_userfield_enum_field_xml"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("crm_userfield_enum", schema=None) as batch_op:
        batch_op.create_index("ix_crm_userfield_enum_field_id", ["field_id"], unique=False)

    with op.batch_alter_table("crm_lead", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "uf",
                sa.JSON(none_as_null=True).with_variant(
                    postgresql.JSONB(none_as_null=True), "postgresql"
                ),
                nullable=True,
            )
        )

    versions = sa.table(
        "crm_userfield_schema", sa.column("entity_id", sa.String), sa.column("version", sa.Integer)
    )
    op.bulk_insert(versions, [{"entity_id": "CRM_LEAD", "version": 0}])
    # The key that signs file links, made here so that no read call ever has to write it.
    secrets = sa.table(
        "app_secret", sa.column("name", sa.String), sa.column("value", sa.LargeBinary)
    )
    op.bulk_insert(secrets, [{"name": "file_links", "value": os.urandom(32)}])


def downgrade() -> None:
    with op.batch_alter_table("crm_lead", schema=None) as batch_op:
        batch_op.drop_column("uf")

    with op.batch_alter_table("crm_userfield_enum", schema=None) as batch_op:
        batch_op.drop_index("ix_crm_userfield_enum_field_id")

    op.drop_table("crm_userfield_enum")
    with op.batch_alter_table("event_record", schema=None) as batch_op:
        batch_op.drop_index("ix_event_record_event_id")

    op.drop_table("event_record")
    op.drop_table("crm_userfield_schema")
    op.drop_table("crm_userfield")
    op.drop_table("crm_file")
    op.drop_table("app_secret")
