"""crm.product.*: the entity methods over the product's kind."""

from __future__ import annotations

from leadcrm.crm.entities.methods import EntityMethods, register_entity_methods
from leadcrm.crm.products.service import PRODUCT

register_entity_methods(
    EntityMethods(
        fields="crm.product.fields",
        add="crm.product.add",
        get="crm.product.get",
        update="crm.product.update",
        delete="crm.product.delete",
        list="crm.product.list",
    ),
    PRODUCT,
)
