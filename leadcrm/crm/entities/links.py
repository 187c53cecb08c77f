"""Writing an entity's binding fields (a lead's CONTACT_IDS, a company's CONTACT_ID)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert

from leadcrm.crm.bindings import service as bindings
from leadcrm.crm.bindings.service import Binding
from leadcrm.crm.entities.kind import EntityKind, Link, NewRecord
from leadcrm.crm.entities.registry import kind_named
from leadcrm.crm.ids import MAX_ID
from leadcrm.events.record import Change
from leadcrm.rest.errors import RestError


def link_ids(
    kind: EntityKind, accepted: dict[str, Any], sent_as: dict[str, str] | None = None
) -> dict[str, list[int]]:
    """Take the binding fields out of ``accepted``: the ids each link was sent, by its list
    field (and in ``sent_as`` the field that sent them). A primary field sent alone binds that
    one entity; the primary's column is set to the first of the list."""
    linked: dict[str, list[int]] = {}
    for link in kind.links:
        if link.many in accepted:
            ids = _ids(link, accepted.pop(link.many))
            name = link.many
        elif link.primary is not None and link.primary in accepted:
            ids = [accepted[link.primary]] if accepted[link.primary] else []
            name = link.primary
        else:
            continue
        linked[link.many] = ids
        if sent_as is not None:
            sent_as[link.many] = name
        if link.primary is not None:
            accepted[link.primary] = ids[0] if ids else None
    return linked


def _ids(link: Link, raw: Any) -> list[int]:
    values = (
        raw if isinstance(raw, list) else list(raw.values()) if isinstance(raw, dict) else [raw]
    )
    ids: list[int] = []
    for value in values:
        if value in (None, "", 0, "0"):
            continue
        text = str(value).strip() if isinstance(value, (int, str)) else ""
        if not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID):
            entity = link.other_entity.lower()
            raise RestError(
                "ERROR_CORE",
                f"The field {link.many} ({link.many}) is invalid: {entity} ids are expected.",
                400,
            )
        if int(text) not in ids:
            ids.append(int(text))
    return ids


def _in_order(ids: Sequence[int]) -> list[Binding]:
    return [Binding(target, sort=(i + 1) * 10, is_primary=i == 0) for i, target in enumerate(ids)]


def bind_new(
    conn: Connection, kind: EntityKind, news: Sequence[tuple[int, NewRecord]]
) -> list[Change]:
    """The bindings of entities just inserted (their primary columns were set with the row);
    the changes this makes to other entities."""
    touched: list[Change] = []
    for link in kind.links:
        relation = link.relation
        if link.reverse:
            for new_id, new in news:
                ids = new.linked.get(link.many)
                if ids:
                    touched += _touched(
                        link, bindings.set_owners(conn, relation, target_id=new_id, owner_ids=ids)
                    )
            continue
        rows = [
            {
                relation.owner: new_id,
                relation.target: b.target_id,
                "sort": b.sort,
                "role_id": b.role_id,
                "is_primary": b.is_primary,
            }
            for new_id, new in news
            for b in _in_order(new.linked.get(link.many, []))
        ]
        if rows:
            conn.execute(insert(relation.table), rows)
    return touched


def write_links(
    conn: Connection, kind: EntityKind, *, entity_id: int, linked: dict[str, list[int]]
) -> list[Change]:
    """Replace the bindings whose fields an update sent; the changes to other entities."""
    touched: list[Change] = []
    for link in kind.links:
        if link.many not in linked:
            continue
        ids = linked[link.many]
        if link.reverse:
            changed = bindings.set_owners(conn, link.relation, target_id=entity_id, owner_ids=ids)
            touched += _touched(link, changed)
        else:
            # The entity's row is locked already: update locked it before anything else.
            bindings.set_all(
                conn, link.relation, owner_id=entity_id, bindings=_in_order(ids), locked=True
            )
    return touched


def _touched(link: Link, owner_ids: Sequence[int]) -> list[Change]:
    owner = kind_named(link.relation.owner_entity)
    return [Change(owner.event("UPDATE"), owner.name, i) for i in owner_ids]
