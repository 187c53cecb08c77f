"""crm.lead.*: the entity methods over the lead's kind."""

from __future__ import annotations

from leadcrm.crm.entities.methods import EntityMethods, register_entity_methods
from leadcrm.crm.leads.service import LEAD

register_entity_methods(
    EntityMethods(
        fields="crm.lead.fields",
        add="crm.lead.add",
        get="crm.lead.get",
        update="crm.lead.update",
        delete="crm.lead.delete",
        list="crm.lead.list",
    ),
    LEAD,
)
