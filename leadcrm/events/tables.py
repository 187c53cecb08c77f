"""The event record (one row per change), the handlers that hear events, their deliveries and
every attempt to send one."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from leadcrm.catalogue.kinds import Seconds
from leadcrm.db.metadata import metadata

event_records = Table(
    "event_record",
    metadata,
    Column("id", Integer, primary_key=True),
    # Upper case, as Bitrix24 sends it in a payload's `event`: ONCRMLEADADD.
    Column("event", String(100), nullable=False),
    Column("entity", String(50), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("user_id", Integer, nullable=False),
    Column("created_at", Seconds(), nullable=False),
    # What the payload's data[FIELDS] carries beyond the ID (a custom field's name).
    Column("fields", JSON(none_as_null=True), nullable=True),
    Index("ix_event_record_event_id", "event", "id"),
    sqlite_autoincrement=True,
)

# Who hears an event: an application's handler (event.bind) or an outgoing webhook (app_id
# NULL, with its own application_token). Offline handlers have no URL.
event_handlers = Table(
    "event_handler",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("app_id", Integer, ForeignKey("rest_app.id"), nullable=True),
    Column("event", String(100), nullable=False),
    Column("handler", Text, nullable=False, server_default=""),
    # The user whose token the payload carries; 0: the user who made the change.
    Column("auth_type", Integer, nullable=False, server_default="0"),
    # Who bound it: a user who is not an administrator sees and unbinds only their own.
    Column("user_id", Integer, nullable=False),
    Column("offline", Boolean, nullable=False, server_default="0"),
    Column("auth_connector", String(255), nullable=False, server_default=""),
    Column("options", JSON(none_as_null=True), nullable=True),
    # Signs every delivery (HMAC-SHA256); leadcrm presents it, so it is kept readable.
    Column("secret", String(64), nullable=False),
    # Outgoing webhooks only: the token their payloads carry.
    Column("application_token", String(64), nullable=True),
    Column("title", String(255), nullable=False, server_default=""),
    Column("created_at", DateTime, nullable=False),
    # event.unbind: no new deliveries; those of changes made while it was bound still go.
    Column("unbound_at", DateTime, nullable=True),
    # 410 Gone, a revoked outgoing webhook, an uninstalled app: nothing more is sent.
    Column("disabled_at", DateTime, nullable=True),
    Index("ix_event_handler_event", "event"),
    sqlite_autoincrement=True,
)

# One event for one handler: created in the transaction of the change, so a handler bound at
# that moment gets it, and sent (at least once) by a worker after the commit.
event_deliveries = Table(
    "event_delivery",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("record_id", Integer, ForeignKey("event_record.id"), nullable=True),
    Column("handler_id", Integer, ForeignKey("event_handler.id"), nullable=False),
    # The event, its data and the user, for deliveries without a record (ONAPPTEST).
    Column("event", String(100), nullable=False),
    Column("data", JSON(none_as_null=True), nullable=True),
    Column("user_id", Integer, nullable=False),
    Column("uid", String(36), nullable=False),  # the X-Leadcrm-Event-Id header
    Column("status", String(10), nullable=False),  # pending, delivered, failed, disabled
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("due_at", DateTime, nullable=False),
    # A worker's claim: until then no other worker takes it; a dead worker's claim lapses.
    Column("leased_until", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
    Index(
        "ix_event_delivery_due",
        "due_at",
        "id",
        sqlite_where=text("status = 'pending'"),
        postgresql_where=text("status = 'pending'"),
    ),
    Index("ix_event_delivery_handler_id", "handler_id"),
    sqlite_autoincrement=True,
)

# Every attempt to send a delivery, kept for `leadcrm events log` and leadcrm.event.log.
event_attempts = Table(
    "event_attempt",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("delivery_id", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", DateTime, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", String(255), nullable=False, server_default=""),
    Column("duration_ms", Integer, nullable=False),
    Index("ix_event_attempt_delivery_id", "delivery_id"),
    sqlite_autoincrement=True,
)

# The offline queue (event.offline.*): per application and auth_connector queue ('' for none),
# one row per event and object holding that object's latest change. A change of an object
# already queued updates its row: a new time and data, and its reservation (process_id) and
# error mark are dropped, so the new change is read again. event.offline.get with clear=0
# reserves rows under a process_id until event.offline.clear deletes them, or 30 days pass.
event_offline = Table(
    "event_offline",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("app_id", Integer, ForeignKey("rest_app.id"), nullable=False),
    Column("connector", String(255), nullable=False, server_default=""),
    Column("event_name", String(100), nullable=False),
    # The object's key: its id as a string ("12").
    Column("message_id", String(100), nullable=False),
    Column("event_data", JSON(none_as_null=True), nullable=True),
    Column("event_additional", JSON(none_as_null=True), nullable=True),
    Column("timestamp_x", Seconds(), nullable=False),
    Column("process_id", String(32), nullable=True),
    Column("reserved_at", DateTime, nullable=True),
    Column("error", Boolean, nullable=False, server_default="0"),
    UniqueConstraint(
        "app_id", "connector", "event_name", "message_id", name="uq_event_offline_message"
    ),
    Index("ix_event_offline_queue", "app_id", "connector", "process_id", "timestamp_x"),
    Index("ix_event_offline_process_id", "process_id"),
    sqlite_autoincrement=True,
)

# The process ids event.offline.get has issued (clear=0), until event.offline.clear empties
# their batch or 30 days pass: a process id that is not here is unknown.
event_offline_processes = Table(
    "event_offline_process",
    metadata,
    Column("process_id", String(32), primary_key=True),
    Column("app_id", Integer, ForeignKey("rest_app.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_event_offline_process_app_id", "app_id", "created_at"),
)

# When each ONOFFLINEEVENT handler was last notified: minTimeout's throttle, kept in the
# database so that every process serving the portal honours it.
event_offline_notices = Table(
    "event_offline_notice",
    metadata,
    Column(
        "handler_id",
        Integer,
        ForeignKey("event_handler.id"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("notified_at", DateTime, nullable=False),
)
