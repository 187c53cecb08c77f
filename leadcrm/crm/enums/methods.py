"""REST methods of crm.enums (registered on import)."""
