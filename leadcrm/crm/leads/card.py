"""The lead card: its two variants, the fields its layouts may place, the default layout, and
the layout a user sees for a lead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, select

from leadcrm.crm.layouts.sections import FieldNamer
from leadcrm.crm.layouts.service import PERSONAL, layout_for, remove_field
from leadcrm.crm.leads.fields import MULTIFIELD_NAMES
from leadcrm.crm.leads.tables import leads
from leadcrm.crm.leads.userfields import LEAD_OWNER
from leadcrm.crm.userfields.definitions import UserFields
from leadcrm.crm.userfields.owners import Owner, when_field_removed

LEAD_ENTITY_TYPE_ID = 1
SIMPLE_LEAD = 1
REPEAT_LEAD = 2  # a lead with a client (a company or contacts) bound
CUSTOMER_TYPES = (SIMPLE_LEAD, REPEAT_LEAD)

# The composite fields of Bitrix24's own lead card, which layouts made there name; leadcrm's
# card shows them from the fields they stand for.
CARD_COMPOSITES = ("CLIENT", "OPPORTUNITY_WITH_CURRENCY", "PRODUCT_ROW_SUMMARY", "UTM")


def _held_by_client(name: str) -> bool:
    """A repeat lead's contact details are its client's, not its own."""
    return name in MULTIFIELD_NAMES or name.startswith("ADDRESS")


def field_namer(fields: UserFields) -> FieldNamer:
    """Matches a sent element name, in any case, to the name `crm.lead.fields` lists."""
    names = {f.name.upper(): f.name for f in fields.catalogue}
    names.update((name, name) for name in CARD_COMPOSITES)
    return lambda sent: names.get(sent.upper())


def default_sections(fields: UserFields, customer_type: int) -> list[dict[str, Any]]:
    """The card before anyone lays it out: every system field, then every custom field."""
    system = [
        f.name
        for f in fields.catalogue
        if not f.dynamic and not (customer_type == REPEAT_LEAD and _held_by_client(f.name))
    ]
    custom = [f.name for f in fields.catalogue if f.dynamic]
    sections = [_section("main", "About the lead", system)]
    if custom:
        sections.append(_section("user_fields", "More", custom))
    return sections


def _section(name: str, title: str, fields: list[str]) -> dict[str, Any]:
    elements = [{"name": field, "optionFlags": "0"} for field in fields]
    return {"name": name, "title": title, "type": "section", "elements": elements}


@dataclass(frozen=True, slots=True)
class SeenLayout:
    source: Literal["personal", "common", "default"]
    customer_type: int
    sections: list[dict[str, Any]]


def layout_seen_by(conn: Connection, *, user_id: int, lead_id: int) -> SeenLayout | None:
    """The layout user ``user_id`` sees on lead ``lead_id``'s card: their own for the lead's
    variant, else the common one, else the default; None when there is no such lead."""
    lead = conn.execute(select(leads.c.is_return_customer).where(leads.c.id == lead_id)).first()
    if lead is None:
        return None
    customer_type = REPEAT_LEAD if lead.is_return_customer else SIMPLE_LEAD
    stored = layout_for(
        conn, entity_type_id=LEAD_ENTITY_TYPE_ID, variant=customer_type, user_id=user_id
    )
    if stored is not None:
        scope, sections = stored
        return SeenLayout("personal" if scope == PERSONAL else "common", customer_type, sections)
    default = default_sections(LEAD_OWNER.fields(conn), customer_type)
    return SeenLayout("default", customer_type, default)


@when_field_removed
def _forget_removed_field(conn: Connection, owner: Owner, field_name: str) -> None:
    if owner is LEAD_OWNER:
        remove_field(conn, entity_type_id=LEAD_ENTITY_TYPE_ID, name=field_name)
