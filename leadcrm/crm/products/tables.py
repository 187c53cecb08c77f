"""The product table, derived from its catalogue."""

from sqlalchemy import Column

from leadcrm.crm.products.fields import PRODUCT_FIELDS
from leadcrm.crm.userfields.storage import VALUES_COLUMN, values_type

products = PRODUCT_FIELDS.table(
    "crm_product",
    # The entity engine keeps custom values in every entity's row; products have none yet.
    Column(VALUES_COLUMN, values_type(), nullable=True),
)
