"""applications, their tokens, placements and custom field types

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 08:00:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SECRETS = sa.table("app_secret", sa.column("name", sa.String), sa.column("value", sa.LargeBinary))


def upgrade() -> None:
    op.create_table(
        "rest_app",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("client_secret_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("handler_url", sa.Text(), server_default="", nullable=False),
        sa.Column("install_url", sa.Text(), server_default="", nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("installed", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("installed_by", sa.Integer(), nullable=True),
        sa.Column("application_token", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("installed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["installed_by"], ["b_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "rest_app_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("grant_id", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["rest_app.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["b_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_rest_app_token_grant_id", "rest_app_token", ["grant_id"])
    op.create_index("ix_rest_app_token_app_id", "rest_app_token", ["app_id"])
    op.create_table(
        "rest_placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("placement", sa.String(length=100), nullable=False),
        sa.Column("handler", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), server_default="0", nullable=False),
        sa.Column("title", sa.String(length=255), server_default="", nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("group_name", sa.String(length=255), server_default="", nullable=False),
        sa.Column("lang_all", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("options", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["rest_app.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "app_id", "placement", "handler", "user_id", name="uq_rest_placement_handler"
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "rest_userfield_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("handler", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=255), server_default="", nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("height", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["rest_app.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", name="uq_rest_userfield_type_code"),
        sqlite_autoincrement=True,
    )
    # The portal's member_id: made once, the same for every process and every token.
    op.bulk_insert(_SECRETS, [{"name": "member_id", "value": secrets.token_hex(16).encode()}])


def downgrade() -> None:
    op.execute(_SECRETS.delete().where(_SECRETS.c.name == "member_id"))
    op.drop_table("rest_userfield_type")
    op.drop_table("rest_placement")
    op.drop_index("ix_rest_app_token_app_id", table_name="rest_app_token")
    op.drop_index("ix_rest_app_token_grant_id", table_name="rest_app_token")
    op.drop_table("rest_app_token")
    op.drop_table("rest_app")
