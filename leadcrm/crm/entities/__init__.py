"""The machinery every CRM entity shares: described by an ``EntityKind``, run by ``service``."""
