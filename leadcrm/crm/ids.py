"""The ``id`` parameter of CRM entity methods."""

from __future__ import annotations

from leadcrm.rest.errors import crm_error


def parse_entity_id(raw: object) -> int:
    """A positive integer, given as a number or a numeric string; otherwise the documented error."""
    if isinstance(raw, bool):
        raise crm_error("ID is not defined or invalid.")
    if isinstance(raw, int) and raw > 0:
        return raw
    if isinstance(raw, str) and raw.strip().isdigit() and int(raw) > 0:
        return int(raw)
    raise crm_error("ID is not defined or invalid.")
