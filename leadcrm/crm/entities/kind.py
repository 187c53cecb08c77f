"""What makes one CRM entity (lead, contact, company) different from the others.

The entity service does everything the same way for all of them, from this description:
the catalogue, the table, the custom-field owner, the bindings, and a few hooks for what
only one entity does (a lead's stage semantics).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, RowMapping, Table, bindparam, update

from leadcrm.catalogue import Catalogue, Field
from leadcrm.catalogue.kinds import FlagKind, MoneyKind
from leadcrm.crm.bindings.relation import Relation
from leadcrm.crm.multifields import service as multifields
from leadcrm.crm.references import References
from leadcrm.crm.userfields.owners import Owner

# The entity a system field of this type points at.
REFERENCE_TYPES = {"crm_lead": "LEAD", "crm_contact": "CONTACT", "crm_company": "COMPANY"}


@dataclass(frozen=True, slots=True)
class Link:
    """Fields that bind the entity to others through a relation: the list of bound ids
    (CONTACT_IDS) and, on the relation's owner, the primary one (CONTACT_ID).

    ``reverse``: the entity is the relation's target (a company's CONTACT_ID lists the
    contacts bound to it), so it has no primary of its own."""

    relation: Relation
    many: str
    primary: str | None = None
    reverse: bool = False

    @property
    def other_entity(self) -> str:
        return self.relation.owner_entity if self.reverse else self.relation.target_entity


@dataclass(frozen=True, slots=True)
class Writing:
    """What a write call brings besides its values: who, the portal zone, the file cap."""

    user_id: int
    zone: ZoneInfo
    max_file_bytes: int


@dataclass(slots=True)
class NewRecord:
    """An entity's values, parsed and checked as far as that needs no database.

    Custom values stay as sent: what they mean depends on definitions read in the transaction.
    """

    accepted: dict[str, Any]
    items: dict[str, list[multifields.Item]]
    linked: dict[str, list[int]]  # by Link.many: the ids sent
    custom: dict[str, Any]
    # By Link.many: the field that sent them (CONTACT_ID alone, or CONTACT_IDS), for errors.
    sent_as: dict[str, str] = field(default_factory=dict)


# Fill a new row's entity-specific columns (the common ones are filled already).
FillNew = Callable[[dict[str, Any], NewRecord, References, Writing, datetime], None]
# Add an update's entity-specific changes, given the current row and the values sent.
FillUpdate = Callable[
    [dict[str, Any], RowMapping, Mapping[str, Any], References, Writing, datetime], None
]
# After a set of rows was inserted: their ids with their rows.
AfterAdd = Callable[[Connection, list[tuple[int, dict[str, Any]]]], None]


def named_after_id(table: Table, column: str, pattern: str) -> AfterAdd:
    """An ``after_add`` giving each new row that left ``column`` empty a value made from its
    id: a lead's title "Lead #12", a product's external code "12"."""
    statement = (
        update(table).where(table.c.id == bindparam("row_id")).values({column: bindparam("named")})
    )

    def name(conn: Connection, added: list[tuple[int, dict[str, Any]]]) -> None:
        unnamed = [
            {"row_id": row_id, "named": pattern.format(row_id)}
            for row_id, row in added
            if not row.get(column)
        ]
        if unnamed:
            conn.execute(statement, unnamed)

    return name


def _fill_nothing(*_: Any) -> None:
    return None


@dataclass(frozen=True)
class EntityKind:
    name: str  # LEAD: the multifields' entity, and ONCRMLEAD* events
    catalogue: Catalogue
    table: Table
    owner: Owner  # its custom fields
    # What update and delete answer for an id with no row: (code, text), as each page has it.
    missing_on_update: tuple[str, str] = ("", "Not found")
    missing_on_delete: tuple[str, str] = ("", "Not found")
    # Groups of fields of which an entity must hold at least one (TITLE; NAME or LAST_NAME).
    # Not every field *.fields calls required: the contact's fields page marks its three
    # names required, its add page none (docs/compatibility.md).
    required: tuple[tuple[str, ...], ...] = ()
    # The order of the get answer's fields where the get example differs from *.fields.
    get_order: tuple[str, ...] = ()
    # Only administrators add, change and delete it (products: "Allow to modify settings").
    admin_writes: bool = False
    links: tuple[Link, ...] = ()
    fill_new: FillNew = _fill_nothing
    fill_update: FillUpdate = _fill_nothing
    after_add: AfterAdd = _fill_nothing
    multifield_names: tuple[str, ...] = field(init=False)
    column_of: dict[str, str] = field(init=False)
    # Always-set flags and amounts with no default of their own: N and 0 when not sent.
    always_zero: dict[str, Any] = field(init=False)  # by column
    get_fields: tuple[Field, ...] = field(init=False)  # what get answers, in its order
    # Directory fields that default to their directory's first item.
    first_defaults: tuple[Field, ...] = field(init=False)
    # Fields naming another entity, by the entity, except the ones links write.
    references: dict[str, str] = field(init=False)
    # Fields for which an empty value means "the default" (add) or "unchanged" (update).
    defaulted: frozenset[str] = field(init=False)
    # Single references (a user, a company) for which 0 means none.
    zero_is_none: frozenset[str] = field(init=False)
    columns: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        names = tuple(f.name for f in self.catalogue if f.type == "crm_multifield")
        object.__setattr__(self, "multifield_names", names)
        columns = {f.name: f.column for f in self.catalogue if f.column is not None}
        object.__setattr__(self, "column_of", columns)
        zeroes = {
            f.column: f.kind.parse(0, ZoneInfo("UTC"))
            for f in self.catalogue
            if f.always_set
            and f.column
            and not f.read_only
            and isinstance(f.kind, (FlagKind, MoneyKind))
        }
        object.__setattr__(self, "always_zero", zeroes)
        shown = [f for f in self.catalogue if f.in_star]
        rank = {name: n for n, name in enumerate(self.get_order)}
        shown.sort(key=lambda f: rank.get(f.name, len(rank)))
        object.__setattr__(self, "get_fields", tuple(shown))
        firsts = tuple(f for f in self.catalogue if f.default_first and f.status_type and f.column)
        object.__setattr__(self, "first_defaults", firsts)
        linked = {name for link in self.links for name in (link.many, link.primary) if name}
        pointing = {
            f.name: REFERENCE_TYPES[f.type]
            for f in self.catalogue
            if f.type in REFERENCE_TYPES and f.name not in linked
        }
        object.__setattr__(self, "references", pointing)
        defaulted = {f.name for f in self.catalogue if f.always_set or f.default_first}
        object.__setattr__(self, "defaulted", frozenset(defaulted))
        zero = {
            f.name
            for f in self.catalogue
            if not f.multiple and (f.type == "user" or f.type in REFERENCE_TYPES)
        }
        object.__setattr__(self, "zero_is_none", frozenset(zero))
        object.__setattr__(self, "columns", frozenset(self.table.c.keys()))

    def event(self, action: str) -> str:
        return f"ONCRM{self.name}{action}"
