"""The directory item catalogue: what crm.status.fields describes and crm.status.list returns."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from leadcrm.catalogue import Catalogue, Field
from leadcrm.catalogue.kinds import CODE, FLAG, INTEGER, Kind, StringKind


class ExtraKind(Kind):
    """``EXTRA`` is derived from SEMANTICS and COLOR on the way out; nothing is stored."""

    def parse(self, value: object, zone: ZoneInfo) -> Any:
        return value


NAME = StringKind(100)
STATUS_CODE = StringKind(50)
COLOR = StringKind(10)
SEMANTICS = StringKind(1)


def _f(name: str, type_: str, title: str, kind: Kind, **options: Any) -> Field:
    return Field(name=name, type=type_, kind=kind, title=title, column=name.lower(), **options)


STATUS_FIELDS = Catalogue(
    "STATUS",
    [
        _f("ID", "integer", "ID", INTEGER, read_only=True),
        _f("ENTITY_ID", "string", "Entity ID", CODE, required=True, immutable=True),
        _f("STATUS_ID", "string", "Status", STATUS_CODE, required=True, immutable=True),
        _f("SORT", "integer", "Sorting", INTEGER),
        _f("NAME", "string", "Name", NAME, required=True),
        _f("NAME_INIT", "string", "Default Name", NAME, read_only=True),
        _f("SYSTEM", "char", "System", FLAG, read_only=True),
        _f("CATEGORY_ID", "integer", "CATEGORY_ID", INTEGER, immutable=True),
        _f("COLOR", "string", "COLOR", COLOR),
        _f("SEMANTICS", "char", "SEMANTICS", SEMANTICS, immutable=True),
        Field(
            name="EXTRA",
            type="crm_status_extra",
            kind=ExtraKind(),
            title="Additional Fields",
            filterable=False,
            sortable=False,
        ),
    ],
)
