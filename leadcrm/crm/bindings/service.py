"""Reading and changing bindings, keeping exactly one primary and the owner's mirror of it.

Every change goes through ``_store``: it writes an owner's whole list at once, after
``normalised`` made sure the list has one primary, so no sequence of calls can leave two
primaries or none, and the owner's primary column always names the primary target.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Connection, delete, insert, select, update

from leadcrm.crm.bindings.relation import Relation


@dataclass(frozen=True, slots=True)
class Binding:
    target_id: int
    sort: int = 10
    role_id: int = 0
    is_primary: bool = False


def normalised(bindings: Sequence[Binding]) -> list[Binding]:
    """Ordered by SORT, then id; the first marked primary stays primary, and
    with none marked the first one is."""
    ordered = sorted(bindings, key=lambda b: (b.sort, b.target_id))
    marked = next((b.target_id for b in ordered if b.is_primary), None)
    if marked is None and ordered:
        marked = ordered[0].target_id
    return [replace(b, is_primary=b.target_id == marked) for b in ordered]


def bound(
    conn: Connection, relation: Relation, *, owner_ids: Iterable[int]
) -> dict[int, list[Binding]]:
    """Each owner's bindings in SORT order."""
    table = relation.table
    owner, target = table.c[relation.owner], table.c[relation.target]
    wanted = sorted(set(owner_ids))
    found: dict[int, list[Binding]] = {}
    if not wanted:
        return found
    statement = (
        select(owner, target, table.c.sort, table.c.role_id, table.c.is_primary)
        .where(owner.in_(wanted))
        .order_by(owner, table.c.sort, target)
    )
    for row in conn.execute(statement):
        found.setdefault(row[0], []).append(Binding(row[1], row[2], row[3], bool(row[4])))
    return found


def owners_of(conn: Connection, relation: Relation, *, target_ids: Iterable[int]) -> set[int]:
    table = relation.table
    wanted = sorted(set(target_ids))
    if not wanted:
        return set()
    statement = select(table.c[relation.owner]).where(table.c[relation.target].in_(wanted))
    return set(conn.execute(statement).scalars())


def targets_of(
    conn: Connection, relation: Relation, *, owner_ids: list[int]
) -> dict[int, list[int]]:
    """Each owner's bound targets in SORT order, as the ``*_IDS`` fields list them."""
    return {
        owner_id: [b.target_id for b in found]
        for owner_id, found in bound(conn, relation, owner_ids=owner_ids).items()
    }


def _held(conn: Connection, relation: Relation, owner_id: int, *, locked: bool) -> list[Binding]:
    """The owner's bindings, read after locking its row (unless the caller ``locked`` it
    already): changes to one owner take turns."""
    if not locked:
        owners = relation.owner_table
        conn.execute(select(owners.c.id).where(owners.c.id == owner_id).with_for_update())
    return bound(conn, relation, owner_ids=[owner_id]).get(owner_id, [])


def owners_by_target(
    conn: Connection, relation: Relation, *, target_ids: list[int]
) -> dict[int, list[int]]:
    """Each target's owners, by owner id: the bindings seen from the other end (a
    company's CONTACT_ID)."""
    table = relation.table
    owner, target = table.c[relation.owner], table.c[relation.target]
    found: dict[int, list[int]] = {}
    if not target_ids:
        return found
    rows = conn.execute(
        select(target, owner).where(target.in_(sorted(set(target_ids)))).order_by(target, owner)
    )
    for target_id, owner_id in rows:
        found.setdefault(target_id, []).append(owner_id)
    return found


def set_all(
    conn: Connection,
    relation: Relation,
    *,
    owner_id: int,
    bindings: Sequence[Binding],
    locked: bool = False,
) -> bool:
    """Replace an owner's bindings; True when that changed them."""
    before = _held(conn, relation, owner_id, locked=locked)
    return _store(conn, relation, owner_id, before, normalised(bindings))


def add(
    conn: Connection,
    relation: Relation,
    *,
    owner_id: int,
    binding: Binding,
    locked: bool = False,
) -> bool:
    """Bind one target (or change its SORT, role and primacy when already bound)."""
    before = _held(conn, relation, owner_id, locked=locked)
    others = [b for b in before if b.target_id != binding.target_id]
    if binding.is_primary:
        others = [replace(b, is_primary=False) for b in others]
    elif not any(b.is_primary for b in others):
        binding = replace(binding, is_primary=True)
    return _store(conn, relation, owner_id, before, normalised([*others, binding]))


def remove(
    conn: Connection, relation: Relation, *, owner_id: int, target_id: int, locked: bool = False
) -> bool:
    """Unbind one target; when it was the primary, the first remaining one takes over."""
    before = _held(conn, relation, owner_id, locked=locked)
    rest = [b for b in before if b.target_id != target_id]
    return _store(conn, relation, owner_id, before, normalised(rest))


def forget(conn: Connection, relation: Relation, *, target_id: int) -> list[int]:
    """Unbind a target from every owner (it is being deleted); the owners that changed."""
    owner_ids = sorted(owners_of(conn, relation, target_ids=[target_id]))
    for owner_id in owner_ids:
        remove(conn, relation, owner_id=owner_id, target_id=target_id)
    return owner_ids


def set_owners(
    conn: Connection, relation: Relation, *, target_id: int, owner_ids: Sequence[int]
) -> list[int]:
    """Bind a target to exactly these owners, seen from the target (a company's CONTACT_ID):
    a new binding goes last and is primary only for an owner that had none; the owners
    that changed."""
    current = owners_of(conn, relation, target_ids=[target_id])
    changed = []
    for owner_id in sorted(current - set(owner_ids)):
        remove(conn, relation, owner_id=owner_id, target_id=target_id)
        changed.append(owner_id)
    for owner_id in owner_ids:
        if owner_id in current:
            continue
        held = _held(conn, relation, owner_id, locked=False)
        last = max((b.sort for b in held), default=0)
        add(conn, relation, owner_id=owner_id, binding=Binding(target_id, sort=last + 10))
        changed.append(owner_id)
    return changed


def _store(
    conn: Connection,
    relation: Relation,
    owner_id: int,
    before: Sequence[Binding],
    after: Sequence[Binding],
) -> bool:
    if list(before) == list(after):
        return False
    table = relation.table
    conn.execute(delete(table).where(table.c[relation.owner] == owner_id))
    if after:
        conn.execute(
            insert(table),
            [
                {
                    relation.owner: owner_id,
                    relation.target: b.target_id,
                    "sort": b.sort,
                    "role_id": b.role_id,
                    "is_primary": b.is_primary,
                }
                for b in after
            ],
        )
    primary = next((b.target_id for b in after if b.is_primary), None)
    owners = relation.owner_table
    conn.execute(
        update(owners).where(owners.c.id == owner_id).values({relation.primary_column: primary})
    )
    return True
