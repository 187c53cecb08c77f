"""One kind of binding: its table, and the column of the owner that mirrors the primary."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, Table, false

from leadcrm.db.metadata import metadata


@dataclass(frozen=True, slots=True)
class Relation:
    table: Table
    owner: str  # the owner's id column in ``table``: lead_id
    target: str  # the bound entity's id column: contact_id
    owner_table: Table  # crm_lead
    primary_column: str  # the owner's column holding the primary target: crm_lead.contact_id
    owner_entity: str  # LEAD
    target_entity: str  # CONTACT


def relation(
    name: str, *, owner_table: Table, owner: str, target: str, entities: tuple[str, str]
) -> Relation:
    """A relation and its table ``name``; ``entities``: the owner's and the target's names
    (LEAD, CONTACT). The owner mirrors its primary in its column named like ``target``."""
    table = binding_table(name, owner=owner, owner_table=owner_table.name, target=target)
    return Relation(table, owner, target, owner_table, target, *entities)


def binding_table(name: str, *, owner: str, owner_table: str, target: str) -> Table:
    """Owner, target, SORT, ROLE_ID and IS_PRIMARY, one row per bound pair; the rows go with
    their owner, and an index finds a target's owners when the target is deleted."""
    return Table(
        name,
        metadata,
        Column(
            owner, Integer, ForeignKey(f"{owner_table}.id", ondelete="CASCADE"), primary_key=True
        ),
        Column(target, Integer, primary_key=True),
        Column("sort", Integer, nullable=False),
        Column("role_id", Integer, nullable=False, server_default="0"),
        Column("is_primary", Boolean, nullable=False, server_default=false()),
        Index(f"ix_{name}_{target.removesuffix('_id')}", target),
    )
