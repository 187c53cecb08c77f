"""Checks that values pointing into directories (stages, sources, currencies, users) exist.

Driven by the field's Bitrix24 type, so every catalogue gets the same checks for free.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from leadcrm.catalogue import Catalogue, Field
from leadcrm.crm.currencies.service import currency_exists
from leadcrm.crm.statuses.service import status_exists
from leadcrm.rest.errors import RestError
from leadcrm.users.service import user_exists


def check_references(
    conn: Connection,
    catalogue: Catalogue,
    values: Mapping[str, Any],
    *,
    acting_user_id: int | None = None,
    found: list[str] | None = None,
) -> None:
    """Raise one error naming every unknown value, after the problems already ``found``.

    ``acting_user_id`` is known to exist: it was just authenticated.
    """
    problems = list(found or [])
    for name, value in values.items():
        field = catalogue.get(name)
        if field is None or value is None or value == "":
            continue
        if field.type == "crm_status" and field.status_type:
            known = status_exists(conn, entity_id=field.status_type, status_id=str(value))
        elif field.type == "crm_currency":
            known = currency_exists(conn, currency_id=str(value))
        elif field.type == "user":
            known = value == acting_user_id or (
                isinstance(value, int) and user_exists(conn, user_id=value)
            )
        else:
            continue
        if not known:
            problems.append(unknown_value(field, value))
    if problems:
        raise RestError("ERROR_CORE", " ".join(problems), 400)


def unknown_value(field: Field, value: object) -> str:
    return f"The field {field.title} ({field.name}) has an unknown value '{value}'."
