"""crm.contact.* and crm.contact.userfield.*: the entity methods over the contact's kind."""

from __future__ import annotations

from leadcrm.crm.contacts.service import CONTACT
from leadcrm.crm.entities.methods import EntityMethods, register_entity_methods
from leadcrm.crm.userfields.methods import UserfieldMethods, register_userfield_methods

register_entity_methods(
    EntityMethods(
        fields="crm.contact.fields",
        add="crm.contact.add",
        get="crm.contact.get",
        update="crm.contact.update",
        delete="crm.contact.delete",
        list="crm.contact.list",
    ),
    CONTACT,
)
register_userfield_methods(
    UserfieldMethods(
        add="crm.contact.userfield.add",
        update="crm.contact.userfield.update",
        get="crm.contact.userfield.get",
        list="crm.contact.userfield.list",
        delete="crm.contact.userfield.delete",
    ),
    CONTACT.owner,
)
