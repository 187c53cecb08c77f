"""What the tests of contacts and companies share: they run on one engine (leadcrm/crm/entities).

tests/crm/contacts, tests/crm/companies and tests/crm/entities take their helpers from here: a
frozen clock, the documented answers' constants, calls that add and read records, the check
that a refused call writes nothing, and ``Entity``, what differs between a contact and a company
for the behaviour tests that run on both (test_shared_behaviour.py).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest

from leadcrm.users import service as users_service
from tests.crm.leads.test_add import FULL_FIELDS as LEAD_FULL_FIELDS
from tests.crm.leads.test_add import Clock as Clock
from tests.crm.leads.test_add import database_rows as database_rows
from tests.crm.leads.test_add import php_pairs as php_pairs
from tests.crm.leads.test_add import php_query as php_query
from tests.crm.leads.test_core import ISO_WITH_OFFSET as ISO_WITH_OFFSET
from tests.crm.leads.test_fields import DOC_FIELDS as LEAD_FIELDS
from tests.crm.leads.test_fields import _documented as lead_descriptor
from tests.crm.leads.test_update import BAD_IDS as BAD_IDS
from tests.crm.leads.test_update import UNKNOWN_IDS as UNKNOWN_IDS
from tests.events.test_record import events as events
from tests.events.test_record import new_events as new_events
from tests.support import Api

TIME_KEYS = {"start", "finish", "duration", "processing", "date_start", "date_finish"}
MOMENT = datetime(2024, 5, 23, 16, 18, 25)
MOMENT_TEXT = "2024-05-23T16:18:25+00:00"
LATER_TEXT = "2024-05-23T16:28:25+00:00"  # MOMENT + 10 minutes
MULTIFIELDS = ("PHONE", "EMAIL", "WEB", "IM", "LINK")

ID_INVALID = {"error": "", "error_description": "ID is not defined or invalid."}
NOT_FOUND = {"error": "", "error_description": "Not found"}
FIELDS_NOT_A_MAP = {"error": "", "error_description": "Parameter 'fields' must be array."}
PARAMS_NOT_A_MAP = {"error": "", "error_description": "Parameter 'params' must be array."}

# The parts of an address from the city on, as the fields pages name and title them.
ADDRESS_PARTS = (
    ("CITY", "City"),
    ("POSTAL_CODE", "Postal Code"),
    ("REGION", "Region"),
    ("PROVINCE", "Province"),
    ("COUNTRY", "Country"),
    ("COUNTRY_CODE", "Country Code"),
)
# An address's fields in the get examples' order, and the UTM marks'.
ADDRESS = (
    "ADDRESS",
    "ADDRESS_2",
    *(f"ADDRESS_{part}" for part, _ in ADDRESS_PARTS),
    "ADDRESS_LOC_ADDR_ID",
)
UTM = ("UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM")
# A record added by the administrator (user 1) with no phone, e-mail or open line, as get shows it.
NOTHING_SET = {"HAS_PHONE": "N", "HAS_EMAIL": "N", "HAS_IMOL": "N"}
BY_ADMIN = {"ASSIGNED_BY_ID": "1", "CREATED_BY_ID": "1", "MODIFY_BY_ID": "1"}
# The address of the lead tests' every-writable-field table, for the contact's and company's.
FULL_ADDRESS = {name: value for name, value in LEAD_FULL_FIELDS.items() if name in ADDRESS}
# The rows of ``documented`` for the multifields: every fields page writes them as the lead's.
MULTIFIELD_ROWS = [row for row in LEAD_FIELDS if row[1] == "crm_multifield"]

# Read-only and unknown fields that add and update ignore on every entity; each entity's module
# adds its own to make its READ_ONLY_ATTEMPT.
IGNORED: dict[str, Any] = {
    "ID": 999,
    "HAS_PHONE": "Y",
    "HAS_EMAIL": "Y",
    "HAS_IMOL": "Y",
    "CREATED_BY_ID": 5,
    "MODIFY_BY_ID": 5,
    "DATE_CREATE": "2001-01-01T00:00:00+00:00",
    "DATE_MODIFY": "2001-01-01T00:00:00+00:00",
    # POLICY: LEAD_ID is read-only on the fields page; a sent one is ignored, even a real lead.
    "LEAD_ID": 1,
    "NO_SUCH_FIELD": "x",
    "UF_CRM_NOT_THERE": "x",
}


def freeze(monkeypatch: pytest.MonkeyPatch, now: datetime = MOMENT) -> Clock:
    """Stop the clock of every leadcrm module that took ``utcnow`` from users.service.

    The entity services are being written alongside these tests, so the clock is found by
    identity rather than by the module that holds it.
    """
    clock = Clock(now)
    original = users_service.utcnow
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] == "leadcrm" and getattr(module, "utcnow", None) is original:
            monkeypatch.setattr(module, "utcnow", clock)
    return clock


def answered(response: httpx.Response, *keys: str) -> dict[str, Any]:
    """The body of a successful answer: ``result``, then ``keys``, then the time block."""
    body: dict[str, Any] = response.json()
    assert (response.status_code, list(body)) == (200, ["result", *keys, "time"]), body
    assert set(body["time"]) >= TIME_KEYS
    return body


def list_ids(api: Api, method: str, params: dict[str, Any]) -> list[int]:
    response = api.post(method, params)
    body = response.json()
    assert response.status_code == 200, body
    return [int(item["ID"]) for item in body["result"]]


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: after.get(k) for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def refused(api: Api, method: str, params: dict[str, Any], expected: dict[str, str]) -> None:
    """The call answers exactly ``expected`` with HTTP 400 and leaves every table as it was."""
    before = database_rows(api)
    assert api.error(method, params) == (400, expected), params
    assert database_rows(api) == before


def core_error(description: str) -> dict[str, str]:
    return {"error": "ERROR_CORE", "error_description": description}


def documented(rows: list[tuple[Any, ...]]) -> dict[str, dict[str, Any]]:
    """Descriptors as a fields page's example writes them, keys in the example's order.

    Rows are (name, type, flags, title[, extra]); flags: Q required, R read-only, M multiple.
    """
    described: dict[str, dict[str, Any]] = {}
    for name, type_, flags, title, *rest in rows:
        descriptor = lead_descriptor(type_, flags, title, rest[0] if rest else {})
        descriptor["isRequired"] = "Q" in flags  # the lead's page requires nothing
        described[name] = descriptor
    return described


def address_rows(prefix: str = "", title: str = "") -> list[tuple[Any, ...]]:
    """The rows of ``documented`` for an address's city to country code: ``prefix`` goes before
    each name (REG_), ``title`` before each title ("Legal Address ")."""
    return [(f"{prefix}ADDRESS_{part}", "string", "", title + name) for part, name in ADDRESS_PARTS]


def utm_rows(term_title: str) -> list[tuple[Any, ...]]:
    """The rows of ``documented`` for the UTM marks; the pages title UTM_TERM differently."""
    return [
        ("UTM_SOURCE", "string", "", "Advertising System"),
        ("UTM_MEDIUM", "string", "", "Traffic Type"),
        ("UTM_CAMPAIGN", "string", "", "Campaign Identifier"),
        ("UTM_CONTENT", "string", "", "Campaign Content"),
        ("UTM_TERM", "string", "", term_title),
    ]


def assert_described(result: dict[str, Any], described: dict[str, dict[str, Any]]) -> None:
    """A fields answer describes exactly these fields, each descriptor's keys in their order."""
    assert sorted(result) == sorted(described)
    for name, descriptor in described.items():
        assert result[name] == descriptor, name
        assert list(result[name]) == list(descriptor), name


def without_item_ids(record: dict[str, Any]) -> dict[str, Any]:
    found = {k: v for k, v in record.items() if k != "ID"}
    for name in MULTIFIELDS:
        if name in found:
            found[name] = [{**item, "ID": "?"} for item in found[name]]
    return found


@dataclass(frozen=True)
class Entity:
    """What differs between the entities of the one engine, for the tests that run on each."""

    name: str  # contact, company: the methods are crm.<name>.*
    names: tuple[str, ...]  # the fields that name a record; the first is what add() sets
    sample: str  # the name add() gives a record
    note: str  # a free text field that names nothing
    update_missing: dict[str, str]  # the answer of update for an id that is not there
    delete_missing: dict[str, str]  # and of delete

    @property
    def entity_type(self) -> str:
        """CONTACT, COMPANY: the entity of its rows in the event record."""
        return self.name.upper()

    @property
    def other(self) -> Entity:
        return COMPANY if self is CONTACT else CONTACT

    def method(self, action: str) -> str:
        return f"crm.{self.name}.{action}"

    def named(self, name: Any) -> dict[str, Any]:
        return {self.names[0]: name}

    def change(self, value: str) -> dict[str, str]:
        """An update of the name and of the note to ``value``."""
        return {self.names[0]: value, self.note: value}

    def add(self, api: Api, **fields: Any) -> int:
        record_id = api.call(self.method("add"), {"fields": {**self.named(self.sample), **fields}})
        assert type(record_id) is int and record_id > 0
        return record_id

    def get(self, api: Api, record_id: int) -> dict[str, Any]:
        record: dict[str, Any] = api.call(self.method("get"), {"id": record_id})
        return record

    def event(self, action: str, record_id: int, user_id: int = 1) -> tuple[Any, ...]:
        """An event row of this entity: ADD, UPDATE or DELETE of ``record_id`` by ``user_id``."""
        return (f"ONCRM{self.entity_type}{action}", self.entity_type, record_id, user_id, None)


CONTACT = Entity(
    name="contact",
    # POLICY: a contact needs a first or a last name (see NAME_REQUIRED in test_contacts.py).
    names=("NAME", "LAST_NAME"),
    sample="Gleb",
    note="POST",
    # POLICY: each page's own not-found text. crm-contact-update.md's JSON example says
    # "Contact is not found"; crm-contact-delete.md's table says ERROR_CORE "Element not found";
    # crm-contact-get.md says "Not found". All with HTTP 400, as every page says.
    update_missing={"error": "", "error_description": "Contact is not found"},
    delete_missing={"error": "ERROR_CORE", "error_description": "Element not found"},
)
# POLICY: crm-company-update.md's JSON example and crm-company-delete.md's table say
# "Company is not found"; crm-company-get.md says "Not found". All with HTTP 400.
COMPANY_MISSING = {"error": "", "error_description": "Company is not found"}
COMPANY = Entity(
    name="company",
    names=("TITLE",),
    sample="Acme",
    note="COMMENTS",
    update_missing=COMPANY_MISSING,
    delete_missing=COMPANY_MISSING,
)


def add_contact(api: Api, **fields: Any) -> int:
    return CONTACT.add(api, **fields)


def get_contact(api: Api, contact_id: int) -> dict[str, Any]:
    return CONTACT.get(api, contact_id)


def add_company(api: Api, title: str = "Company", **fields: Any) -> int:
    return COMPANY.add(api, TITLE=title, **fields)


def get_company(api: Api, company_id: int) -> dict[str, Any]:
    return COMPANY.get(api, company_id)
