"""The catalogues of a custom field definition and of an enumeration item.

They drive crm.userfield.fields, crm.userfield.enumeration.fields, the definition table's
columns and the filters and orders of crm.lead.userfield.list.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON

from leadcrm.catalogue import Catalogue, Field
from leadcrm.catalogue.kinds import CODE, FLAG, INTEGER, STRING, STRUCTURED, Kind


class JsonKind(Kind):
    """An object kept whole (a definition's SETTINGS)."""

    sql_type = JSON(none_as_null=True)

    def parse(self, value: object, zone: ZoneInfo) -> Any:
        return value


def _f(name: str, type_: str, kind: Kind, title: str, **options: Any) -> Field:
    options.setdefault("column", name.lower())
    return Field(name=name, type=type_, kind=kind, title=title, **options)


def _label(name: str, title: str) -> Field:
    return Field(
        name=name, type="string", kind=STRUCTURED, title=title, filterable=False, sortable=False
    )


USERFIELD_FIELDS = Catalogue(
    "USERFIELD",
    [
        _f("ID", "int", INTEGER, "ID", read_only=True, always_set=True),
        _f(
            "ENTITY_ID",
            "string",
            CODE,
            "Object",
            immutable=True,
            always_set=True,
            filterable=False,
            sortable=False,
        ),
        _f("FIELD_NAME", "string", CODE, "Code", immutable=True, always_set=True),
        _f("USER_TYPE_ID", "string", CODE, "Data Type", immutable=True, always_set=True),
        _f("XML_ID", "string", STRING, "External ID (XML ID)"),
        _f("SORT", "int", INTEGER, "Sorting", always_set=True),
        _f("MULTIPLE", "char", FLAG, "Multiple", always_set=True, sortable=False),
        _f("MANDATORY", "char", FLAG, "Mandatory", always_set=True, sortable=False),
        _f("SHOW_FILTER", "char", CODE, "Show in list filter", always_set=True, sortable=False),
        _f("SHOW_IN_LIST", "char", FLAG, "Show in list", always_set=True, sortable=False),
        _f("EDIT_IN_LIST", "char", FLAG, "Allow user editing", always_set=True, sortable=False),
        _f(
            "IS_SEARCHABLE",
            "char",
            FLAG,
            "Field values are searchable",
            always_set=True,
            sortable=False,
        ),
        _label("EDIT_FORM_LABEL", "Label in edit form"),
        _label("LIST_COLUMN_LABEL", "Header in list"),
        _label("LIST_FILTER_LABEL", "Filter label in list"),
        _label("ERROR_MESSAGE", "Error message"),
        _label("HELP_MESSAGE", "Help"),
        Field(
            name="LIST",
            type="uf_enum_element",
            kind=STRUCTURED,
            title="List elements",
            multiple=True,
            filterable=False,
            sortable=False,
        ),
        _f(
            "SETTINGS",
            "object",
            JsonKind(),
            "Additional settings (dependent on type)",
            always_set=True,
            filterable=False,
            sortable=False,
        ),
    ],
)

ENUM_ITEM_FIELDS = Catalogue(
    "USERFIELD_ENUM",
    [
        _f("ID", "int", INTEGER, "ID", read_only=True, always_set=True),
        _f("SORT", "int", INTEGER, "Sorting", always_set=True),
        _f("VALUE", "string", STRING, "Value", always_set=True),
        _f("DEF", "string", FLAG, "Default Value", column="is_default", always_set=True),
        Field(name="DEL", type="string", kind=FLAG, title="Element Deletion Flag"),
    ],
)


def describe_briefly(catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    """The short descriptors of crm.userfield.*fields: a flag appears only when it is set."""
    described: dict[str, dict[str, Any]] = {}
    for f in catalogue:
        one: dict[str, Any] = {"type": f.type, "title": f.title}
        for flag_name, value in (
            ("isReadOnly", f.read_only),
            ("isImmutable", f.immutable),
            ("isMultiple", f.multiple),
        ):
            if value:
                one[flag_name] = True
        described[f.name] = one
    return described
