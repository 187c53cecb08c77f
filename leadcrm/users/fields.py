"""The user catalogue: what user.fields, user.get and user.current know of a user."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, or_

from leadcrm.catalogue import Catalogue, Field
from leadcrm.catalogue.kinds import (
    BOOLEAN,
    DATE,
    DATETIME,
    INTEGER,
    FieldValueError,
    Kind,
    StringKind,
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
