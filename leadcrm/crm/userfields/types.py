"""The custom field types: each one's title, settings with their defaults, and stored form.

``crm.userfield.types``, ``crm.userfield.settings.fields``, the settings a definition keeps and
the way its values are stored all come from this one table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from leadcrm.catalogue.kinds import parse_flag

Storage = Literal["text", "integer", "number"]


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def positive(default: int) -> Callable[[object], object]:
    def coerce(value: object) -> object:
        number = _int(value)
        return number if number is not None and number > 0 else default

    return coerce


def not_negative(default: int) -> Callable[[object], object]:
    def coerce(value: object) -> object:
        number = _int(value)
        return number if number is not None and number >= 0 else default

    return coerce


def one_of(*choices: str) -> Callable[[object], object]:
    def coerce(value: object) -> object:
        text = str(value).upper() if isinstance(value, str) else ""
        return text if text in choices else choices[0]

    return coerce


def flag(value: object) -> object:
    try:
        return "Y" if parse_flag(value) else "N"
    except ValueError:
        return "N"


def text(value: object) -> object:
    return "" if value is None else str(value) if not isinstance(value, (dict, list)) else ""


def number_or_empty(value: object) -> object:
    if value is None or value == "":
        return ""
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return ""


def integer_or_empty(value: object) -> object:
    number = _int(value)
    return "" if number is None else number


def extensions(value: object) -> object:
    """File name extensions, sent as a list or as a map whose keys are the extensions."""
    if isinstance(value, Mapping):
        value = list(value)
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    if not isinstance(value, list):
        return []
    return [str(e).strip().lstrip(".").lower() for e in value if str(e).strip()]


def boolean_default(value: object) -> object:
    number = _int(value)
    if number is None:
        try:
            return 1 if parse_flag(value) else 0
        except ValueError:
            return 0
    return 1 if number >= 1 else 0


def date_default(value: object) -> object:
    if not isinstance(value, Mapping):
        return {"VALUE": "", "TYPE": "NONE"}
    kind = one_of("NONE", "NOW", "FIXED")(value.get("TYPE", "NONE"))
    return {"VALUE": text(value.get("VALUE", "")), "TYPE": kind}


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    type: str  # as crm.userfield.settings.fields names it
    title: str
    default: Any
    coerce: Callable[[object], object]


@dataclass(frozen=True, slots=True)
class UserType:
    id: str
    title: str
    storage: Storage
    settings: tuple[Setting, ...] = ()
    can_be_multiple: bool = True

    def default_settings(self) -> dict[str, Any]:
        return {s.name: _copy(s.default) for s in self.settings}

    def merge_settings(self, current: Mapping[str, Any], sent: object) -> dict[str, Any]:
        """``current`` with the known settings that were sent, each coerced to its rule."""
        merged = dict(current)
        if isinstance(sent, Mapping):
            upper = {str(key).upper(): value for key, value in sent.items()}
            for setting in self.settings:
                if setting.name in upper:
                    merged[setting.name] = setting.coerce(upper[setting.name])
        if self.id == "crm" and not any(merged.get(t) == "Y" for t in CRM_TYPES):
            merged["LEAD"] = "Y"
        return merged

    def describe_settings(self) -> dict[str, dict[str, str]]:
        return {s.name: {"type": s.type, "title": s.title} for s in self.settings}


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return dict(value)
    return list(value) if isinstance(value, list) else value


CRM_TYPES = ("LEAD", "CONTACT", "COMPANY", "DEAL")
_DATE_DEFAULT = Setting(
    "DEFAULT_VALUE", "object", "Default Value", {"VALUE": "", "TYPE": "NONE"}, date_default
)
_IBLOCK = (
    Setting("IBLOCK_TYPE_ID", "string", "Information Block Type", "", text),
    Setting("IBLOCK_ID", "int", "Information Block", 0, not_negative(0)),
    Setting("DEFAULT_VALUE", "string", "Default Value", "", text),
    Setting("DISPLAY", "string", "Appearance", "LIST", one_of("LIST", "DIALOG", "UI", "CHECKBOX")),
    Setting("LIST_HEIGHT", "int", "List Height", 1, positive(1)),
    Setting("ACTIVE_FILTER", "char", "Show Active Elements Only", "N", flag),
)

USER_TYPES: dict[str, UserType] = {
    t.id: t
    for t in (
        UserType(
            "string",
            "String",
            "text",
            (
                Setting("SIZE", "int", "Input Field Size", 20, positive(20)),
                Setting("ROWS", "int", "Number of Rows", 1, positive(1)),
                Setting("REGEXP", "string", "Regular Expression", "", text),
                Setting("MIN_LENGTH", "int", "Minimum Length", 0, not_negative(0)),
                Setting("MAX_LENGTH", "int", "Maximum Length", 0, not_negative(0)),
                Setting("DEFAULT_VALUE", "string", "Default Value", "", text),
            ),
        ),
        UserType(
            "integer",
            "Integer",
            "integer",
            (Setting("DEFAULT_VALUE", "int", "Default Value", "", integer_or_empty),),
        ),
        UserType(
            "double",
            "Number",
            "number",
            (
                Setting("DEFAULT_VALUE", "double", "Default Value", "", number_or_empty),
                Setting("PRECISION", "int", "Precision", 2, not_negative(2)),
            ),
        ),
        UserType(
            "boolean",
            "Yes/No",
            "integer",
            (
                Setting("DEFAULT_VALUE", "int", "Default Value", 0, boolean_default),
                Setting(
                    "DISPLAY",
                    "string",
                    "Appearance",
                    "CHECKBOX",
                    one_of("CHECKBOX", "RADIO", "DROPDOWN"),
                ),
            ),
            can_be_multiple=False,
        ),
        UserType(
            "enumeration",
            "List",
            "integer",
            (
                Setting(
                    "DISPLAY",
                    "string",
                    "Appearance",
                    "LIST",
                    one_of("LIST", "UI", "CHECKBOX", "DIALOG"),
                ),
                Setting("LIST_HEIGHT", "int", "List Height", 1, positive(1)),
                Setting("CAPTION_NO_VALUE", "string", "Caption of No Value", "", text),
                Setting("SHOW_NO_VALUE", "char", "Show No Value", "Y", flag),
            ),
        ),
        UserType("datetime", "Date/Time", "text", (_DATE_DEFAULT,)),
        UserType("date", "Date", "text", (_DATE_DEFAULT,)),
        UserType(
            "money",
            "Money",
            "text",
            (Setting("DEFAULT_VALUE", "string", "Default Value", "", text),),
        ),
        UserType(
            "url", "Link", "text", (Setting("DEFAULT_VALUE", "string", "Default Value", "", text),)
        ),
        UserType("address", "Google Maps Address", "text"),
        UserType(
            "file",
            "File",
            "integer",
            (
                Setting("SIZE", "int", "Input Field Size", 20, positive(20)),
                Setting("LIST_WIDTH", "int", "List Width", 0, not_negative(0)),
                Setting("LIST_HEIGHT", "int", "List Height", 0, not_negative(0)),
                Setting("MAX_SHOW_SIZE", "int", "Maximum Size Shown", 0, not_negative(0)),
                Setting("MAX_ALLOWED_SIZE", "int", "Maximum File Size", 0, not_negative(0)),
                Setting("EXTENSIONS", "string", "Extensions", [], extensions),
                Setting("TARGET_BLANK", "char", "Open in a New Window", "Y", flag),
            ),
        ),
        UserType("employee", "Binding to User", "integer"),
        UserType(
            "crm_status",
            "Binding to CRM Directories",
            "text",
            (Setting("ENTITY_TYPE", "string", "Directory Type", "", text),),
        ),
        UserType("iblock_section", "Binding to Information Block Sections", "integer", _IBLOCK),
        UserType("iblock_element", "Binding to Information Block Elements", "integer", _IBLOCK),
        UserType(
            "crm",
            "Binding to CRM Entities",
            "text",
            tuple(Setting(t, "char", t.title(), "N", flag) for t in CRM_TYPES),
        ),
    )
}

# An application's field type (rest_{appId}_{code}): its handler renders the value, which
# leadcrm keeps as text.
APP_TYPE_PREFIX = "rest_"


def app_type(type_id: str, title: str = "") -> UserType:
    return UserType(type_id, title or type_id, "text")


def user_type_of(type_id: str) -> UserType:
    """A stored field's type; an application's type outlives its registration as text."""
    found = USER_TYPES.get(type_id)
    return found if found is not None else app_type(type_id)
