"""crm.product.*: the entity methods over the product's kind."""

from __future__ import annotations

from leadcrm.crm.entities.methods import register_entity_methods
from leadcrm.crm.products.service import PRODUCT

register_entity_methods("crm.product", PRODUCT)
