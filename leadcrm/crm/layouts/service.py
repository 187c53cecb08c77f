"""Card layouts stored, read, replaced and removed; which one a user sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Insert, Text, cast, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from leadcrm.crm.layouts.sections import without_field
from leadcrm.crm.layouts.tables import card_layouts

Scope = Literal["P", "C"]
PERSONAL: Scope = "P"
COMMON: Scope = "C"


@dataclass(frozen=True, slots=True)
class LayoutKey:
    """Which stored layout: the entity type's card variant, personal to a user or common."""

    entity_type_id: int
    variant: int
    scope: Scope
    user_id: int  # the owner of a personal layout; 0 for the common one

    @classmethod
    def of(cls, *, entity_type_id: int, variant: int, scope: Scope, user_id: int) -> LayoutKey:
        return cls(entity_type_id, variant, scope, user_id if scope == PERSONAL else 0)


def _where(key: LayoutKey) -> Any:
    c = card_layouts.c
    return (
        (c.entity_type_id == key.entity_type_id)
        & (c.variant == key.variant)
        & (c.scope == key.scope)
        & (c.user_id == key.user_id)
    )


def get_layout(conn: Connection, *, key: LayoutKey) -> list[dict[str, Any]] | None:
    """The stored sections, or None when that layout was never set (or was reset)."""
    stored = conn.execute(select(card_layouts.c.sections).where(_where(key))).scalar()
    return None if stored is None else list(stored)


def set_layout(
    conn: Connection,
    *,
    key: LayoutKey,
    sections: list[dict[str, Any]],
    user_id: int,
    now: datetime,
) -> None:
    """Store the sections in place of the layout's, if any (an upsert, so two calls at once
    both succeed and the later one wins)."""
    row = {
        "entity_type_id": key.entity_type_id,
        "variant": key.variant,
        "scope": key.scope,
        "user_id": key.user_id,
        "sections": sections,
        "updated_by_id": user_id,
        "updated_at": now,
    }
    conn.execute(_upsert(conn, row))


def _upsert(conn: Connection, row: dict[str, Any]) -> Insert:
    dialect: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(card_layouts).values(row)
    return statement.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=["entity_type_id", "variant", "scope", "user_id"],
        set_={
            "sections": statement.excluded.sections,
            "updated_by_id": statement.excluded.updated_by_id,
            "updated_at": statement.excluded.updated_at,
        },
    )


def reset_layout(conn: Connection, *, key: LayoutKey) -> None:
    conn.execute(delete(card_layouts).where(_where(key)))


def remove_personal_layouts(conn: Connection, *, entity_type_id: int, variant: int) -> None:
    """Every user's own layout of the card goes; the common one stays."""
    c = card_layouts.c
    conn.execute(
        delete(card_layouts).where(
            (c.entity_type_id == entity_type_id) & (c.variant == variant) & (c.scope == PERSONAL)
        )
    )


def remove_field(conn: Connection, *, entity_type_id: int, name: str) -> None:
    """Take a field (a deleted custom field) out of every stored layout of the entity type."""
    c = card_layouts.c
    # The text search only narrows the rows to read; the sections say what really holds it.
    mentioning = select(c.id, c.sections).where(
        (c.entity_type_id == entity_type_id) & cast(c.sections, Text).contains(f'"{name}"')
    )
    for layout_id, sections in conn.execute(mentioning).all():
        kept = without_field(list(sections), name)
        if kept != sections:
            conn.execute(update(card_layouts).where(c.id == layout_id).values(sections=kept))


def layout_for(
    conn: Connection, *, entity_type_id: int, variant: int, user_id: int
) -> tuple[Scope, list[dict[str, Any]]] | None:
    """The user's own layout of the card, else the common one; None when neither is stored."""
    c = card_layouts.c
    found = conn.execute(
        select(c.scope, c.sections)
        .where(
            (c.entity_type_id == entity_type_id)
            & (c.variant == variant)
            & or_((c.scope == PERSONAL) & (c.user_id == user_id), c.scope == COMMON)
        )
        .order_by(c.scope.desc())  # P before C
        .limit(1)
    ).first()
    if found is None:
        return None
    scope: Scope = PERSONAL if found.scope == PERSONAL else COMMON
    return scope, list(found.sections)
