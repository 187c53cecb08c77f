"""The company table, derived from its catalogue."""

from sqlalchemy import Column

from leadcrm.crm.companies.fields import COMPANY_FIELDS
from leadcrm.crm.userfields.storage import VALUES_COLUMN, values_type

companies = COMPANY_FIELDS.table(
    "crm_company",
    # Custom field values, keyed by field ID (see crm/userfields/storage.py).
    Column(VALUES_COLUMN, values_type(), nullable=True),
)
