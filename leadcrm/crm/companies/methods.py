"""crm.company.* and crm.company.userfield.*: the entity methods over the company's kind."""

from __future__ import annotations

from leadcrm.crm.companies.service import COMPANY
from leadcrm.crm.entities.methods import EntityMethods, register_entity_methods
from leadcrm.crm.userfields.methods import UserfieldMethods, register_userfield_methods

register_entity_methods(
    EntityMethods(
        fields="crm.company.fields",
        add="crm.company.add",
        get="crm.company.get",
        update="crm.company.update",
        delete="crm.company.delete",
        list="crm.company.list",
    ),
    COMPANY,
)
register_userfield_methods(
    UserfieldMethods(
        add="crm.company.userfield.add",
        update="crm.company.userfield.update",
        get="crm.company.userfield.get",
        list="crm.company.userfield.list",
        delete="crm.company.userfield.delete",
    ),
    COMPANY.owner,
)
