"""Which ids of a CRM entity exist: each entity's package registers how to tell.

Bindings (a lead's contacts, a `crm` custom field's values) name entities of other packages;
this registry lets them check without importing those packages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Connection, Table, bindparam, select

from leadcrm.crm.ids import MAX_ID

ExistenceCheck = Callable[[Connection, set[int]], set[int]]
_checks: dict[str, ExistenceCheck] = {}


def register_existence_check(entity: str, check: ExistenceCheck) -> None:
    _checks[entity] = check


def rows_of(table: Table) -> ExistenceCheck:
    """The check for an entity whose rows are ``table``'s, by id. The rows found stay locked
    against deletion until the transaction ends, so what was found still exists when the
    binding that needed it commits."""
    statement = (
        select(table.c.id)
        .where(table.c.id.in_(bindparam("ids", expanding=True)))
        .with_for_update(read=True)
    )

    def check(conn: Connection, ids: set[int]) -> set[int]:
        wanted = sorted(i for i in ids if 0 < i <= MAX_ID)
        if not wanted:
            return set()
        return set(conn.execute(statement, {"ids": wanted}).scalars())

    return check


def existing(conn: Connection, entity: str, ids: Iterable[int]) -> set[int]:
    """The ids that exist; an entity nobody registered (deals) has its ids taken on trust."""
    wanted = set(ids)
    check = _checks.get(entity)
    return check(conn, wanted) if check is not None else wanted
