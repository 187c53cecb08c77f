"""Leads: add, update, get, delete and list, as plain functions over one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    RowMapping,
    bindparam,
    delete,
    exists,
    insert,
    select,
    update,
)

from leadcrm.crm.ids import MAX_ID
from leadcrm.crm.leads.fields import ENTITY_ID, LEAD_FIELDS, MULTIFIELD_NAMES
from leadcrm.crm.leads.tables import lead_contacts, leads
from leadcrm.crm.leads.userfields import LEAD_OWNER
from leadcrm.crm.multifields import service as multifields
from leadcrm.crm.references import References, read_references
from leadcrm.crm.statuses.service import register_usage_check
from leadcrm.crm.userfields.codec import UserFieldKind
from leadcrm.crm.userfields.definitions import UserFields, version_of
from leadcrm.crm.userfields.output import renderer
from leadcrm.crm.userfields.storage import VALUES_COLUMN
from leadcrm.crm.userfields.values import (
    CustomValues,
    check_references,
    custom_names,
    defaults_of,
    needs_base_currency,
    parse_values,
    wanted_by,
)
from leadcrm.db.bulk import insert_returning_ids
from leadcrm.events.record import Change, record
from leadcrm.files.service import Upload, delete_files, store_files
from leadcrm.listing import ListQuery, run
from leadcrm.rest.errors import RestError, crm_error
from leadcrm.users.service import utcnow

STAGES = "STATUS"
FINAL_SEMANTICS = ("S", "F")
# A responsible user or a company of 0 means none, as in Bitrix24.
ZERO_IS_NONE = ("ASSIGNED_BY_ID", "COMPANY_ID")


@dataclass(frozen=True, slots=True)
class LeadPage:
    items: list[dict[str, Any]]
    total: int | None
    next: int | None


_COLUMNS = {f.name: f.column for f in LEAD_FIELDS if f.column is not None}


def _column(name: str) -> str:
    return _COLUMNS[name]


def _parse(values: Mapping[str, Any], zone: ZoneInfo, *, creating: bool) -> dict[str, Any]:
    """The writable values that were sent; empty ones of always-set fields are left out."""
    accepted, errors = LEAD_FIELDS.parse_input(values, zone, creating=creating)
    if errors:
        raise RestError("ERROR_CORE", " ".join(errors), 400)
    for name in ZERO_IS_NONE:
        if accepted.get(name) == 0:
            accepted[name] = None
    return {
        name: value
        for name, value in accepted.items()
        if value not in (None, "") or not _always_set(name)
    }


def _always_set(name: str) -> bool:
    field = LEAD_FIELDS.get(name)
    return field is not None and field.always_set


def _split_structured(
    accepted: dict[str, Any],
) -> tuple[dict[str, list[multifields.Item]], list[int] | None]:
    items = {
        name: multifields.parse_items(name, accepted.pop(name))
        for name in MULTIFIELD_NAMES
        if name in accepted
    }
    contact_ids = _contact_ids(accepted.pop("CONTACT_IDS")) if "CONTACT_IDS" in accepted else None
    if contact_ids is None and "CONTACT_ID" in accepted:
        contact_ids = [accepted["CONTACT_ID"]] if accepted["CONTACT_ID"] else []
    if contact_ids is not None:
        accepted["CONTACT_ID"] = contact_ids[0] if contact_ids else None
    return items, contact_ids


def _contact_ids(raw: Any) -> list[int]:
    values = raw if isinstance(raw, list) else [raw]
    ids: list[int] = []
    for value in values:
        if value in (None, "", 0, "0"):
            continue
        text = str(value).strip() if isinstance(value, (int, str)) else ""
        if not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID):
            raise RestError(
                "ERROR_CORE",
                "The field CONTACT_IDS (CONTACT_IDS) is invalid: contact ids are expected.",
                400,
            )
        if int(text) not in ids:
            ids.append(int(text))
    return ids


@dataclass(slots=True)
class NewLead:
    """A lead's values, parsed and checked as far as that needs no database.

    Custom values stay as sent: what they mean depends on definitions read in the transaction.
    """

    accepted: dict[str, Any]
    items: dict[str, list[multifields.Item]]
    contact_ids: list[int] | None
    custom: dict[str, Any]


def _prepare_new(values: Mapping[str, Any], zone: ZoneInfo) -> NewLead:
    accepted = _parse(values, zone, creating=True)
    items, contact_ids = _split_structured(accepted)
    multifields.check_new(items)
    return NewLead(accepted, items, contact_ids, custom_names(values))


@dataclass(frozen=True, slots=True)
class Writing:
    """What a write call brings besides its values: who, the portal zone, the file cap."""

    user_id: int
    zone: ZoneInfo
    max_file_bytes: int


def add_lead(conn: Connection, *, values: Mapping[str, Any], writing: Writing) -> int:
    (added,) = add_leads(conn, values=[values], writing=writing)
    if isinstance(added, RestError):
        raise added
    return added


def add_leads(
    conn: Connection, *, values: Sequence[Mapping[str, Any]], writing: Writing
) -> list[int | RestError]:
    """Add several leads at once: each gets its id, or the error that kept it out."""
    prepared = prepare_leads(values=values, zone=writing.zone)
    return add_prepared(conn, prepared=prepared, writing=writing)


def prepare_leads(
    *, values: Sequence[Mapping[str, Any]], zone: ZoneInfo
) -> list[NewLead | RestError]:
    """What needs no database: each lead's values parsed and checked, or its error."""
    prepared: list[NewLead | RestError] = []
    for one in values:
        try:
            prepared.append(_prepare_new(one, zone))
        except RestError as error:
            prepared.append(error)
    return prepared


def add_prepared(
    conn: Connection, *, prepared: Sequence[NewLead | RestError], writing: Writing
) -> list[int | RestError]:
    """Write the prepared leads: each gets its id, or the error that kept it out.

    The directories are read once for all of them and the rows written in one statement per
    table, which is what makes a batch of adds cheap.
    """
    user_id = writing.user_id
    now = utcnow()
    fields = LEAD_OWNER.fields(conn, lock=True)
    customs = _custom_values(fields, prepared, writing, now)
    filled = [c for c in customs if c is not None]
    valid = [p.accepted for p in prepared if isinstance(p, NewLead)]
    references = read_references(
        conn,
        LEAD_FIELDS,
        valid,
        acting_user_id=user_id,
        first_of=[STAGES] if any("STATUS_ID" not in a for a in valid) else [],
        base_currency=any("CURRENCY_ID" not in a for a in valid)
        or needs_base_currency(fields, filled),
        also=wanted_by(fields, filled),
    )
    if fields.definitions:
        check_references(conn, fields, filled, known=references)
    outcomes: list[int | RestError] = []
    written: list[tuple[int, NewLead, dict[str, Any]]] = []
    for index, (lead, custom) in enumerate(zip(prepared, customs, strict=True)):
        problems = references.problems(lead.accepted) if isinstance(lead, NewLead) else []
        if custom is not None:
            problems += custom.errors
        if isinstance(lead, RestError) or problems or custom is None:
            outcomes.append(lead if isinstance(lead, RestError) else _invalid(problems))
            continue
        outcomes.append(0)
        row = _new_row(lead, references, user_id, now)
        row[VALUES_COLUMN] = _stored(conn, custom, {}, user_id)
        written.append((index, lead, row))
    ids = insert_returning_ids(conn, leads, [row for _, _, row in written])
    untitled = []
    for lead_id, (index, lead, row) in zip(ids, written, strict=True):
        outcomes[index] = lead_id
        if not row.get("title"):
            untitled.append({"lead_id": lead_id, "new_title": f"Lead #{lead_id}"})
        if lead.contact_ids:
            _bind_contacts(conn, lead_id=lead_id, contact_ids=lead.contact_ids)
    if untitled:
        conn.execute(_RETITLE, untitled)
    multifields.insert_new(
        conn,
        entity_id=ENTITY_ID,
        items=[(i, lead.items) for i, (_, lead, _) in zip(ids, written, strict=True)],
    )
    record(conn, changes=[_change("ONCRMLEADADD", i) for i in ids], user_id=user_id)
    return outcomes


def _change(event: str, lead_id: int) -> Change:
    return Change(event=event, entity=ENTITY_ID, entity_id=lead_id)


def _custom_values(
    fields: UserFields,
    prepared: Sequence[NewLead | RestError],
    writing: Writing,
    now: datetime,
) -> list[CustomValues | None]:
    """Each new lead's custom values, parsed, with the defaults of the fields not sent."""
    defaults = defaults_of(fields, writing.zone, now)
    return [
        parse_values(
            fields,
            lead.custom,
            writing.zone,
            creating=True,
            max_file_bytes=writing.max_file_bytes,
            now=now,
            defaults=defaults,
        )
        if isinstance(lead, NewLead)
        else None
        for lead in prepared
    ]


def _stored(
    conn: Connection, custom: CustomValues, current: Mapping[str, Any], user_id: int
) -> dict[str, Any] | None:
    """The row's new values: ``current`` with the sent ones, new files stored first."""
    uploads = custom.uploads()
    if uploads:
        file_ids = iter(store_files(conn, uploads=uploads, user_id=user_id))
        for key, value in custom.values.items():
            if isinstance(value, list):
                custom.values[key] = [next(file_ids) if isinstance(v, Upload) else v for v in value]
            elif isinstance(value, Upload):
                custom.values[key] = next(file_ids)
    merged = dict(current)
    for key, value in custom.values.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged or None


def _invalid(problems: list[str]) -> RestError:
    return RestError("ERROR_CORE", " ".join(problems), 400)


_RETITLE = (
    update(leads).where(leads.c.id == bindparam("lead_id")).values(title=bindparam("new_title"))
)


def _new_row(lead: NewLead, references: References, user_id: int, now: datetime) -> dict[str, Any]:
    accepted = lead.accepted
    row = {_column(name): value for name, value in accepted.items()}
    status_id = accepted.get("STATUS_ID") or references.first_statuses[STAGES]
    semantics = references.status_semantics(STAGES, status_id) or "P"
    has = {name: [i for i in found if not i.remove] for name, found in lead.items.items()}
    row.update(
        status_id=status_id,
        currency_id=accepted.get("CURRENCY_ID") or references.base_currency,
        assigned_by_id=accepted.get("ASSIGNED_BY_ID") or user_id,
        opened=accepted.get("OPENED", True),
        opportunity=accepted.get("OPPORTUNITY", Decimal("0.00")),
        is_manual_opportunity=accepted.get("IS_MANUAL_OPPORTUNITY", False),
        status_semantic_id=semantics,
        date_create=now,
        date_modify=now,
        created_by_id=user_id,
        modify_by_id=user_id,
        moved_by_id=user_id,
        moved_time=now,
        last_activity_by=user_id,
        last_activity_time=now,
        date_closed=now if semantics in FINAL_SEMANTICS else None,
        is_return_customer=bool(row.get("company_id") or row.get("contact_id")),
        has_phone=bool(has.get("PHONE")),
        has_email=bool(has.get("EMAIL")),
        has_imol=any(i.value_type in ("OPENLINE", "IMOL") for i in has.get("IM", [])),
    )
    return row


def update_lead(
    conn: Connection, *, lead_id: int, values: Mapping[str, Any], writing: Writing
) -> None:
    user_id, zone = writing.user_id, writing.zone
    fields = LEAD_OWNER.fields(conn, lock=True)
    current = _row(conn, lead_id, for_update=True)
    accepted = _parse(values, zone, creating=False)
    items, contact_ids = _split_structured(accepted)
    sent = custom_names(values)
    custom = parse_values(
        fields, sent, zone, creating=False, max_file_bytes=writing.max_file_bytes, now=utcnow()
    )
    references = read_references(
        conn,
        LEAD_FIELDS,
        [accepted],
        acting_user_id=user_id,
        base_currency=needs_base_currency(fields, [custom]),
        also=wanted_by(fields, [custom]),
    )
    problems = references.problems(accepted)
    held = current[VALUES_COLUMN] or {}
    if custom.values:
        check_references(
            conn, fields, [custom], known=references, kept_files=[_files_of(fields, held)]
        )
    problems += custom.errors
    if problems:
        raise _invalid(problems)
    new_status = accepted.pop("STATUS_ID", None)
    changes = {_column(name): value for name, value in accepted.items()}
    now = utcnow()
    if new_status is not None:
        changes["status_id"] = new_status
    if new_status is not None and new_status != current["status_id"]:
        semantics = references.status_semantics(STAGES, new_status) or "P"
        changes.update(
            status_semantic_id=semantics,
            moved_by_id=user_id,
            moved_time=now,
            date_closed=now if semantics in FINAL_SEMANTICS else None,
        )
    merged = {**current, **changes}
    changes.update(
        is_return_customer=bool(merged.get("company_id") or merged.get("contact_id")),
        date_modify=now,
        modify_by_id=user_id,
    )
    if custom.values:
        new_values = _stored(conn, custom, held, user_id)
        changes[VALUES_COLUMN] = new_values
        _drop_unheld_files(conn, fields, held, new_values or {})
    for type_id, found in items.items():
        multifields.apply(
            conn, entity_id=ENTITY_ID, element_id=lead_id, type_id=type_id, items=found
        )
    if items:
        present = multifields.presence(conn, entity_id=ENTITY_ID, element_id=lead_id)
        changes.update(has_phone=present.phone, has_email=present.email, has_imol=present.open_line)
    if contact_ids is not None:
        conn.execute(delete(lead_contacts).where(lead_contacts.c.lead_id == lead_id))
        _bind_contacts(conn, lead_id=lead_id, contact_ids=contact_ids)
    conn.execute(update(leads).where(leads.c.id == lead_id).values(changes))
    record(conn, changes=[_change("ONCRMLEADUPDATE", lead_id)], user_id=user_id)


def _files_of(fields: UserFields, values: Mapping[str, Any]) -> dict[str, set[int]]:
    """The files each file field of a row holds."""
    held: dict[str, set[int]] = {}
    for definition in fields.definitions:
        if definition.user_type.id == "file" and values.get(definition.key) is not None:
            value = values[definition.key]
            held[definition.key] = set(value if isinstance(value, list) else [value])
    return held


def _drop_unheld_files(
    conn: Connection, fields: UserFields, before: Mapping[str, Any], after: Mapping[str, Any]
) -> None:
    """A file no field holds any more is deleted with the change that let it go."""
    kept = set().union(*_files_of(fields, after).values())
    gone = set().union(*_files_of(fields, before).values()) - kept
    if gone:
        delete_files(conn, file_ids=gone)


def _bind_contacts(conn: Connection, *, lead_id: int, contact_ids: list[int]) -> None:
    if not contact_ids:
        return
    conn.execute(
        insert(lead_contacts),
        [
            {"lead_id": lead_id, "contact_id": cid, "sort": (i + 1) * 10, "is_primary": i == 0}
            for i, cid in enumerate(contact_ids)
        ],
    )


# The custom fields' version rides along, so a get learns in one statement whether the
# definitions it has are current.
_BY_ID = select(leads, version_of(LEAD_OWNER.entity_id).label("uf_version")).where(
    leads.c.id == bindparam("lead_id")
)
_BY_ID_FOR_UPDATE = _BY_ID.with_for_update()
_SYSTEM_FIELDS = [f for f in LEAD_FIELDS if f.in_star]


def _row(conn: Connection, lead_id: int, *, for_update: bool = False) -> RowMapping:
    if lead_id > MAX_ID:
        raise crm_error("Not found")
    statement = _BY_ID_FOR_UPDATE if for_update else _BY_ID
    row = conn.execute(statement, {"lead_id": lead_id}).mappings().first()
    if row is None:
        raise crm_error("Not found")
    return row


def get_lead(conn: Connection, *, lead_id: int, zone: ZoneInfo, public_url: str) -> dict[str, Any]:
    """All standard and custom fields, and each multifield when it has rows."""
    row = _row(conn, lead_id)
    rendered = LEAD_FIELDS.render_row(row, _SYSTEM_FIELDS, zone)
    fields = LEAD_OWNER.fields(conn, version=row["uf_version"])
    if fields.definitions:
        render = renderer(conn, zone=zone, public_url=public_url)
        for definition in fields.definitions:
            rendered[definition.field_name] = render(definition, row[VALUES_COLUMN])
    found = multifields.load(
        conn, entity_id=ENTITY_ID, element_ids=[lead_id], type_ids=MULTIFIELD_NAMES
    )
    rendered.update(found.get(lead_id, {}))
    return rendered


def delete_lead(conn: Connection, *, lead_id: int, user_id: int) -> None:
    # The definitions first, then the row, in the order every write takes them: a definition
    # deleted meanwhile (which locks the definitions, then the rows) cannot deadlock with it.
    fields = LEAD_OWNER.fields(conn, lock=True)
    row = _row(conn, lead_id, for_update=True)
    if row[VALUES_COLUMN]:
        _drop_unheld_files(conn, fields, row[VALUES_COLUMN], {})
    multifields.delete_all(conn, entity_id=ENTITY_ID, element_id=lead_id)
    conn.execute(delete(lead_contacts).where(lead_contacts.c.lead_id == lead_id))
    conn.execute(delete(leads).where(leads.c.id == lead_id))
    record(conn, changes=[_change("ONCRMLEADDELETE", lead_id)], user_id=user_id)


def list_leads(conn: Connection, *, query: ListQuery, zone: ZoneInfo, public_url: str) -> LeadPage:
    result = run(conn, leads, query)
    items = [LEAD_FIELDS.render_row(row, query.fields, zone) for row in result.rows]
    custom = [f.kind.definition for f in query.fields if isinstance(f.kind, UserFieldKind)]
    if custom and result.rows:
        render = renderer(conn, zone=zone, public_url=public_url)
        for row, item in zip(result.rows, items, strict=True):
            for definition in custom:
                item[definition.field_name] = render(definition, row[VALUES_COLUMN])
    ids = [row["id"] for row in result.rows]
    wanted = [f.name for f in query.fields if f.name in MULTIFIELD_NAMES]
    if wanted:
        found = multifields.load(conn, entity_id=ENTITY_ID, element_ids=ids, type_ids=wanted)
        for lead_id, item in zip(ids, items, strict=True):
            item.update(found.get(lead_id, {}))
    if any(f.name == "CONTACT_IDS" for f in query.fields):
        bound = _contact_bindings(conn, ids)
        for lead_id, item in zip(ids, items, strict=True):
            item["CONTACT_IDS"] = bound.get(lead_id, [])
    return LeadPage(items, result.total, result.next)


def _contact_bindings(conn: Connection, lead_ids: list[int]) -> dict[int, list[int]]:
    bound: dict[int, list[int]] = {}
    rows = conn.execute(
        select(lead_contacts.c.lead_id, lead_contacts.c.contact_id)
        .where(lead_contacts.c.lead_id.in_(lead_ids))
        .order_by(lead_contacts.c.lead_id, lead_contacts.c.sort)
    )
    for lead_id, contact_id in rows:
        bound.setdefault(lead_id, []).append(contact_id)
    return bound


def _stage_in_use(conn: Connection, status_id: str) -> bool:
    return bool(conn.execute(select(exists().where(leads.c.status_id == status_id))).scalar())


def _source_in_use(conn: Connection, status_id: str) -> bool:
    return bool(conn.execute(select(exists().where(leads.c.source_id == status_id))).scalar())


register_usage_check(STAGES, _stage_in_use)
register_usage_check("SOURCE", _source_in_use)
