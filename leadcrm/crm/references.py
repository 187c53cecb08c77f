"""Checks that values pointing into directories (stages, sources, currencies, users) exist.

Driven by the field's Bitrix24 type, so every catalogue gets the same checks for free.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from leadcrm.catalogue import Catalogue
from leadcrm.crm.currencies.service import currency_exists
from leadcrm.crm.statuses.service import status_exists
from leadcrm.rest.errors import RestError
from leadcrm.users.service import user_exists


def check_references(conn: Connection, catalogue: Catalogue, values: Mapping[str, Any]) -> None:
    problems = []
    for name, value in values.items():
        field = catalogue.get(name)
        if field is None or value is None or value == "":
            continue
        if field.type == "crm_status" and field.status_type:
            known = status_exists(conn, entity_id=field.status_type, status_id=str(value))
        elif field.type == "crm_currency":
            known = currency_exists(conn, currency_id=str(value))
        elif field.type == "user":
            known = isinstance(value, int) and user_exists(conn, user_id=value)
        else:
            continue
        if not known:
            problems.append(
                f"The field {field.title} ({field.name}) has an unknown value '{value}'."
            )
    if problems:
        raise RestError("ERROR_CORE", " ".join(problems), 400)
