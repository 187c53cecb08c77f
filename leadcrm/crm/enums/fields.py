"""Descriptors of enumeration items (crm.enum.fields) and multifield values (crm.multifield.fields).

Neither is stored: enumerations are fixed data, and multifield values belong to the entities
that hold them.
"""

from __future__ import annotations

from leadcrm.catalogue import Catalogue, Field
from leadcrm.catalogue.kinds import INTEGER, STRING, Kind


def _f(name: str, type_: str, title: str, kind: Kind = STRING, *, read_only: bool) -> Field:
    return Field(name=name, type=type_, kind=kind, title=title, read_only=read_only)


ENUM_FIELDS = Catalogue(
    "ENUM",
    [
        _f("ID", "int", "ID", INTEGER, read_only=True),
        _f("NAME", "string", "Name", read_only=True),
        _f("SYMBOL_CODE", "string", "Symbol code", read_only=True),
        _f("SYMBOL_CODE_SHORT", "string", "Short symbol code", read_only=True),
    ],
)

MULTIFIELD_FIELDS = Catalogue(
    "MULTIFIELD",
    [
        _f("ID", "int", "ID", INTEGER, read_only=True),
        _f("TYPE_ID", "string", "Field Type", read_only=True),
        _f("VALUE", "string", "Value", read_only=False),
        _f("VALUE_TYPE", "string", "Value Type", read_only=False),
    ],
)
