"""The product as an owner of custom fields (CRM_PRODUCT): none can be defined yet (no
crm.product.userfield.*), but the entity engine reads its definitions like any entity's."""

from __future__ import annotations

from leadcrm.crm.products.fields import PRODUCT_FIELDS, USER_FIELD_ENTITY
from leadcrm.crm.products.tables import products
from leadcrm.crm.userfields.owners import Owner, register_owner

PRODUCT_OWNER = register_owner(
    Owner(
        entity_id=USER_FIELD_ENTITY,
        table=products,
        base=PRODUCT_FIELDS,
        event_prefix="ONCRMPRODUCT",
    )
)
