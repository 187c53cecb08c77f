"""The enumerations' fixed items, as the Bitrix24 docs list them."""

from __future__ import annotations

from typing import NamedTuple


class Item(NamedTuple):
    id: int
    name: str
    symbol_code: str | None = None
    symbol_code_short: str | None = None

    def render(self) -> dict[str, object]:
        return {
            "ID": self.id,
            "NAME": self.name,
            "SYMBOL_CODE": self.symbol_code,
            "SYMBOL_CODE_SHORT": self.symbol_code_short,
        }


# Smart processes (DYNAMIC_*) would follow; this server has none.
OWNER_TYPES = (
    Item(1, "Lead", "LEAD", "L"),
    Item(2, "Deal", "DEAL", "D"),
    Item(3, "Contact", "CONTACT", "C"),
    Item(4, "Company", "COMPANY", "CO"),
    Item(5, "Invoice (old version)", "INVOICE", "I"),
    Item(31, "Invoice", "SMART_INVOICE", "SI"),
    Item(7, "Quote", "QUOTE", "Q"),
    Item(8, "Billing Details", "REQUISITE", "RQ"),
    Item(36, "Document", "SMART_DOCUMENT", "DO"),
    Item(39, "Company Document", "SMART_B2E_DOC", "SBD"),
)

SETTINGS_MODES = (Item(1, "Classic CRM"), Item(2, "Simple CRM"))

ADDRESS_TYPES = (
    Item(11, "Shipping address"),
    Item(1, "Physical address"),
    Item(6, "Legal address"),
    Item(4, "Registered address"),
    Item(8, "Mailing address"),
    Item(9, "Beneficiary address"),
)

_UNDEFINED = Item(0, "")

CONTENT_TYPES = (_UNDEFINED, Item(1, "Plain text"), Item(2, "bbCode"), Item(3, "HTML"))

ACTIVITY_TYPES = (
    _UNDEFINED,
    Item(1, "Meeting"),
    Item(2, "Call"),
    Item(3, "Task"),
    Item(4, "E-mail"),
    Item(5, "Action"),
    Item(6, "User Action"),
)

ACTIVITY_STATUSES = (
    _UNDEFINED,
    Item(1, "Pending"),
    Item(2, "Completed"),
    Item(3, "Automatically Completed"),
)

ACTIVITY_PRIORITIES = (_UNDEFINED, Item(1, "low"), Item(2, "medium"), Item(3, "high"))

ACTIVITY_DIRECTIONS = (_UNDEFINED, Item(1, "Incoming"), Item(2, "Outgoing"))

ACTIVITY_NOTIFY_TYPES = (_UNDEFINED, Item(1, "min."), Item(2, "h."), Item(3, "d."))

# crm.enum.getorderownertypes has a shape of its own; orders bind only to deals.
ORDER_OWNER_TYPES = ({"attribute": "DYN", "code": "DEAL", "id": 2, "name": "Deal"},)
