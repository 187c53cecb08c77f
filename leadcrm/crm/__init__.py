"""CRM domains: leads and the directories they rely on."""
