"""Pages ordered by a custom field: the leads without a value are one run, the others another.

Ascending, the empty ones come first (as MySQL-backed Bitrix24 sorts NULLs), descending last;
every page boundary and offset must fall where one ordered list would put it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Api

EMPTY = 70
FILLED = 55


@pytest.fixture
def leads(api: Api) -> dict[int, int | None]:
    api.call(
        "crm.lead.userfield.add", {"fields": {"FIELD_NAME": "RANK", "USER_TYPE_ID": "integer"}}
    )
    commands = {}
    for n in range(EMPTY + FILLED):
        # Values repeat (ties broken by ID) and interleave with the empty leads by ID.
        value = (n * 7) % 20 if n % 9 < 4 or n >= 2 * EMPTY else None
        fields: dict[str, Any] = {"TITLE": f"Lead {n}"}
        if value is not None:
            fields["UF_CRM_RANK"] = value
        commands[f"c{n}"] = {"method": "crm.lead.add", "fields": fields}
    ranks: dict[int, int | None] = {}
    for chunk in range(0, len(commands), 50):
        names = list(commands)[chunk : chunk + 50]
        cmd = {name: "crm.lead.add?" + _query(commands[name]["fields"]) for name in names}
        added = api.call("batch", {"halt": 1, "cmd": cmd})["result"]
        for name in names:
            ranks[added[name]] = commands[name]["fields"].get("UF_CRM_RANK")
    return ranks


def _query(fields: dict[str, Any]) -> str:
    return "&".join(f"fields[{key}]={value}".replace(" ", "%20") for key, value in fields.items())


def _expected(ranks: dict[int, int | None], descending: bool) -> list[int]:
    empty = sorted(i for i, r in ranks.items() if r is None)
    filled = sorted((r, i) for i, r in ranks.items() if r is not None)
    if descending:
        return [i for _, i in reversed(filled)] + empty[::-1]
    return empty + [i for _, i in filled]


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_every_page_continues_the_one_order(
    api: Api, leads: dict[int, int | None], direction: str
) -> None:
    expected = _expected(leads, direction == "DESC")
    assert len([r for r in leads.values() if r is None]) >= 50
    seen: list[int] = []
    start: int | None = 0
    while start is not None:
        body = api.post(
            "crm.lead.list",
            {"order": {"UF_CRM_RANK": direction}, "select": ["ID"], "start": start},
        ).json()
        seen += [int(lead["ID"]) for lead in body["result"]]
        assert body["total"] == len(leads)
        start = body.get("next")
    assert seen == expected


@pytest.mark.parametrize("start", [0, 49, 50, 69, 70, 71, 100, 124, 125, 200])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_any_offset_lands_where_one_order_puts_it(
    api: Api, leads: dict[int, int | None], direction: str, start: int
) -> None:
    expected = _expected(leads, direction == "DESC")
    body = api.post(
        "crm.lead.list",
        {"order": {"UF_CRM_RANK": direction}, "select": ["ID", "UF_CRM_RANK"], "start": start},
    ).json()
    assert [int(lead["ID"]) for lead in body["result"]] == expected[start : start + 50]
    for lead in body["result"]:
        rank = leads[int(lead["ID"])]
        assert lead["UF_CRM_RANK"] == (None if rank is None else str(rank))


def test_a_filter_and_the_order_together(api: Api, leads: dict[int, int | None]) -> None:
    expected = [i for i in _expected(leads, False) if leads[i] is not None and leads[i] >= 10]
    result = api.call(
        "crm.lead.list",
        {"filter": {">=UF_CRM_RANK": 10}, "order": {"UF_CRM_RANK": "ASC"}, "select": ["ID"]},
    )
    assert [int(lead["ID"]) for lead in result] == expected[:50]
