"""The placements leadcrm offers: the lead's, each with the scope it needs beside ``placement``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Placement:
    code: str
    scope: str
    # Whether placement.bind keeps OPTIONS (most placements take none and drop them).
    keeps_options: bool = False


PLACEMENTS: dict[str, Placement] = {
    p.code: p
    for p in (
        Placement("CRM_LEAD_DETAIL_TAB", "crm"),
        Placement("CRM_LEAD_LIST_MENU", "crm"),
        Placement("CRM_LEAD_LIST_TOOLBAR", "crm"),
        Placement("CRM_LEAD_DETAIL_TOOLBAR", "crm"),
        Placement("CRM_LEAD_DETAIL_ACTIVITY", "crm", keeps_options=True),
        Placement("CRM_LEAD_ACTIVITY_TIMELINE_MENU", "crm"),
        Placement("CRM_LEAD_DOCUMENTGENERATOR_BUTTON", "crm"),
        Placement("CRM_LEAD_ROBOT_DESIGNER_TOOLBAR", "crm"),
    )
}


def available(*, scopes: frozenset[str], only: str | None, full: bool) -> list[str]:
    """placement.list: the codes of one scope, of all scopes, or of the app's own scopes."""
    if only:
        return [p.code for p in PLACEMENTS.values() if p.scope == only.lower()]
    return [p.code for p in PLACEMENTS.values() if full or p.scope in scopes]
