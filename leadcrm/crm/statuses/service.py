"""Directories (crm.status.*): plain functions over a connection, knowing nothing of HTTP.

Three directories live here: lead stages (``STATUS``), sources and honorifics. Lead stages
carry semantics (process, success, failure) and must keep the order Bitrix24 relies on:
every process stage sorts before the success stage, which sorts before every failure stage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    RowMapping,
    bindparam,
    delete,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError

from leadcrm.catalogue import Field
from leadcrm.crm.statuses.tables import statuses
from leadcrm.listing import ListQuery, ListResult, run
from leadcrm.rest.errors import RestError, crm_error

STAGES = "STATUS"
PROCESS, SUCCESS, FAILURE = "P", "S", "F"
DEFAULT_SORT = 10
NAME_LENGTH = 100
# Bitrix24's colours for a stage added without one, by semantics.
DEFAULT_COLORS = {PROCESS: "#ACE9FB", SUCCESS: "#DBF199", FAILURE: "#FFBEBD"}
_COLOR = re.compile(r"#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})")
_STAGE_CODE = re.compile(r"[A-Za-z0-9_-]+")

NOT_SUPPORTED = "Specified entity type is not supported."
NOT_FOUND = "Status is not found."
DUPLICATE = "The specified status ID already exists."
SYSTEM_DELETE = (
    'CRM System Status can be deleted only if parameter FORCED is specified and equal to "Y".'
)
IN_USE = "There are active items in this status."
AFTER_FINAL = (
    "Cannot create more stages after the final stage because the final successful stage "
    "already exists. Try using sort order values less than that of the final stage."
)


@dataclass(frozen=True, slots=True)
class Directory:
    """A directory this server holds; only these may be read item by item or written."""

    entity_id: str
    name: str
    code_length: int = 50
    code_pattern: re.Pattern[str] | None = None
    entity_type_id: int | None = None

    @property
    def has_stages(self) -> bool:
        return self.entity_type_id is not None


DIRECTORIES: dict[str, Directory] = {
    d.entity_id: d
    for d in (
        Directory(STAGES, "Lead stages", 21, _STAGE_CODE, entity_type_id=1),
        Directory("SOURCE", "Sources"),
        # The client directories contacts and companies take their types from.
        Directory("CONTACT_TYPE", "Contact type"),
        Directory("COMPANY_TYPE", "Company type"),
        Directory("EMPLOYEES", "Number of employees"),
        Directory("INDUSTRY", "Industry"),
        Directory("HONORIFIC", "Inquiries"),
    )
}

# The answers list NAME and NAME_INIT before SORT; crm.status.fields lists SORT first.
_ANSWER_ORDER = (
    "ID",
    "ENTITY_ID",
    "STATUS_ID",
    "NAME",
    "NAME_INIT",
    "SORT",
    "SYSTEM",
    "CATEGORY_ID",
    "COLOR",
    "SEMANTICS",
    "EXTRA",
)

UsageCheck = Callable[[Connection, str], bool]
_usage_checks: dict[str, list[UsageCheck]] = {}


def register_usage_check(entity_id: str, check: UsageCheck) -> None:
    """Let the package that stores directory codes (leads) veto deleting one still in use.

    ``check(conn, status_id)`` answers True when some item still holds the code.
    """
    checks = _usage_checks.setdefault(entity_id, [])
    if check not in checks:
        checks.append(check)


def directory(entity_id: object) -> Directory | None:
    return DIRECTORIES.get(entity_id) if isinstance(entity_id, str) else None


# -- what the lead package asks ---------------------------------------------------------------


def status_exists(conn: Connection, *, entity_id: str, status_id: str) -> bool:
    return _find(conn, entity_id, status_id) is not None


def status_semantics(conn: Connection, *, entity_id: str, status_id: str) -> str | None:
    """'P', 'S' or 'F' for an existing item (non-stage items count as 'P'); None if absent."""
    row = _find(conn, entity_id, status_id)
    if row is None:
        return None
    return str(row.semantics or PROCESS)


def semantics_of(
    conn: Connection, *, wanted: Iterable[tuple[str, str]], first_of: Iterable[str] = ()
) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """In one statement: each wanted (directory, item)'s semantics ('P' for non-stage items),
    and the first process stage of each directory in ``first_of``. Absent items are left out.
    """
    pairs, firsts = sorted(set(wanted)), sorted(set(first_of))
    if not pairs and not firsts:
        return {}, {}
    rows = conn.execute(_SEMANTICS, {"pairs": pairs, "firsts": firsts}).all()
    found: dict[tuple[str, str], str] = {}
    first: dict[str, str] = {}
    for entity_id, status_id, semantics in rows:
        found[(entity_id, status_id)] = semantics or PROCESS
        if entity_id in firsts and semantics is None:
            first.setdefault(entity_id, status_id)
    return {pair: found[pair] for pair in pairs if pair in found}, first


# Built once: every lead add and update runs it.
_SEMANTICS = (
    select(statuses.c.entity_id, statuses.c.status_id, statuses.c.semantics)
    .where(
        or_(
            tuple_(statuses.c.entity_id, statuses.c.status_id).in_(
                bindparam("pairs", expanding=True)
            ),
            statuses.c.entity_id.in_(bindparam("firsts", expanding=True))
            & statuses.c.semantics.is_(None),
        )
    )
    .order_by(statuses.c.sort, statuses.c.id)
)


def first_status(conn: Connection, *, entity_id: str) -> str:
    """The process stage with the lowest SORT: where new items start (NEW by default).

    Deleting the last process stage is refused, so a stage directory always has one.
    """
    row = conn.execute(
        select(statuses.c.status_id)
        .where(statuses.c.entity_id == entity_id, statuses.c.semantics.is_(None))
        .order_by(statuses.c.sort, statuses.c.id)
        .limit(1)
    ).first()
    if row is None:
        raise LookupError(f"directory {entity_id} has no process stage")
    return str(row.status_id)


def _find(conn: Connection, entity_id: str, status_id: str) -> RowMapping | None:
    return (
        conn.execute(
            select(statuses).where(
                statuses.c.entity_id == entity_id, statuses.c.status_id == status_id
            )
        )
        .mappings()
        .first()
    )


# -- reading ----------------------------------------------------------------------------------


def get_status_row(conn: Connection, *, id: int) -> RowMapping | None:
    return conn.execute(select(statuses).where(statuses.c.id == id)).mappings().first()


def list_statuses(conn: Connection, *, query: ListQuery) -> ListResult:
    return run(conn, statuses, query)


def entity_items(conn: Connection, *, entity_id: str) -> list[RowMapping]:
    return list(
        conn.execute(
            select(statuses)
            .where(statuses.c.entity_id == entity_id)
            .order_by(statuses.c.sort, statuses.c.id)
        ).mappings()
    )


def entity_types(conn: Connection) -> list[dict[str, Any]]:
    """The directories, stage directories with their semantic summary, as Bitrix24 lists them."""
    described: list[dict[str, Any]] = []
    for d in DIRECTORIES.values():
        item: dict[str, Any] = {"ID": d.entity_id, "NAME": d.name}
        if d.has_stages:
            item["SEMANTIC_INFO"] = _semantic_info(entity_items(conn, entity_id=d.entity_id))
            item["ENTITY_TYPE_ID"] = d.entity_type_id
        described.append(item)
    return described


def _semantic_info(stages: Sequence[RowMapping]) -> dict[str, Any]:
    def first(semantics: str | None) -> str:
        return next((str(s.status_id) for s in stages if s.semantics == semantics), "")

    return {
        "START_FIELD": first(None),
        "FINAL_SUCCESS_FIELD": first(SUCCESS),
        "FINAL_UNSUCCESS_FIELD": first(FAILURE),
        "FINAL_SORT": 0,
    }


def final_failures(conn: Connection, entity_ids: Iterable[str]) -> dict[str, str]:
    """Per stage directory, the failure stage that is final; the others are 'apology' stages."""
    wanted = {e for e in entity_ids if (d := directory(e)) is not None and d.has_stages}
    found: dict[str, str] = {}
    if not wanted:
        return found
    rows = conn.execute(
        select(statuses.c.entity_id, statuses.c.status_id)
        .where(statuses.c.entity_id.in_(wanted), statuses.c.semantics == FAILURE)
        .order_by(statuses.c.sort.desc(), statuses.c.id.desc())
    )
    for row in rows:
        found[str(row.entity_id)] = str(row.status_id)
    return found


def render_status(
    row: RowMapping,
    fields: Sequence[Field],
    zone: ZoneInfo,
    *,
    final_failures: dict[str, str] | None = None,
) -> dict[str, object]:
    """An item as crm.status.list/get answer it; EXTRA only for stages and only when asked."""
    rendered: dict[str, object] = {}
    for f in sorted(fields, key=lambda f: _ANSWER_ORDER.index(f.name)):
        if f.column is not None:
            rendered[f.name] = f.kind.render(row[f.column], zone)
        elif f.name == "EXTRA" and final_failures is not None:
            d = directory(row["entity_id"])
            if d is not None and d.has_stages:
                rendered["EXTRA"] = {
                    "SEMANTICS": _extra_semantics(row, final_failures),
                    "COLOR": row["color"],
                }
    return rendered


def _extra_semantics(row: RowMapping, final_failures: dict[str, str]) -> str:
    if row["semantics"] == SUCCESS:
        return "success"
    if row["semantics"] == FAILURE:
        final = final_failures.get(row["entity_id"])
        return "failure" if final in (None, row["status_id"]) else "apology"
    return "process"


def render_item(row: RowMapping) -> dict[str, object]:
    """An item as crm.status.entity.items answers it: SORT is an integer there."""
    return {"NAME": row["name"], "SORT": row["sort"], "STATUS_ID": row["status_id"]}


# -- writing ----------------------------------------------------------------------------------


def add_status(
    conn: Connection,
    *,
    entity_id: str,
    status_id: str,
    name: str,
    sort: int | None = None,
    color: str | None = None,
    semantics: str | None = None,
) -> int:
    """A new, never system, item; its id. Codes and stage order are checked here."""
    d = directory(entity_id)
    if d is None:
        raise crm_error(NOT_SUPPORTED)
    status_id = _checked_code(d, status_id)
    name = _checked_name(name)
    color = _checked_color(color)
    if d.has_stages:
        semantics = _checked_semantics(semantics)
        color = color or DEFAULT_COLORS[semantics or PROCESS]
        stages = [(s.semantics, s.sort) for s in _locked_stages(conn, entity_id)]
        if semantics == SUCCESS and any(s == SUCCESS for s, _ in stages):
            raise crm_error("The final successful stage already exists.")
        if sort is None and semantics is not None:
            # The documented default of 10 would put a final stage before the process ones.
            sort = max((s or 0 for _, s in stages), default=0) + DEFAULT_SORT
        sort = DEFAULT_SORT if sort is None else sort
        _check_stage_order([*stages, (semantics, sort)])
    else:
        semantics = None
        sort = DEFAULT_SORT if sort is None else sort
    if _find(conn, entity_id, status_id) is not None:
        raise RestError("ERROR_CORE", DUPLICATE)
    values = {
        "entity_id": entity_id,
        "status_id": status_id,
        "name": name,
        "name_init": "",
        "sort": sort,
        "system": False,
        "category_id": None,
        "color": color,
        "semantics": semantics,
    }
    try:
        with conn.begin_nested():
            new_id = conn.execute(insert(statuses).values(values).returning(statuses.c.id))
            return int(new_id.scalar_one())
    except IntegrityError as exc:
        # Another writer took the code between our check and our insert.
        raise RestError("ERROR_CORE", DUPLICATE) from exc


def update_status(
    conn: Connection,
    *,
    id: int,
    name: str | None = None,
    sort: int | None = None,
    color: str | None = None,
) -> None:
    """Change NAME, SORT or COLOR; the code, directory and semantics never change."""
    row = get_status_row(conn, id=id)
    if row is None:
        raise crm_error(NOT_FOUND)
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = _checked_name(name)
    d = directory(row["entity_id"])
    stage = d is not None and d.has_stages
    if color is not None:
        fallback = DEFAULT_COLORS[row["semantics"] or PROCESS] if stage else None
        values["color"] = _checked_color(color) or fallback
    if sort is not None:
        values["sort"] = sort
        if stage:
            stages = [
                (s.semantics, sort if s.id == id else s.sort)
                for s in _locked_stages(conn, row["entity_id"])
            ]
            _check_stage_order(stages)
    if values:
        conn.execute(update(statuses).where(statuses.c.id == id).values(values))


def delete_status(conn: Connection, *, id: int, forced: bool = False) -> None:
    row = get_status_row(conn, id=id)
    if row is None:
        raise crm_error(NOT_FOUND)
    if row["system"] and not forced:
        raise crm_error(SYSTEM_DELETE)
    entity_id, status_id = str(row["entity_id"]), str(row["status_id"])
    if any(check(conn, status_id) for check in _usage_checks.get(entity_id, [])):
        raise crm_error(IN_USE)
    d = directory(entity_id)
    if d is not None and d.has_stages and row["semantics"] is None:
        others = [s for s in _locked_stages(conn, entity_id) if s.semantics is None]
        if len(others) == 1:
            # New items start in the first process stage; there must always be one.
            raise crm_error("Error on deleting status.")
    conn.execute(delete(statuses).where(statuses.c.id == id))


def _locked_stages(conn: Connection, entity_id: str) -> list[RowMapping]:
    """A stage directory's items, locked so that the stage order holds from check to write.

    PostgreSQL takes row locks; SQLite writers already queue at BEGIN IMMEDIATE.
    """
    return list(
        conn.execute(
            select(statuses)
            .where(statuses.c.entity_id == entity_id)
            .order_by(statuses.c.sort, statuses.c.id)
            .with_for_update()
        ).mappings()
    )


def _checked_code(d: Directory, status_id: str) -> str:
    code = status_id.strip()
    if not code:
        raise crm_error("The field STATUS_ID is required.")
    if len(code) > d.code_length or (
        d.code_pattern is not None and d.code_pattern.fullmatch(code) is None
    ):
        allowed = "Latin letters, digits, hyphens and underscores" if d.code_pattern else ""
        raise crm_error(
            f"The field STATUS_ID must be at most {d.code_length} characters"
            + (f" of {allowed}." if allowed else ".")
        )
    return code


def _checked_name(name: str) -> str:
    if not name.strip():
        raise crm_error("The field Title is required.")
    if len(name) > NAME_LENGTH:
        raise crm_error(f"The field NAME must be at most {NAME_LENGTH} characters.")
    return name


def _checked_color(color: str | None) -> str | None:
    if color is None or color == "":
        return None
    if _COLOR.fullmatch(color) is None:
        raise crm_error("The field COLOR must be a hex colour such as #39A8EF.")
    return color


def _checked_semantics(semantics: str | None) -> str | None:
    """None for a process stage, 'S' or 'F'; the documented ``""`` (and 'P') mean process."""
    if semantics in (None, "", PROCESS):
        return None
    if semantics in (SUCCESS, FAILURE):
        return semantics
    raise crm_error("The field SEMANTICS must be S, F or empty.")


def _check_stage_order(stages: Sequence[tuple[str | None, int | None]]) -> None:
    """Every process stage before the success stage, every failure stage after both."""

    def sorts(semantics: str | None) -> list[int]:
        return [sort or 0 for s, sort in stages if s == semantics]

    process, success, failure = sorts(None), sorts(SUCCESS), sorts(FAILURE)
    if process and success and max(process) >= min(success):
        raise crm_error(AFTER_FINAL)
    if failure and max(process + success, default=min(failure) - 1) >= min(failure):
        raise crm_error("Failure stages must sort after the success and process stages.")
