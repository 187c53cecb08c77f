"""Card layouts: the sections of fields an item's card shows, per user or common."""
