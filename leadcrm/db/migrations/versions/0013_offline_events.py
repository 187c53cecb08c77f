"""the offline event queue, its processes and the ONOFFLINEEVENT throttle

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_offline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("connector", sa.String(length=255), server_default="", nullable=False),
        sa.Column("event_name", sa.String(length=100), nullable=False),
        sa.Column("message_id", sa.String(length=100), nullable=False),
        sa.Column("event_data", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("event_additional", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("timestamp_x", sa.DateTime(), nullable=False),
        sa.Column("process_id", sa.String(length=32), nullable=True),
        sa.Column("reserved_at", sa.DateTime(), nullable=True),
        sa.Column("error", sa.Boolean(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["rest_app.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "app_id", "connector", "event_name", "message_id", name="uq_event_offline_message"
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_event_offline_queue",
        "event_offline",
        ["app_id", "connector", "process_id", "timestamp_x"],
    )
    op.create_index("ix_event_offline_process_id", "event_offline", ["process_id"])
    op.create_table(
        "event_offline_process",
        sa.Column("process_id", sa.String(length=32), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["rest_app.id"]),
        sa.PrimaryKeyConstraint("process_id"),
    )
    op.create_index(
        "ix_event_offline_process_app_id", "event_offline_process", ["app_id", "created_at"]
    )
    op.create_table(
        "event_offline_notice",
        sa.Column("handler_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["handler_id"], ["event_handler.id"]),
        sa.PrimaryKeyConstraint("handler_id"),
    )


def downgrade() -> None:
    op.drop_table("event_offline_notice")
    op.drop_index("ix_event_offline_process_app_id", table_name="event_offline_process")
    op.drop_table("event_offline_process")
    op.drop_index("ix_event_offline_process_id", table_name="event_offline")
    op.drop_index("ix_event_offline_queue", table_name="event_offline")
    op.drop_table("event_offline")
