"""crm.lead.*: the entity methods over the lead's kind."""

from __future__ import annotations

from leadcrm.crm.entities.methods import register_entity_methods
from leadcrm.crm.leads.service import LEAD

register_entity_methods("crm.lead", LEAD)
