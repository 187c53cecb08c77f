"""The users table, derived from the user catalogue."""

from sqlalchemy import Boolean, Column, false

from leadcrm.users.fields import USER_FIELDS

users = USER_FIELDS.table(
    "b_user",
    Column("is_admin", Boolean, nullable=False, server_default=false()),
)
