"""crm.company.* and crm.company.userfield.*: the entity methods over the company's kind."""

from __future__ import annotations

from leadcrm.crm.companies.service import COMPANY
from leadcrm.crm.entities.methods import register_entity_methods
from leadcrm.crm.userfields.methods import register_userfield_methods

register_entity_methods("crm.company", COMPANY)
register_userfield_methods("crm.company.userfield", COMPANY.owner)
