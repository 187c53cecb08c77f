"""REST methods of crm.leads (registered on import)."""
