"""directories: CRM statuses (lead stages, sources, honorifics) and currencies

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 12:57:32.684683

The seed rows are written out here, not imported, so that this revision stays as it was.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (STATUS_ID, NAME, SORT, COLOR, SEMANTICS): process stages, then success, then failure.
LEAD_STAGES = [
    ("NEW", "Unprocessed", 10, "#39A8EF", None),
    ("IN_PROCESS", "In process", 20, "#2FC6F6", None),
    ("PROCESSED", "Processed", 30, "#55D0E0", None),
    ("CONVERTED", "High-quality lead", 40, "#7BD500", "S"),
    ("JUNK", "Low-quality lead", 50, "#FF5752", "F"),
]
SOURCES = [
    ("CALL", "Call"),
    ("EMAIL", "E-mail"),
    ("WEB", "Website"),
    ("ADVERTISING", "Advertising"),
    ("PARTNER", "Existing client"),
    ("RECOMMENDATION", "By recommendation"),
    ("TRADE_SHOW", "Trade show"),
    ("WEBFORM", "CRM form"),
    ("CALLBACK", "Callback"),
    ("RC_GENERATOR", "Sales generator"),
    ("STORE", "Online store"),
    ("OTHER", "Other"),
]
HONORIFICS = [
    ("HNR_EN_1", "Mr."),
    ("HNR_EN_2", "Mrs."),
    ("HNR_EN_3", "Ms."),
    ("HNR_EN_4", "Dr."),
]
# (CURRENCY, AMOUNT_CNT, AMOUNT in ten-thousandths, SORT, BASE): rates against USD.
CURRENCIES = [
    ("USD", 1, 10000, 100, True),
    ("EUR", 1, 10800, 200, False),
    ("RUB", 100, 11000, 300, False),
]
# (CURRENCY, LID, FORMAT_STRING, FULL_NAME, DEC_POINT, THOUSANDS_SEP, THOUSANDS_VARIANT)
LOCALISATIONS = [
    ("USD", "en", "$#", "US Dollar", ".", None, "C"),
    ("USD", "de", "# $", "US-Dollar", ",", "&nbsp;", "B"),
    ("EUR", "en", "€#", "Euro", ".", None, "C"),
    ("EUR", "de", "# €", "Euro", ",", "&nbsp;", "B"),
    ("RUB", "en", "# RUB", "Russian Ruble", ".", None, "C"),
    ("RUB", "de", "# RUB", "Russischer Rubel", ",", "&nbsp;", "B"),
]


def upgrade() -> None:
    currency = op.create_table(
        "b_crm_currency",
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_cnt", sa.Integer(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("base", sa.Boolean(), nullable=True),
        sa.Column("sort", sa.Integer(), nullable=True),
        sa.Column("date_update", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("currency", name=op.f("pk_b_crm_currency")),
        sqlite_autoincrement=True,
    )
    status = op.create_table(
        "b_crm_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.String(length=50), nullable=True),
        sa.Column("status_id", sa.String(length=50), nullable=True),
        sa.Column("sort", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("name_init", sa.String(length=100), nullable=True),
        sa.Column("system", sa.Boolean(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("color", sa.String(length=10), nullable=True),
        sa.Column("semantics", sa.String(length=1), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_b_crm_status")),
        sa.UniqueConstraint("entity_id", "status_id", name=op.f("uq_b_crm_status_entity_id")),
        sqlite_autoincrement=True,
    )
    lang = op.create_table(
        "b_crm_currency_lang",
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lid", sa.String(length=2), nullable=False),
        sa.Column("format_string", sa.String(length=50), nullable=False),
        sa.Column("full_name", sa.String(length=50), nullable=False),
        sa.Column("dec_point", sa.String(length=16), nullable=True),
        sa.Column("thousands_sep", sa.String(length=16), nullable=True),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.Column("thousands_variant", sa.String(length=1), nullable=True),
        sa.Column("hide_zero", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["currency"],
            ["b_crm_currency.currency"],
            name=op.f("fk_b_crm_currency_lang_currency_b_crm_currency"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("currency", "lid", name=op.f("pk_b_crm_currency_lang")),
    )
    _seed_statuses(status)
    _seed_currencies(currency, lang)


def _seed_statuses(status: sa.Table) -> None:
    def item(entity_id: str, code: str, name: str, sort: int, **extra: object) -> dict[str, object]:
        row = {"color": None, "semantics": None, **extra}
        return {
            "entity_id": entity_id,
            "status_id": code,
            "name": name,
            "name_init": name,
            "sort": sort,
            "system": True,
            "category_id": None,
            **row,
        }

    rows = [
        item("STATUS", code, name, sort, color=color, semantics=semantics)
        for code, name, sort, color, semantics in LEAD_STAGES
    ]
    rows += [item("SOURCE", code, name, 10 * (i + 1)) for i, (code, name) in enumerate(SOURCES)]
    rows += [
        item("HONORIFIC", code, name, 10 * (i + 1)) for i, (code, name) in enumerate(HONORIFICS)
    ]
    op.bulk_insert(status, rows)


def _seed_currencies(currency: sa.Table, lang: sa.Table) -> None:
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    op.bulk_insert(
        currency,
        [
            {
                "currency": code,
                "amount_cnt": amount_cnt,
                "amount": amount,
                "base": base,
                "sort": sort,
                "date_update": now,
            }
            for code, amount_cnt, amount, sort, base in CURRENCIES
        ],
    )
    op.bulk_insert(
        lang,
        [
            {
                "currency": code,
                "lid": lid,
                "format_string": format_string,
                "full_name": full_name,
                "dec_point": dec_point,
                "thousands_sep": thousands_sep,
                "decimals": 2,
                "thousands_variant": variant,
                "hide_zero": True,
            }
            for code, lid, format_string, full_name, dec_point, thousands_sep, variant in (
                LOCALISATIONS
            )
        ],
    )


def downgrade() -> None:
    op.drop_table("b_crm_currency_lang")
    op.drop_table("b_crm_status")
    op.drop_table("b_crm_currency")
