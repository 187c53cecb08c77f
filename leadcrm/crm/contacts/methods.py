"""crm.contact.* and crm.contact.userfield.*: the entity methods over the contact's kind."""

from __future__ import annotations

from leadcrm.crm.contacts.service import CONTACT
from leadcrm.crm.entities.methods import register_entity_methods
from leadcrm.crm.userfields.methods import register_userfield_methods

register_entity_methods("crm.contact", CONTACT)
register_userfield_methods("crm.contact.userfield", CONTACT.owner)
