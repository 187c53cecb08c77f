"""Custom field values sent on an entity's add or update: parsed, completed and checked.

Parsing needs only the definitions; the checks against directories, users, bound entities
and kept files read the database once for all the items of a call (a batch's adds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from leadcrm.catalogue.kinds import FieldValueError
from leadcrm.crm.existence import existing
from leadcrm.crm.references import References, Wanted
from leadcrm.crm.userfields.codec import CRM_PREFIXES, parse_one
from leadcrm.crm.userfields.definitions import Definition, UserFields
from leadcrm.files.service import Upload, parse_upload

_ENTITY_BY_PREFIX = {prefix: entity for entity, prefix in CRM_PREFIXES.items()}


@dataclass(slots=True)
class CustomValues:
    """One item's custom values by definition key; None clears. New files are ``Upload``s."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def uploads(self) -> list[Upload]:
        found: list[Upload] = []
        for value in self.values.values():
            items = value if isinstance(value, list) else [value]
            found.extend(v for v in items if isinstance(v, Upload))
        return found


def custom_names(values: Mapping[str, Any]) -> dict[str, Any]:
    """The sent values that may be custom fields (``UF_...``), keys upper-cased."""
    return {str(k).upper(): v for k, v in values.items() if str(k)[:3].upper() == "UF_"}


def _invalid(definition: Definition, reason: str) -> str:
    name = definition.field_name
    return f"The field {name} ({name}) is invalid: {reason}."


def _is_empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _parse_file(
    definition: Definition, value: object, *, max_file_bytes: int
) -> Upload | int | None:
    allowed = int(definition.settings.get("MAX_ALLOWED_SIZE") or 0)
    cap = min(max_file_bytes, allowed) if allowed else max_file_bytes
    upload = parse_upload(value, max_bytes=cap)
    if upload is not None:
        _check_extension(definition, upload.name)
        return upload
    if isinstance(value, Mapping):
        upper = {str(k).lower(): v for k, v in value.items()}
        value = upper.get("id")
    if _is_empty(value):
        return None
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        text = str(value).strip()
        if text.isascii() and text.isdigit() and int(text) > 0:
            return int(text)
    raise FieldValueError('a file ({"fileData": [name, base64]}) or a kept file\'s ID is expected')


def _check_extension(definition: Definition, name: str) -> None:
    wanted = definition.settings.get("EXTENSIONS") or []
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if wanted and extension not in wanted:
        raise FieldValueError(f"a file of type {', '.join(wanted)} is expected")


def _parse_value(definition: Definition, raw: object, zone: ZoneInfo, max_file_bytes: int) -> Any:
    is_file = definition.user_type.id == "file"
    if definition.multiple:
        if isinstance(raw, Mapping) and not (is_file and _is_upload_form(raw)):
            raw = list(raw.values())
        items = raw if isinstance(raw, list) and not (is_file and _is_pair(raw)) else [raw]
        parsed = [_parse_item(definition, item, zone, max_file_bytes) for item in items]
        kept = [p for p in parsed if p is not None]
        return kept or None
    if isinstance(raw, list) and not (is_file and _is_pair(raw)):
        if len(raw) > 1:
            raise FieldValueError("a single value is expected")
        raw = raw[0] if raw else None
    return _parse_item(definition, raw, zone, max_file_bytes)


def _is_upload_form(value: Mapping[Any, Any]) -> bool:
    return any(str(k).lower() in ("filedata", "id") for k in value)


def _is_pair(value: list[Any]) -> bool:
    """``["name.pdf", "<base64>"]``: one file, not two values."""
    return len(value) == 2 and all(isinstance(v, str) for v in value) and "." in value[0]


def _parse_item(definition: Definition, raw: object, zone: ZoneInfo, max_file_bytes: int) -> Any:
    if definition.user_type.id == "file":
        return _parse_file(definition, raw, max_file_bytes=max_file_bytes)
    value = parse_one(definition, raw, zone)
    if value is None:
        return None
    if definition.user_type.id == "enumeration" and value not in {i.id for i in definition.items}:
        raise FieldValueError(f"the list has no item with ID {value}")
    if definition.user_type.id == "string":
        _check_length(definition, value)
    return value


def _check_length(definition: Definition, value: str) -> None:
    low = int(definition.settings.get("MIN_LENGTH") or 0)
    high = int(definition.settings.get("MAX_LENGTH") or 0)
    if len(value) < low:
        raise FieldValueError(f"at least {low} characters are expected")
    if high and len(value) > high:
        raise FieldValueError(f"at most {high} characters are expected")


def parse_values(
    fields: UserFields,
    sent: Mapping[str, Any],
    zone: ZoneInfo,
    *,
    creating: bool,
    max_file_bytes: int,
    now: datetime,
    defaults: Mapping[str, Any] | None = None,
) -> CustomValues:
    """The sent custom values (unknown names ignored, as Bitrix24 ignores unknown fields);
    on add, defaults for the fields not sent (``defaults``, when already worked out for
    several items); then the mandatory ones."""
    parsed = CustomValues()
    for name, raw in sent.items():
        definition = fields.named(name)
        if definition is None:
            continue
        try:
            parsed.values[definition.key] = _parse_value(definition, raw, zone, max_file_bytes)
        except FieldValueError as exc:
            parsed.errors.append(_invalid(definition, str(exc)))
    if creating:
        if defaults is None:
            defaults = defaults_of(fields, zone, now)
        for key, value in defaults.items():
            parsed.values.setdefault(key, value)
    for definition in fields.definitions:
        if not definition.mandatory or definition.key not in parsed.values:
            continue
        if _is_empty(parsed.values[definition.key]):
            parsed.errors.append(required(definition))
    return parsed


def defaults_of(fields: UserFields, zone: ZoneInfo, now: datetime) -> dict[str, Any]:
    """What a new item gets for each field it is not sent, by definition key."""
    return {d.key: default_value(d, zone, now) for d in fields.definitions}


def required(definition: Definition) -> str:
    label = definition.labels.get("EDIT_FORM_LABEL", {}).get("en") or definition.field_name
    return f'The field "{label}" ({definition.field_name}) is required.'


def default_value(definition: Definition, zone: ZoneInfo, now: datetime) -> Any:
    """What a new item gets for a field it was not sent: the definition's default, if any."""
    settings = definition.settings
    value: Any = None
    match definition.user_type.id:
        case "enumeration":
            chosen = [i.id for i in definition.items if i.is_default]
            if chosen:
                return chosen if definition.multiple else chosen[0]
            return None
        case "boolean":
            value = int(settings.get("DEFAULT_VALUE") or 0)
        case "date" | "datetime":
            default = settings.get("DEFAULT_VALUE")
            kind = default.get("TYPE") if isinstance(default, Mapping) else None
            if kind == "NOW" and definition.user_type.id == "date":
                value = now.replace(tzinfo=UTC).astimezone(zone).date().isoformat()
            elif kind == "NOW":
                value = now.replace(tzinfo=UTC)
            elif kind == "FIXED" and isinstance(default, Mapping):
                value = default.get("VALUE")
        case _:
            value = settings.get("DEFAULT_VALUE")
    if _is_empty(value):
        return None
    try:
        parsed = parse_one(definition, value, zone)
    except FieldValueError:
        return None
    if parsed is None:
        return None
    return [parsed] if definition.multiple else parsed


def _each(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def wanted_by(fields: UserFields, items: Sequence[CustomValues]) -> Wanted:
    """What the items' values point at, to be read with the entity's own references."""
    wanted = Wanted()
    by_key = {d.key: d for d in fields.definitions}
    for item in items:
        for key, value in item.values.items():
            definition = by_key[key]
            for one in _each(value):
                match definition.user_type.id:
                    case "employee":
                        wanted.users.add(one)
                    case "crm_status":
                        wanted.statuses.add((_directory(definition), one))
                    case "money" if one.partition("|")[2]:
                        wanted.currencies.add(one.partition("|")[2])
    return wanted


def needs_base_currency(fields: UserFields, items: Sequence[CustomValues]) -> bool:
    """A bare amount of a money field is in the base currency, which must then be read."""
    money = {d.key for d in fields.definitions if d.user_type.id == "money"}
    return any(
        isinstance(one, str) and one.endswith("|")
        for item in items
        for key, value in item.values.items()
        if key in money
        for one in _each(value)
    )


def _directory(definition: Definition) -> str:
    return str(definition.settings.get("ENTITY_TYPE", ""))


def check_references(
    conn: Connection,
    fields: UserFields,
    items: Sequence[CustomValues],
    *,
    known: References,
    kept_files: Sequence[Mapping[str, Iterable[int]]] | None = None,
) -> None:
    """Add to each item's errors every value that points at nothing (``known`` holds what was
    read of ``wanted_by``); fill bare money amounts with the base currency. ``kept_files``:
    per item, the files each field holds now."""
    by_key = {d.key: d for d in fields.definitions}
    bindings: dict[str, set[int]] = {}
    for item in items:
        for key, value in item.values.items():
            if by_key[key].user_type.id == "crm":
                for one in _each(value):
                    entity, number = _binding(by_key[key], one)
                    bindings.setdefault(entity, set()).add(number)
    found_bindings = {entity: existing(conn, entity, ids) for entity, ids in bindings.items()}
    for index, item in enumerate(items):
        kept = kept_files[index] if kept_files is not None else {}
        for key, value in list(item.values.items()):
            definition = by_key[key]
            checked = []
            for one in _each(value):
                problem = _problem(definition, one, known, found_bindings, set(kept.get(key, ())))
                if problem:
                    item.errors.append(_invalid(definition, problem))
                checked.append(_with_currency(definition, one, known.base_currency))
            if value is not None:
                item.values[key] = checked if isinstance(value, list) else checked[0]


def _binding(definition: Definition, value: str) -> tuple[str, int]:
    prefix, _, number = value.rpartition("_")
    if not prefix:
        enabled = [t for t in CRM_PREFIXES if definition.settings.get(t) == "Y"]
        return enabled[0], int(number)
    return _ENTITY_BY_PREFIX[prefix], int(number)


def _problem(
    definition: Definition,
    value: Any,
    known: References,
    bindings: Mapping[str, set[int]],
    kept_files: set[int],
) -> str | None:
    match definition.user_type.id:
        case "employee" if not known.has_user(value):
            return f"there is no user with ID {value}"
        case "crm_status" if not known.has_status(_directory(definition), value):
            return f"the directory has no item '{value}'"
        case "money" if value.partition("|")[2] and value.partition("|")[2] not in known.currencies:
            return f"the currency '{value.partition('|')[2]}' is unknown"
        case "crm":
            entity, number = _binding(definition, value)
            if number not in bindings.get(entity, set()):
                return f"there is no {entity.lower()} with ID {number}"
        case "file" if isinstance(value, int) and value not in kept_files:
            return f"the field holds no file with ID {value}"
    return None


def _with_currency(definition: Definition, value: Any, base: str) -> Any:
    if definition.user_type.id == "money" and isinstance(value, str) and value.endswith("|"):
        return value + base
    return value
