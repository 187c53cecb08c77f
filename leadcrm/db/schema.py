"""Every table, imported so the shared metadata is complete for migrations and tests."""

from leadcrm.db.metadata import metadata
from leadcrm.users import tables as _users
from leadcrm.webhooks import tables as _webhooks

__all__ = ["metadata"]

_TABLE_MODULES = (_users, _webhooks)
