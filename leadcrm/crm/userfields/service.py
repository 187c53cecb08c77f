"""Custom field definitions: add, update, get, list and delete, over one transaction each.

Every change first bumps the entity's definitions version, which locks it: calls writing the
entity's rows hold that lock shared, so a definition never changes under a write in flight.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import BigInteger, Connection, cast, delete, func, insert, select, update

from leadcrm.catalogue.kinds import parse_flag
from leadcrm.crm.ids import whole_number
from leadcrm.crm.userfields import storage
from leadcrm.crm.userfields.definitions import MAX_DEFINITIONS, Definition, load
from leadcrm.crm.userfields.labels import LABELS, in_language, labels_on_add, labels_on_update
from leadcrm.crm.userfields.owners import Owner, field_removed
from leadcrm.crm.userfields.tables import enum_items, schema_versions, user_fields
from leadcrm.crm.userfields.types import USER_TYPES, UserType, app_type
from leadcrm.events.record import Change, record
from leadcrm.files.service import delete_files
from leadcrm.listing import ListQuery, all_rows
from leadcrm.rest.errors import RestError, access_denied, crm_error
from leadcrm.userfieldtypes.service import find_full

NAME_PREFIX = "UF_CRM_"
MAX_NAME_LENGTH = 50
_NAME_CHARACTERS = re.compile(r"[A-Z0-9_]+")
SHOW_FILTER_VALUES = ("N", "Y", "I", "E", "S")


def core_error(description: str) -> RestError:
    return RestError("ERROR_CORE", description, 400)


def not_found(field_id: int) -> RestError:
    return RestError("ERROR_NOT_FOUND", f"The entity with ID '{field_id}' is not found.", 400)


def normalized_name(raw: object) -> str:
    """``MANAGER_NOTE`` and ``UF_MANAGER_NOTE`` both become ``UF_CRM_MANAGER_NOTE``."""
    name = str(raw).strip().upper() if isinstance(raw, (str, int)) else ""
    if not name:
        raise crm_error("The 'FIELD_NAME' field is not found.")
    if not name.startswith(NAME_PREFIX):
        name = NAME_PREFIX + name.removeprefix("UF_")
    if len(name) > MAX_NAME_LENGTH:
        raise core_error("Field name is too long (more than 50 characters).")
    if not _NAME_CHARACTERS.fullmatch(name) or name == NAME_PREFIX:
        raise core_error(
            "Field name contains invalid characters. Allowed characters are: A-Z, 0-9 and _."
        )
    return name


def _flag(fields: Mapping[str, Any], name: str, default: bool) -> bool:
    if name not in fields:
        return default
    try:
        return parse_flag(fields[name])
    except ValueError:
        return default


def _sort(value: object, default: int, minimum: int) -> int:
    text = str(value).strip() if isinstance(value, (int, str)) else ""
    if text.lstrip("-").isdigit() and int(text) >= minimum and int(text) < 2**31:
        return int(text)
    return default


def _show_filter(value: object, default: str) -> str:
    text = str(value).strip().upper() if isinstance(value, str) else ""
    return text if text in SHOW_FILTER_VALUES else default


def _xml_id(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value)[:255]
    return text or None


_VERSIONS = 2**31 - 1


def _random_step() -> int:
    return secrets.randbelow(_VERSIONS - 1) + 1


def _bump_version(conn: Connection, owner: Owner) -> None:
    """A new version, random rather than counted: a restored or another database never shows
    a process the version of definitions it cached from elsewhere."""
    conn.execute(
        update(schema_versions)
        .where(schema_versions.c.entity_id == owner.entity_id)
        # A random step (never a whole turn) away from the old one: never equal to it.
        .values(version=(cast(schema_versions.c.version, BigInteger) + _random_step()) % _VERSIONS)
    )


def add_definition(
    conn: Connection,
    *,
    owner: Owner,
    fields: Mapping[str, Any],
    user_id: int,
    app_id: int | None = None,
) -> int:
    """A new custom field. ``app_id``: the calling application, which may use only its own
    field types (a webhook's administrator may use any application's)."""
    fields = {str(k).upper(): v for k, v in fields.items()}
    if "FIELD_NAME" not in fields:
        raise crm_error("The 'FIELD_NAME' field is not found.")
    name = normalized_name(fields["FIELD_NAME"])
    type_id = fields.get("USER_TYPE_ID")
    if type_id in (None, ""):
        raise crm_error("The 'USER_TYPE_ID' field is not found.")
    user_type = _user_type(conn, str(type_id), app_id=app_id)
    _bump_version(conn, owner)
    count = conn.execute(
        select(func.count()).where(user_fields.c.entity_id == owner.entity_id)
    ).scalar_one()
    if count >= MAX_DEFINITIONS:
        raise RestError(
            "INTERNAL_SERVER_ERROR",
            f"An entity can have at most {MAX_DEFINITIONS} custom fields.",
            500,
        )
    taken = conn.execute(
        select(user_fields.c.id).where(
            user_fields.c.entity_id == owner.entity_id, user_fields.c.field_name == name
        )
    ).first()
    if taken is not None:
        raise core_error(f"A field with the name '{name}' already exists.")
    multiple = _flag(fields, "MULTIPLE", False) and user_type.can_be_multiple
    field_id = conn.execute(
        insert(user_fields)
        .values(
            entity_id=owner.entity_id,
            field_name=name,
            user_type_id=user_type.id,
            xml_id=_xml_id(fields.get("XML_ID")),
            sort=_sort(fields.get("SORT"), 100, 1),
            multiple=multiple,
            mandatory=_flag(fields, "MANDATORY", False),
            show_filter=_show_filter(fields.get("SHOW_FILTER"), "N"),
            show_in_list=_flag(fields, "SHOW_IN_LIST", False),
            edit_in_list=_flag(fields, "EDIT_IN_LIST", True),
            is_searchable=_flag(fields, "IS_SEARCHABLE", False),
            settings=user_type.merge_settings(user_type.default_settings(), fields.get("SETTINGS")),
            labels=labels_on_add(fields),
        )
        .returning(user_fields.c.id)
    ).scalar_one()
    changes = [_change(owner, "USERFIELDADD", field_id, name)]
    if user_type.id == "enumeration" and _list_items(fields.get("LIST")):
        _apply_list(
            conn, field_id=field_id, sent=fields.get("LIST"), multiple=multiple, adding=True
        )
        changes.append(_change(owner, "USERFIELDSETENUMVALUES", field_id, name))
    if not multiple:
        storage.create_index(conn, owner.table, field_id, user_type.storage)
    record(conn, changes=changes, user_id=user_id)
    return int(field_id)


def _change(owner: Owner, event: str, field_id: int, name: str) -> Change:
    return Change(
        event=owner.event_prefix + event,
        entity="USERFIELD",
        entity_id=field_id,
        fields={"ENTITY_ID": owner.entity_id, "FIELD_NAME": name},
    )


def find(conn: Connection, *, owner: Owner, field_id: int) -> Definition:
    if field_id < 2**31:
        for definition in load(conn, entity_id=owner.entity_id, field_id=field_id):
            return definition
        # Ids are shared by every entity's fields; one of another entity's is not ours to
        # touch, which the contact and company pages answer with "Access denied.".
        if conn.execute(select(user_fields.c.id).where(user_fields.c.id == field_id)).first():
            raise access_denied()
    raise not_found(field_id)


def update_definition(
    conn: Connection, *, owner: Owner, field_id: int, fields: Mapping[str, Any], user_id: int
) -> None:
    fields = {str(k).upper(): v for k, v in fields.items()}
    _bump_version(conn, owner)
    current = find(conn, owner=owner, field_id=field_id)
    changes: dict[str, Any] = {
        "mandatory": _flag(fields, "MANDATORY", current.mandatory),
        "show_filter": _show_filter(fields.get("SHOW_FILTER"), current.show_filter),
        "sort": _sort(fields.get("SORT"), current.sort, 1),
        "show_in_list": _flag(fields, "SHOW_IN_LIST", current.show_in_list),
        "edit_in_list": _flag(fields, "EDIT_IN_LIST", current.edit_in_list),
        "is_searchable": _flag(fields, "IS_SEARCHABLE", current.is_searchable),
        "settings": current.user_type.merge_settings(current.settings, fields.get("SETTINGS")),
        "labels": labels_on_update(current.labels, fields),
    }
    if "XML_ID" in fields:
        changes["xml_id"] = _xml_id(fields["XML_ID"])
    conn.execute(update(user_fields).where(user_fields.c.id == field_id).values(changes))
    events = [_change(owner, "USERFIELDUPDATE", field_id, current.field_name)]
    if current.user_type.id == "enumeration" and "LIST" in fields:
        removed = _apply_list(
            conn, field_id=field_id, sent=fields["LIST"], multiple=current.multiple, adding=False
        )
        if removed:
            storage.remove_items(conn, owner.table, field_id, removed)
        events.append(_change(owner, "USERFIELDSETENUMVALUES", field_id, current.field_name))
    record(conn, changes=events, user_id=user_id)


def delete_definition(conn: Connection, *, owner: Owner, field_id: int, user_id: int) -> None:
    _bump_version(conn, owner)
    current = find(conn, owner=owner, field_id=field_id)
    if current.user_type.id == "file":
        delete_files(conn, file_ids=storage.held_ids(conn, owner.table, field_id))
    if not current.multiple:
        storage.drop_index(conn, owner.table, field_id)
    storage.remove_values(conn, owner.table, field_id)
    conn.execute(delete(enum_items).where(enum_items.c.field_id == field_id))
    conn.execute(delete(user_fields).where(user_fields.c.id == field_id))
    field_removed(conn, owner, current.field_name)
    record(
        conn,
        changes=[_change(owner, "USERFIELDDELETE", field_id, current.field_name)],
        user_id=user_id,
    )


def _list_items(sent: object) -> list[Mapping[str, Any]]:
    if isinstance(sent, Mapping):
        sent = list(sent.values())
    if not isinstance(sent, list):
        return []
    return [
        {str(k).upper(): v for k, v in item.items()} for item in sent if isinstance(item, Mapping)
    ]


def _item_id(raw: object) -> int | None:
    return whole_number(raw)


def _apply_list(
    conn: Connection, *, field_id: int, sent: object, multiple: bool, adding: bool
) -> list[int]:
    """Add, change and delete a field's items as ``LIST`` says; the IDs deleted."""
    kept = {
        row["id"]: dict(row)
        for row in conn.execute(
            select(enum_items).where(enum_items.c.field_id == field_id)
        ).mappings()
    }
    removed: list[int] = []
    new: list[dict[str, Any]] = []
    order: list[int | None] = []
    for item in _list_items(sent):
        item_id = None if adding else _item_id(item.get("ID"))
        if item_id is not None and item_id in kept:
            if _flag(item, "DEL", False):
                removed.append(item_id)
                del kept[item_id]
                continue
            _change_item(kept[item_id], item)
            order.append(item_id)
        elif item_id is None:
            value = _item_value(item.get("VALUE"))
            if not value:
                continue
            new.append(
                {
                    "field_id": field_id,
                    "value": value,
                    "sort": _sort(item.get("SORT"), 0, 0),
                    "is_default": _flag(item, "DEF", False),
                    "xml_id": _xml_id(item.get("XML_ID")) or uuid.uuid4().hex,
                }
            )
    _check_xml_ids([*kept.values(), *new], adding=adding)
    if not multiple:
        _one_default([*kept.values(), *new])
    if removed:
        conn.execute(delete(enum_items).where(enum_items.c.id.in_(removed)))
    for item_id, row in kept.items():
        conn.execute(
            update(enum_items)
            .where(enum_items.c.id == item_id)
            .values(
                value=row["value"],
                sort=row["sort"],
                is_default=row["is_default"],
                xml_id=row["xml_id"],
            )
        )
    if new:
        conn.execute(insert(enum_items), new)
    return removed


def _item_value(raw: object) -> str:
    if raw is None or isinstance(raw, (dict, list)):
        return ""
    return str(raw)[:255]


def _change_item(row: dict[str, Any], item: Mapping[str, Any]) -> None:
    if "VALUE" in item and _item_value(item["VALUE"]):
        row["value"] = _item_value(item["VALUE"])
    if "SORT" in item:
        row["sort"] = _sort(item["SORT"], row["sort"], 0)
    if "DEF" in item:
        row["is_default"] = _flag(item, "DEF", row["is_default"])
    if "XML_ID" in item and _xml_id(item["XML_ID"]):
        row["xml_id"] = _xml_id(item["XML_ID"])


def _check_xml_ids(items: Sequence[Mapping[str, Any]], *, adding: bool) -> None:
    seen: set[str] = set()
    for item in items:
        xml_id = item["xml_id"]
        if xml_id in seen:
            if adding:
                raise core_error(f"List item with XML_ID={xml_id} already exists.")
            raise core_error(f"List item with value XML_ID='{xml_id}' already exists")
        seen.add(xml_id)


def _one_default(items: Sequence[dict[str, Any]]) -> None:
    """A single-valued field has one default item: the first one marked."""
    marked = False
    for item in items:
        if item["is_default"] and marked:
            item["is_default"] = False
        marked = marked or bool(item["is_default"])


def list_definitions(conn: Connection, *, owner: Owner, query: ListQuery) -> list[Definition]:
    by_id = {d.id: d for d in load(conn, entity_id=owner.entity_id)}
    rows = all_rows(conn, user_fields, query, scope=user_fields.c.entity_id == owner.entity_id)
    return [by_id[row["id"]] for row in rows if row["id"] in by_id]


def render(definition: Definition, *, lang: str | None = None) -> dict[str, Any]:
    """A definition as get (labels as language maps) or list with LANG (labels as strings)."""
    rendered: dict[str, Any] = {
        "ID": str(definition.id),
        "ENTITY_ID": definition.entity_id,
        "FIELD_NAME": definition.field_name,
        "USER_TYPE_ID": definition.user_type.id,
        "XML_ID": definition.xml_id,
        "SORT": str(definition.sort),
        "MULTIPLE": "Y" if definition.multiple else "N",
        "MANDATORY": "Y" if definition.mandatory else "N",
        "SHOW_FILTER": definition.show_filter,
        "SHOW_IN_LIST": "Y" if definition.show_in_list else "N",
        "EDIT_IN_LIST": "Y" if definition.edit_in_list else "N",
        "IS_SEARCHABLE": "Y" if definition.is_searchable else "N",
        "SETTINGS": definition.settings,
    }
    if lang is None:
        rendered.update({name: dict(definition.labels.get(name, {})) for name in LABELS})
    else:
        rendered.update(in_language(definition.labels, lang))
    if definition.user_type.id == "enumeration":
        rendered["LIST"] = [
            {
                "ID": str(item.id),
                "SORT": str(item.sort),
                "VALUE": item.value,
                "DEF": "Y" if item.is_default else "N",
                "XML_ID": item.xml_id,
            }
            for item in definition.items
        ]
    return rendered


def _user_type(conn: Connection, type_id: str, *, app_id: int | None) -> UserType:
    user_type = USER_TYPES.get(type_id)
    if user_type is not None:
        return user_type
    registered = find_full(conn, type_id)
    if registered is None or (app_id is not None and registered.app_id != app_id):
        raise core_error("Invalid custom type specified.")
    return app_type(type_id, registered.title)
