"""An entity's custom values on a write: parsed with their defaults, stored with their
files, and the files no value holds any more deleted with the change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from leadcrm.crm.entities.kind import NewRecord, Writing
from leadcrm.crm.userfields.definitions import UserFields
from leadcrm.crm.userfields.values import CustomValues, defaults_of, parse_values
from leadcrm.files.service import Upload, delete_files, store_files
from leadcrm.rest.errors import RestError


def custom_values(
    fields: UserFields,
    prepared: Sequence[NewRecord | RestError],
    writing: Writing,
    now: datetime,
) -> list[CustomValues | None]:
    """Each new entity's custom values, parsed, with the defaults of the fields not sent."""
    defaults = defaults_of(fields, writing.zone, now)
    return [
        parse_values(
            fields,
            new.custom,
            writing.zone,
            creating=True,
            max_file_bytes=writing.max_file_bytes,
            now=now,
            defaults=defaults,
        )
        if isinstance(new, NewRecord)
        else None
        for new in prepared
    ]


def stored_values(
    conn: Connection, custom: CustomValues, current: Mapping[str, Any], user_id: int
) -> dict[str, Any] | None:
    """The row's new values: ``current`` with the sent ones, new files stored first."""
    uploads = custom.uploads()
    if uploads:
        file_ids = iter(store_files(conn, uploads=uploads, user_id=user_id))
        for key, value in custom.values.items():
            if isinstance(value, list):
                custom.values[key] = [next(file_ids) if isinstance(v, Upload) else v for v in value]
            elif isinstance(value, Upload):
                custom.values[key] = next(file_ids)
    merged = dict(current)
    for key, value in custom.values.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged or None


def files_of(fields: UserFields, values: Mapping[str, Any]) -> dict[str, set[int]]:
    """The files each file field of a row holds."""
    held: dict[str, set[int]] = {}
    for definition in fields.definitions:
        if definition.user_type.id == "file" and values.get(definition.key) is not None:
            value = values[definition.key]
            held[definition.key] = set(value if isinstance(value, list) else [value])
    return held


def drop_unheld_files(
    conn: Connection, fields: UserFields, before: Mapping[str, Any], after: Mapping[str, Any]
) -> None:
    """A file no field holds any more is deleted with the change that let it go."""
    kept = set().union(*files_of(fields, after).values())
    gone = set().union(*files_of(fields, before).values()) - kept
    if gone:
        delete_files(conn, file_ids=gone)
