"""REST methods of crm.currencies (registered on import)."""
