"""The user catalogue: what user.fields, user.get and user.current know of a user."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, and_, false, not_, or_, true

from leadcrm.catalogue import Catalogue, Field
from leadcrm.catalogue.kinds import (
    BOOLEAN,
    DATE,
    DATETIME,
    INTEGER,
    FieldValueError,
    Kind,
    StringKind,
    parse_flag,
)
from leadcrm.rest.errors import crm_error

TEXT = StringKind(255, empty="")


class DepartmentsKind(Kind):
    """``UF_DEPARTMENT``: integer ids, stored as ``,1,2,`` so that membership is one LIKE."""

    empty: object = []

    def parse(self, value: object, zone: Any) -> str:
        items = value if isinstance(value, list) else [value]
        try:
            ids = [int(str(item)) for item in items if str(item) != ""]
        except ValueError as exc:
            raise FieldValueError("department ids are expected") from exc
        return "," + ",".join(str(i) for i in ids) + "," if ids else ""

    def render(self, value: Any, zone: Any) -> object:
        return [int(part) for part in (value or "").split(",") if part]


def _department_condition(table: Table, operation: str, values: list[Any]) -> ColumnElement[bool]:
    try:
        ids = [int(str(v)) for v in values]
    except ValueError as exc:
        raise crm_error("Invalid filter value for field 'UF_DEPARTMENT'.") from exc
    column = table.c.uf_department
    matches = or_(*(column.like(f"%,{i},%") for i in ids))
    return ~matches if operation in ("ne", "not_in") else matches


def _f(name: str, title: str, kind: Kind = TEXT, **options: Any) -> Field:
    return Field(name=name, type="string", kind=kind, title=title, column=name.lower(), **options)


BASE_FIELDS = [
    _f("ID", "ID", INTEGER, read_only=True),
    _f("XML_ID", "External code"),
    _f("ACTIVE", "Activity", BOOLEAN),
    _f("NAME", "First Name"),
    _f("LAST_NAME", "Last Name"),
    _f("SECOND_NAME", "Middle Name"),
    _f("EMAIL", "E-Mail"),
    _f("LAST_LOGIN", "Last Authorization", DATETIME),
    _f("DATE_REGISTER", "Registration Date", DATETIME),
    _f("TIME_ZONE", "TIME_ZONE"),
    _f("PERSONAL_GENDER", "Gender"),
    _f("PERSONAL_PROFESSION", "Profession"),
    _f("PERSONAL_WWW", "Homepage"),
    _f("PERSONAL_BIRTHDAY", "Date of Birth", DATE),
    _f("PERSONAL_PHONE", "Personal Phone"),
    _f("PERSONAL_MOBILE", "Personal Mobile"),
    _f("PERSONAL_CITY", "Residential City"),
    _f("WORK_PHONE", "Company Phone"),
    _f("WORK_COMPANY", "Company"),
    _f("WORK_POSITION", "Job Title"),
    _f("WORK_DEPARTMENT", "Department"),
    _f("UF_DEPARTMENT", "Units", DepartmentsKind(), condition=_department_condition),
    _f("UF_PHONE_INNER", "Extension"),
    _f("USER_TYPE", "USER_TYPE"),
]

USER_FIELDS = Catalogue("USER", BASE_FIELDS)

# What the limited user scopes may read (user/user-scope.md), and the filter-only keys they
# may use; `user` reads every field. Hidden fields are absent from the output and unknown to
# select, filter and sort. NAME_SEARCH looks into e-mails, so user_brief does not get it.
USER_BRIEF_FIELDS = frozenset(
    {
        "ID",
        "XML_ID",
        "ACTIVE",
        "NAME",
        "LAST_NAME",
        "SECOND_NAME",
        "TIME_ZONE",
        "DATE_REGISTER",
        "PERSONAL_PROFESSION",
        "PERSONAL_GENDER",
        "PERSONAL_BIRTHDAY",
        "PERSONAL_CITY",
        "WORK_POSITION",
        "UF_DEPARTMENT",
        "UF_PHONE_INNER",
        "IS_ONLINE",
    }
)
USER_BASIC_FIELDS = USER_BRIEF_FIELDS | {
    "EMAIL",
    "PERSONAL_PHONE",
    "PERSONAL_MOBILE",
    "WORK_PHONE",
    "WORK_COMPANY",
    "WORK_DEPARTMENT",
    "NAME_SEARCH",
}
_NEGATIVE = {"ne", "not_in", "not_like", "not_contains"}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _name_search_condition(table: Table, operation: str, values: list[Any]) -> ColumnElement[bool]:
    """``NAME_SEARCH``: every word of the text appears in the name, last name, middle name or
    e-mail."""
    columns = (table.c.name, table.c.last_name, table.c.second_name, table.c.email)
    words = [w for v in values for w in str(v).replace("%", " ").split()]
    matches = and_(
        true(),
        *(or_(*(c.ilike(f"%{_escape_like(w)}%", escape="\\") for c in columns)) for w in words),
    )
    return not_(matches) if operation in _NEGATIVE else matches


def _online_condition(table: Table, operation: str, values: list[Any]) -> ColumnElement[bool]:
    """``IS_ONLINE``: leadcrm keeps no presence, so every user is offline (``N``)."""
    try:
        wanted = {parse_flag(v) for v in values}
    except FieldValueError as exc:
        raise crm_error("Invalid filter value for field 'IS_ONLINE'.") from exc
    if operation in ("empty", "not_empty"):
        return true() if operation == "not_empty" else false()
    offline_matches = False in wanted
    if operation in _NEGATIVE:
        offline_matches = not offline_matches
    return true() if offline_matches else false()


# Filter-only keys user.get documents; never selected, never sorted on.
FILTER_ONLY_FIELDS = [
    Field(
        name="NAME_SEARCH",
        type="string",
        kind=TEXT,
        title="NAME_SEARCH",
        in_star=False,
        sortable=False,
        condition=_name_search_condition,
    ),
    Field(
        name="IS_ONLINE",
        type="char",
        kind=TEXT,
        title="IS_ONLINE",
        in_star=False,
        sortable=False,
        condition=_online_condition,
    ),
]
_FILTER_CATALOGUE = USER_FIELDS.extended(FILTER_ONLY_FIELDS)
_visible: dict[frozenset[str], tuple[Catalogue, Catalogue]] = {}


def catalogues_for(scopes: frozenset[str]) -> tuple[Catalogue, Catalogue]:
    """The fields these scopes may read, and the same plus the filter-only keys."""
    user_scopes = scopes & {"user", "user_basic", "user_brief"}
    pair = _visible.get(user_scopes)
    if pair is None:
        if "user" in user_scopes:
            pair = (USER_FIELDS, _FILTER_CATALOGUE)
        else:
            allowed = USER_BASIC_FIELDS if "user_basic" in user_scopes else USER_BRIEF_FIELDS
            pair = (
                Catalogue("USER", [f for f in USER_FIELDS if f.name in allowed]),
                Catalogue("USER", [f for f in _FILTER_CATALOGUE if f.name in allowed]),
            )
        _visible[user_scopes] = pair
    return pair
