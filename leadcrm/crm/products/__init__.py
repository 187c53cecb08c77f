"""A minimal product catalogue (crm.product.*), so that a lead's product rows can name one."""
