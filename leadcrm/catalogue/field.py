"""One field of an entity, described once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Table

from leadcrm.catalogue.kinds import FieldValueError, Kind

__all__ = ["Condition", "Field", "FieldValueError"]

# Compiles one filter condition on a field that is not a plain column:
# (the entity's table, the operation, the values).
Condition = Callable[[Table, str, list[Any]], ColumnElement[bool]]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str
    kind: Kind
    title: str
    column: str | None = None
    required: bool = False
    read_only: bool = False
    immutable: bool = False
    multiple: bool = False
    dynamic: bool = False
    deprecated: bool = False
    status_type: str | None = None
    # What the value points at when its Bitrix24 type does not say: a product's CURRENCY_ID
    # is typed "string" yet names a currency ("crm_currency").
    reference: str | None = None
    settings: dict[str, Any] | None = None
    labels: dict[str, str] | None = None
    in_star: bool = True
    filterable: bool = True
    sortable: bool = True
    indexed: bool = False
    # Always holds a value (a default or the server's own): stored NOT NULL, and an empty
    # value sent for it means "the default" on add and "unchanged" on update.
    always_set: bool = False
    # A directory field that takes its directory's first item when a new entity leaves it out.
    default_first: bool = False
    condition: Condition | None = field(default=None, compare=False)
    # A value kept inside the row but not as a column of its own (a custom field's, in the
    # row's JSON): the SQL that reads it, so filters and orders treat it as a column.
    expression: Callable[[Table], ColumnElement[Any]] | None = field(default=None, compare=False)
    # Its index holds only the rows that have a value (the list engine orders it in two runs).
    sparse: bool = False
    # An enumeration's choices, as *.fields lists them.
    items: list[dict[str, str]] | None = None

    @property
    def stored(self) -> bool:
        return self.column is not None

    def describe(self) -> dict[str, Any]:
        """The descriptor ``*.fields`` returns, keys in the documented order."""
        described: dict[str, Any] = {
            "type": self.type,
            "isRequired": self.required,
            "isReadOnly": self.read_only,
            "isImmutable": self.immutable,
            "isMultiple": self.multiple,
            "isDynamic": self.dynamic,
        }
        if self.deprecated:
            described["isDeprecated"] = True
        if self.status_type:
            described["statusType"] = self.status_type
        described["title"] = self.title
        if self.labels:
            described.update(self.labels)
        if self.settings is not None:
            described["settings"] = self.settings
        if self.items is not None:
            described["items"] = self.items
        return described
