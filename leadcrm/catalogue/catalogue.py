"""An entity's ordered set of fields, and what it derives: columns, descriptors, I/O."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Column, Index, Table

from leadcrm.catalogue.field import Field, FieldValueError
from leadcrm.db.metadata import metadata


class Catalogue:
    def __init__(self, entity: str, fields: Iterable[Field]) -> None:
        self.entity = entity
        self._fields: dict[str, Field] = {}
        for f in fields:
            if f.name in self._fields:
                raise ValueError(f"{entity}: field {f.name} described twice")
            self._fields[f.name] = f

    def __iter__(self) -> Iterator[Field]:
        return iter(self._fields.values())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.upper() in self._fields

    def get(self, name: str) -> Field | None:
        # Names nearly always come upper-case already; only the others pay for upper().
        found = self._fields.get(name)
        return found if found is not None else self._fields.get(name.upper())

    def extended(self, extra: Iterable[Field]) -> Catalogue:
        """This catalogue plus run-time fields (custom fields), in that order."""
        return Catalogue(self.entity, [*self, *extra])

    def describe(self) -> dict[str, Any]:
        return {f.name: f.describe() for f in self}

    def table(self, name: str, *extra: Any) -> Table:
        """The entity's table: a column per stored field, the id as primary key."""
        columns: list[Any] = []
        for f in self:
            if f.column is None:
                continue
            if f.name == "ID":
                columns.append(Column(f.column, f.kind.sql_type, primary_key=True))
            else:
                columns.append(Column(f.column, f.kind.sql_type, nullable=not f.always_set))
        indexes = [Index(f"ix_{name}_{f.column}", f.column) for f in self if f.indexed and f.column]
        # AUTOINCREMENT: SQLite must never hand out the id of a deleted row again.
        return Table(name, metadata, *columns, *indexes, *extra, sqlite_autoincrement=True)

    def parse_input(
        self, values: Mapping[str, Any], zone: ZoneInfo, *, creating: bool
    ) -> tuple[dict[str, Any], list[str]]:
        """Writable values keyed by field name, and a sentence per value that does not fit.

        Unknown and read-only fields are ignored, as Bitrix24 does; immutable ones only on add.
        """
        accepted: dict[str, Any] = {}
        errors: list[str] = []
        for key, raw in values.items():
            f = self.get(str(key))
            if f is None or f.read_only or (f.immutable and not creating):
                continue
            if f.multiple and f.column is None:
                accepted[f.name] = raw
                continue
            try:
                accepted[f.name] = f.kind.parse(raw, zone)
            except FieldValueError as exc:
                errors.append(f"The field {f.title} ({f.name}) is invalid: {exc}.")
        return accepted, errors

    @staticmethod
    def render_row(
        row: Mapping[Any, Any], fields: Iterable[Field], zone: ZoneInfo
    ) -> dict[str, Any]:
        """The stored columns of ``fields`` in wire form, in catalogue order."""
        return {f.name: f.kind.render(row[f.column], zone) for f in fields if f.column}
