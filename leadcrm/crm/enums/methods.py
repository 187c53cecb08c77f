"""crm.enum.* and crm.multifield.fields: fixed reference data, the same for every portal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from leadcrm.crm.enums import values
from leadcrm.crm.enums.fields import ENUM_FIELDS, MULTIFIELD_FIELDS
from leadcrm.rest.call import Call
from leadcrm.rest.registry import Handler, method


@method("crm.enum.fields", scope="crm")
def enum_fields(call: Call) -> dict[str, Any]:
    return ENUM_FIELDS.describe()


@method("crm.multifield.fields", scope="crm")
def multifield_fields(call: Call) -> dict[str, Any]:
    return MULTIFIELD_FIELDS.describe()


@method("crm.enum.getorderownertypes", scope="crm")
def enum_order_owner_types(call: Call) -> list[dict[str, object]]:
    return [dict(item) for item in values.ORDER_OWNER_TYPES]


def _enumeration(items: Sequence[values.Item]) -> Handler:
    def answer(call: Call) -> list[dict[str, object]]:
        return [item.render() for item in items]

    return answer


for _name, _items in {
    "crm.enum.ownertype": values.OWNER_TYPES,
    "crm.enum.settings.mode": values.SETTINGS_MODES,
    "crm.enum.addresstype": values.ADDRESS_TYPES,
    "crm.enum.contenttype": values.CONTENT_TYPES,
    "crm.enum.activitytype": values.ACTIVITY_TYPES,
    "crm.enum.activitystatus": values.ACTIVITY_STATUSES,
    "crm.enum.activitypriority": values.ACTIVITY_PRIORITIES,
    "crm.enum.activitydirection": values.ACTIVITY_DIRECTIONS,
    "crm.enum.activitynotifytype": values.ACTIVITY_NOTIFY_TYPES,
}.items():
    method(_name, scope="crm")(_enumeration(_items))
