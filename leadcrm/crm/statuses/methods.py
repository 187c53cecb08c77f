"""REST methods of crm.statuses (registered on import)."""
