"""Currencies and their localisations; the currency table is derived from its catalogue."""

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    false,
)

from leadcrm.crm.currencies.fields import CURRENCY_FIELDS
from leadcrm.db.metadata import metadata

currencies = CURRENCY_FIELDS.table("b_crm_currency", PrimaryKeyConstraint("currency"))
# The catalogue keys tables by ID; a currency is keyed by its code, which is never null.
currencies.c.currency.nullable = False

localisations = Table(
    "b_crm_currency_lang",
    metadata,
    Column(
        "currency",
        String(3),
        ForeignKey("b_crm_currency.currency", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("lid", String(2), nullable=False),
    Column("format_string", String(50), nullable=False),
    Column("full_name", String(50), nullable=False),
    Column("dec_point", String(16), nullable=True),
    Column("thousands_sep", String(16), nullable=True),
    Column("decimals", Integer, nullable=False),
    Column("thousands_variant", String(1), nullable=True),
    Column("hide_zero", Boolean, nullable=False, server_default=false()),
    PrimaryKeyConstraint("currency", "lid"),
)
