"""The ``id`` parameter of CRM entity methods."""

from __future__ import annotations

from leadcrm.rest.errors import crm_error

MAX_ID = 2**31 - 1
"""The largest id an entity can have: id columns are 32-bit integers on PostgreSQL."""


def whole_number(raw: object) -> int | None:
    """A non-negative integer sent as a number or as digits (spaces around them allowed), as
    ids, sorts and flags come from JSON and from form bodies alike; None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if raw >= 0 else None
    if isinstance(raw, str):
        text = raw.strip()
        # isascii: str.isdigit() also accepts digits such as "²" that int() refuses.
        if text.isascii() and text.isdigit():
            return int(text)
    return None


def parse_entity_id(raw: object) -> int:
    """A positive integer, given as a number or a numeric string; otherwise the documented error.

    An id above ``MAX_ID`` is still a valid id (no entity has it: "Not found", as Bitrix24
    answers); callers check it with ``MAX_ID`` before it reaches the database.
    """
    number = whole_number(raw)
    if not number:
        raise crm_error("ID is not defined or invalid.")
    return number
