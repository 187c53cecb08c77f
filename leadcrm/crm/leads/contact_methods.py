"""crm.lead.contact.*: thin handlers over the lead's contact bindings.

The lead pages document NOT_FOUND ("Not found.") for a missing lead or contact; the texts for
malformed parameters are the ones of the sibling company binding pages (docs/compatibility.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadcrm.catalogue import Catalogue, Field
from leadcrm.catalogue.kinds import FLAG, INTEGER, FieldValueError, parse_flag
from leadcrm.crm.bindings.service import Binding
from leadcrm.crm.ids import MAX_ID, whole_number
from leadcrm.crm.leads import contacts
from leadcrm.rest.call import Call
from leadcrm.rest.errors import RestError
from leadcrm.rest.registry import method

BINDING_FIELDS = Catalogue(
    "LEAD_CONTACT",
    [
        Field(name="SORT", type="integer", kind=INTEGER, title="Sorting"),
        Field(name="IS_PRIMARY", type="char", kind=FLAG, title="Primary"),
        Field(name="CONTACT_ID", type="integer", kind=INTEGER, title="Contact", required=True),
    ],
)


def _invalid(text: str) -> RestError:
    return RestError("", text, 400)


def _lead_id(call: Call, *, quoted: bool = True) -> int:
    # The pages quote the parameter's name for add and delete, and not for items.*.
    number = whole_number(call.params.get("id"))
    if not number:
        name = "'ownerEntityID'" if quoted else "ownerEntityID"
        raise _invalid(f"The parameter {name} is invalid or not defined.")
    return number


def _upper(raw: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(key).upper(): value for key, value in raw.items()}


def _binding(raw: object, parameter: str) -> Binding:
    """One binding as sent: CONTACT_ID required, SORT and IS_PRIMARY optional (SORT 0: none)."""
    if not isinstance(raw, Mapping):
        raise _invalid(f"The parameter '{parameter}' is not valid.")
    values = _upper(raw)
    contact_id = whole_number(values.get("CONTACT_ID"))
    sort = whole_number(values.get("SORT")) if values.get("SORT") not in (None, "") else 0
    if not contact_id or contact_id > MAX_ID or sort is None or sort > MAX_ID:
        raise _invalid(f"The parameter '{parameter}' is not valid.")
    try:
        primary = values.get("IS_PRIMARY") not in (None, "") and parse_flag(values["IS_PRIMARY"])
    except FieldValueError:
        raise _invalid(f"The parameter '{parameter}' is not valid.") from None
    return Binding(contact_id, sort=sort, is_primary=primary)


def _fields(call: Call) -> Binding:
    raw = call.params.get("fields")
    if raw == []:  # PHP's empty array: an empty map
        raw = {}
    if not isinstance(raw, Mapping):
        raise _invalid("The parameter 'fields' must be array.")
    return _binding(raw, "fields")


def _items(call: Call) -> list[Binding]:
    raw = call.params.get("items")
    if raw == "":
        raw = []
    # A form body sends items[0][CONTACT_ID]=...: a map keyed by position.
    if isinstance(raw, Mapping):
        raw = list(raw.values())
    if not isinstance(raw, list):
        raise _invalid("The parameter items must be array.")
    wanted = [_binding(entry, "items") for entry in raw]
    if len({b.target_id for b in wanted}) != len(wanted):
        raise _invalid("The parameter 'items' is not valid: a contact is listed twice.")
    return wanted


@method("crm.lead.contact.fields", scope="crm", transactional=False)
def lead_contact_fields(call: Call) -> dict[str, Any]:
    return BINDING_FIELDS.describe()


@method("crm.lead.contact.add", scope="crm", writes=True)
def lead_contact_add(call: Call) -> bool:
    lead_id = _lead_id(call)
    binding = _fields(call)
    return contacts.bind(
        call.conn,
        lead_id=lead_id,
        contact_id=binding.target_id,
        sort=binding.sort or None,
        is_primary=binding.is_primary,
        user_id=call.user_id,
    )


@method("crm.lead.contact.delete", scope="crm", writes=True)
def lead_contact_delete(call: Call) -> bool:
    lead_id = _lead_id(call)
    binding = _fields(call)
    return contacts.unbind(
        call.conn, lead_id=lead_id, contact_id=binding.target_id, user_id=call.user_id
    )


@method("crm.lead.contact.items.get", scope="crm")
def lead_contact_items_get(call: Call) -> list[dict[str, Any]]:
    return contacts.items(call.conn, lead_id=_lead_id(call, quoted=False))


@method("crm.lead.contact.items.set", scope="crm", writes=True)
def lead_contact_items_set(call: Call) -> bool:
    lead_id = _lead_id(call, quoted=False)
    contacts.replace(call.conn, lead_id=lead_id, wanted=_items(call), user_id=call.user_id)
    return True


@method("crm.lead.contact.items.delete", scope="crm", writes=True)
def lead_contact_items_delete(call: Call) -> bool:
    contacts.clear(call.conn, lead_id=_lead_id(call, quoted=False), user_id=call.user_id)
    return True
