"""The events leadcrm sends: what event.bind accepts and ``events`` lists, with their scopes."""

from __future__ import annotations

_CRM_ENTITIES = ("LEAD", "COMPANY", "CONTACT")
_CRM_ACTIONS = (
    "ADD",
    "UPDATE",
    "DELETE",
    "USERFIELDADD",
    "USERFIELDUPDATE",
    "USERFIELDDELETE",
    "USERFIELDSETENUMVALUES",
)

# In the order the `events` example lists them.
EVENTS: dict[str, str] = {
    "ONAPPUNINSTALL": "basic",
    "ONAPPTEST": "basic",
    "ONOFFLINEEVENT": "basic",
    **{f"ONCRM{e}{a}": "crm" for e in _CRM_ENTITIES for a in _CRM_ACTIONS},
    **{f"ONCRMPRODUCT{a}": "crm" for a in ("ADD", "UPDATE", "DELETE")},
}

# Events about the application itself, which carry no user's tokens.
APP_EVENTS = frozenset({"ONAPPUNINSTALL", "ONAPPTEST", "ONOFFLINEEVENT"})


def available(*, scopes: frozenset[str], only: str | None, full: bool) -> list[str]:
    if only:
        return [e for e, scope in EVENTS.items() if scope == only.lower()]
    return [e for e, scope in EVENTS.items() if full or scope == "basic" or scope in scopes]
