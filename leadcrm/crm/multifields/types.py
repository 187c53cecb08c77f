"""The multifield types, their allowed VALUE_TYPEs and how each value is normalised for search."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MultifieldType:
    type_id: str
    title: str
    value_types: tuple[str, ...]

    def normalise(self, value: str) -> str:
        """The form filters and duplicate search compare: a phone's digits, a lower-cased rest."""
        if self.type_id == "PHONE":
            return re.sub(r"\D", "", value)
        return value.strip().lower()


# crm/data-types.md#crm_multifield; LINK's value types are not documented: we accept the
# generic ones and OTHER.
TYPES: dict[str, MultifieldType] = {
    t.type_id: t
    for t in (
        MultifieldType(
            "PHONE", "Phone", ("WORK", "MOBILE", "FAX", "HOME", "PAGER", "MAILING", "OTHER")
        ),
        MultifieldType("EMAIL", "E-mail", ("WORK", "HOME", "MAILING", "OTHER")),
        MultifieldType("WEB", "Website", ("WORK", "HOME", "VK", "LIVEJOURNAL", "TWITTER", "OTHER")),
        MultifieldType(
            "IM",
            "Messenger",
            (
                "TELEGRAM",
                "VK",
                "SKYPE",
                "VIBER",
                "BITRIX24",
                "OPENLINE",
                "IMOL",
                "ICQ",
                "MSN",
                "JABBER",
                "OTHER",
            ),
        ),
        MultifieldType("LINK", "LINK", ("USER", "WORK", "HOME", "OTHER")),
    )
}

OPEN_LINE_VALUE_TYPES = frozenset({"OPENLINE", "IMOL"})
