"""What is loaded: each lead call next to the bare endpoint doing its one database operation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson

from bench.customfields import CODE_FIELD, STAGE_FIELD, SeededFields, Values
from bench.load import Request
from bench.seed import CONTACTS, FILTER_MIN_OPPORTUNITY, FILTER_STATUS, PRODUCTS, seeded_product
from leadcrm.crm.productrows.rows import MEASURES
from leadcrm.rest.batch import MAX_COMMANDS

Check = Callable[[Any], str | None]
BATCH_CONNECTIONS = 4
LEAD_CONTACTS = 10  # contacts lead-contacts-set binds to a lead
PRODUCT_ROWS = 20  # rows lead-productrows-set gives a lead
# The first row's price: the request's {n} (a number of 10 digits or so that no other request
# of the run uses) moved four places right, a price of some 100,000 to 2,000,000 whose four
# decimal places differ from one request to the next, so each request changes the lead's set.
VARYING_PRICE = "{n}E-4"


@dataclass(frozen=True)
class Target:
    kind: str  # "ratio": leadcrm/bare rate; "p99": milliseconds; "items": leads per second
    by_database: dict[str, float]
    from_leads: int = 0  # a target stated "over N leads" is judged only from N leads on

    def value(self, database: str) -> float:
        return self.by_database[database]

    def describe(self, database: str) -> str:
        value = self.value(database)
        if self.kind == "ratio":
            text = f">= {value:.0%} of bare"
        elif self.kind == "p99":
            text = f"p99 <= {value:g} ms"
        else:
            text = f">= {value:,.0f} leads/s"
        if self.from_leads:
            text += f" (at {self.from_leads:,} leads)"
        return text

    def met(self, database: str, *, ratio: float, p99_ms: float, items_per_s: float) -> bool:
        value = self.value(database)
        if self.kind == "ratio":
            return ratio >= value
        if self.kind == "p99":
            return p99_ms <= value
        return items_per_s >= value


@dataclass(frozen=True)
class Pair:
    key: str
    call: str
    leadcrm: Request
    bare: Request
    check: Check  # of a leadcrm answer
    bare_check: Check
    connections: int | None = None  # None: the run's --connections
    items: int = 1  # leads a request writes (a batch: 50)
    target: Target | None = None


def _both(value: float) -> dict[str, float]:
    return {"sqlite": value, "postgresql": value}


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


# A lead as an integration sends it: names, stage, amount, and a phone and an e-mail.
ADD_FIELDS = {
    "TITLE": "Bench lead {n}",
    "NAME": "Anna",
    "LAST_NAME": "Bench",
    "STATUS_ID": "NEW",
    "SOURCE_ID": "WEB",
    "OPPORTUNITY": "1500.00",
    "CURRENCY_ID": "USD",
    "PHONE": [{"VALUE": "+1 555 {n}", "VALUE_TYPE": "WORK"}],
    "EMAIL": [{"VALUE": "bench{n}@example.com", "VALUE_TYPE": "WORK"}],
}


# A contact as an integration sends it: names, type, source, and a phone and an e-mail.
CONTACT_FIELDS = {
    "NAME": "Anna",
    "LAST_NAME": "Bench",
    "TYPE_ID": "CLIENT",
    "SOURCE_ID": "WEB",
    "PHONE": [{"VALUE": "+1 556 {n}", "VALUE_TYPE": "WORK"}],
    "EMAIL": [{"VALUE": "contact{n}@example.com", "VALUE_TYPE": "WORK"}],
}
# What /bench/contact-insert writes: the row crm.contact.add stores for CONTACT_FIELDS
# (HONORIFIC defaults to its directory's first item), without the phone and e-mail rows, as
# /bench/insert writes a lead without them. run.py checks the two rows agree.
BARE_CONTACT = {
    "name": "Anna",
    "last_name": "Bench",
    "type_id": "CLIENT",
    "source_id": "WEB",
    "honorific": "HNR_EN_1",
}


def _batch_command() -> str:
    """``crm.lead.add?fields[...]=...`` as PHP's http_build_query writes it."""
    pairs: list[tuple[str, str]] = []
    for name, value in ADD_FIELDS.items():
        if isinstance(value, list):
            for key, item in value[0].items():
                pairs.append((f"fields[{name}][0][{key}]", item))
        else:
            pairs.append((f"fields[{name}]", value))
    return "crm.lead.add?" + urlencode(pairs).replace("%7Bn%7D", "{n}")


def _list_body(start: int | None) -> str:
    params: dict[str, Any] = {
        "filter": {"STATUS_ID": FILTER_STATUS, ">=OPPORTUNITY": FILTER_MIN_OPPORTUNITY},
        "order": {"DATE_CREATE": "DESC"},
    }
    if start is not None:
        params["start"] = start
    return _json(params)


def _bare_list(start: int | None) -> Request:
    # The list counts its matches unless start=-1 (on a first page only when there is more
    # than a page, as there is here).
    count = 0 if start == -1 else 1
    query = (
        f"status={FILTER_STATUS}&min={FILTER_MIN_OPPORTUNITY}&start={max(start or 0, 0)}"
        f"&count={count}"
    )
    return Request("GET", "/bench/list?" + query)


def _result(body: Any) -> Any:
    return body.get("result") if isinstance(body, dict) else None


def _is_id(body: Any) -> str | None:
    result = _result(body)
    return None if isinstance(result, int) and result > 0 else f"no new id in {body!r:.200}"


def _is_lead(body: Any) -> str | None:
    result = _result(body)
    ok = isinstance(result, dict) and result.get("ID") and result.get("PHONE")
    return None if ok else f"no lead with a phone in {body!r:.200}"


def _is_row(body: Any) -> str | None:
    result = _result(body)
    return None if isinstance(result, dict) and result.get("id") else f"no row in {body!r:.200}"


def _is_page(body: Any) -> str | None:
    result = _result(body)
    return None if isinstance(result, list) else f"no page in {body!r:.200}"


def _is_ids(count: int) -> Check:
    def check(body: Any) -> str | None:
        result = _result(body)
        ok = isinstance(result, list) and len(result) == count
        return None if ok else f"not {count} ids in {body!r:.200}"

    return check


def _is_batch(count: int) -> Check:
    def check(body: Any) -> str | None:
        result = _result(body)
        if not isinstance(result, dict):
            return f"no batch result in {body!r:.200}"
        added = result.get("result")
        if result.get("result_error") or not isinstance(added, list | dict):
            return f"batch errors: {result.get('result_error')!r:.300}"
        return None if len(added) == count else f"{len(added)} of {count} commands answered"

    return check


def _is_true(body: Any) -> str | None:
    return None if _result(body) is True else f"not true in {body!r:.200}"


def contact_pairs(rest: Callable[[str, str], Request]) -> list[Pair]:
    """Issue 7's scenarios: a contact added, and a lead's contacts replaced by 10 others.

    No target: the issue asks for the rates. Each lead-contacts-set request binds contacts
    that follow one another from a random start ({contact}, request.lua), so each request
    changes the lead's set; most leads have none bound before (the seed binds none)."""
    items = [
        {"CONTACT_ID": "{contact}", "SORT": (n + 1) * 10, "IS_PRIMARY": "Y" if n == 0 else "N"}
        for n in range(LEAD_CONTACTS)
    ]
    # The ids go out as JSON numbers: {contact} unquoted.
    contact_set = _json({"id": 0, "items": items}).replace('"{contact}"', "{contact}")
    bare_set = _json({"id": 0, "contacts": ["{contact}"] * LEAD_CONTACTS})
    return [
        Pair(
            "contact-add",
            "crm.contact.add (phone + e-mail)",
            rest("crm.contact.add", _json({"fields": CONTACT_FIELDS})),
            Request("POST", "/bench/contact-insert", _json(BARE_CONTACT)),
            _is_id,
            _is_id,
        ),
        Pair(
            "lead-contacts-set",
            f"crm.lead.contact.items.set ({LEAD_CONTACTS} of {CONTACTS:,} contacts)",
            rest("crm.lead.contact.items.set", contact_set.replace('"id":0', '"id":{id}')),
            Request(
                "POST",
                "/bench/lead-contacts-set",
                bare_set.replace('"{contact}"', "{contact}").replace('"id":0', '"id":{id}'),
            ),
            _is_true,
            _is_true,
        ),
    ]


def product_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """lead-productrows-set's rows: as crm.lead.productrows.set is sent them (products spread
    over the seeded ones, a 10% discount and a 20% tax each), and as the bare twin takes them,
    with what leadcrm reads from each product (bench/seed.py's ``seeded_product``)."""
    sent: list[dict[str, Any]] = []
    bare: list[dict[str, Any]] = []
    for n in range(PRODUCT_ROWS):
        product = seeded_product(1 + n * PRODUCTS // PRODUCT_ROWS)
        price = VARYING_PRICE if n == 0 else str(product.price)
        quantity = 1 + n % 3
        sent.append(
            {
                "PRODUCT_ID": product.id,
                "PRICE": price,
                "QUANTITY": quantity,
                "DISCOUNT_TYPE_ID": 2,
                "DISCOUNT_RATE": 10,
                "TAX_RATE": 20,
            }
        )
        bare.append(
            {
                "product_id": product.id,
                "product_name": product.name,
                "product_description": product.description,
                "measure_code": product.measure,
                "measure_name": MEASURES.get(product.measure, ""),
                "price": price,
                "quantity": quantity,
                "discount_type_id": 2,
                "discount_rate": 10,
                "tax_rate": 20,
            }
        )
    return sent, bare


def product_row_pairs(rest: Callable[[str, str], Request]) -> list[Pair]:
    """Issue 8's scenario: a lead's product rows replaced by 20 rows of seeded products.

    No target: the issue asks for the rate. Each request names the same 20 products, and the
    first row's price changes from request to request ({n}); the seed gives leads no rows, so
    a lead's first set deletes none and a later one (on a lead drawn again) deletes 20."""
    sent, bare = product_rows()
    ours = _json({"id": "{id}", "rows": sent}).replace('"{id}"', "{id}")
    theirs = _json({"id": "{id}", "rows": bare}).replace('"{id}"', "{id}")
    return [
        Pair(
            "lead-productrows-set",
            f"crm.lead.productrows.set ({PRODUCT_ROWS} rows of {PRODUCTS} products)",
            rest("crm.lead.productrows.set", ours),
            Request("POST", "/bench/lead-productrows-set", theirs),
            _is_true,
            _is_true,
        ),
    ]


def _custom_list(field: str, value: int | str, order: str | None) -> tuple[str, Request]:
    """A list filtered on one custom field, first page (with its total), and its bare twin."""
    params: dict[str, Any] = {"filter": {field: value}}
    if order is not None:
        params["order"] = {"ID": order}
    query = urlencode({"field": field, "value": value, "order": order or "ASC"})
    return _json(params), Request("GET", "/bench/list-custom?" + query)


def custom_pairs(rest: Callable[[str, str], Request], custom: SeededFields | None) -> list[Pair]:
    """Issue 5's scenarios: lists filtered on a custom enumeration and a custom string field,
    and an add with 20 custom values. None without custom fields (--custom-fields 0)."""
    if custom is None or not custom.count:
        return []
    values = Values(custom)
    add_fields = {**ADD_FIELDS, **values.wire()}
    by_stage, bare_by_stage = _custom_list(STAGE_FIELD, custom.stage_item, "DESC")
    by_code, bare_by_code = _custom_list(CODE_FIELD, custom.code, None)
    return [
        Pair(
            "list-uf-enum",
            f"crm.lead.list filter {STAGE_FIELD} (enumeration), ID DESC",
            rest("crm.lead.list", by_stage),
            bare_by_stage,
            _is_page,
            _is_page,
            target=Target("ratio", _both(0.50)),
        ),
        Pair(
            "list-uf-string",
            f"crm.lead.list filter {CODE_FIELD} (string)",
            rest("crm.lead.list", by_code),
            bare_by_code,
            _is_page,
            _is_page,
            target=Target("ratio", _both(0.50)),
        ),
        Pair(
            "add-uf",
            f"crm.lead.add (phone + e-mail + {len(values.wire())} custom values)",
            rest("crm.lead.add", _json({"fields": add_fields})),
            Request(
                "POST",
                "/bench/insert",
                _json({"title": "Bench lead {n}", "uf": values.wire_as_stored()}),
            ),
            _is_id,
            _is_id,
            target=Target("ratio", _both(0.40)),
        ),
    ]


def pairs(webhook_path: str, connections: int, custom: SeededFields | None = None) -> list[Pair]:
    def rest(method: str, body: str) -> Request:
        return Request("POST", webhook_path + method, body)

    batch = _json(
        {"halt": 0, "cmd": {f"c{i}": _batch_command() for i in range(MAX_COMMANDS)}},
    )
    lists = [
        (None, "first page (with total)", None),
        (-1, "start=-1", None),
        (10000, "start=10000", None),
    ]
    list_latency = [
        (-1, "start=-1", Target("p99", _both(20), from_leads=1_000_000)),
        (10000, "start=10000", Target("p99", _both(100), from_leads=1_000_000)),
    ]
    found: list[Pair] = [
        Pair(
            "get",
            "crm.lead.get",
            rest("crm.lead.get", '{"id":{id}}'),
            Request("GET", "/bench/read?id={id}"),
            _is_lead,
            _is_row,
            target=Target("ratio", _both(0.50)),
        ),
    ]
    for start, label, target in lists:
        found.append(
            Pair(
                f"list{'' if start is None else start}",
                f"crm.lead.list {label}",
                rest("crm.lead.list", _list_body(start)),
                _bare_list(start),
                _is_page,
                _is_page,
                target=target,
            )
        )
    for start, label, target in list_latency:
        found.append(
            Pair(
                f"list{start}-c1",
                f"crm.lead.list {label}, 1 connection",
                rest("crm.lead.list", _list_body(start)),
                _bare_list(start),
                _is_page,
                _is_page,
                connections=1,
                target=target,
            )
        )
    found += [
        Pair(
            "add",
            "crm.lead.add (phone + e-mail)",
            rest("crm.lead.add", _json({"fields": ADD_FIELDS})),
            Request("POST", "/bench/insert", '{"title":"Bench lead {n}"}'),
            _is_id,
            _is_id,
            target=Target("ratio", _both(0.40)),
        ),
        Pair(
            "batch",
            f"batch of {MAX_COMMANDS} crm.lead.add",
            rest("batch", batch),
            Request("POST", f"/bench/insert?count={MAX_COMMANDS}", '{"title":"Bench lead {n}"}'),
            _is_batch(MAX_COMMANDS),
            _is_ids(MAX_COMMANDS),
            # A batch is 50 writes: a few integrations sending batches back to back, not 32
            # (32 queued batches take longer than a run lasts, and a run counts only answers).
            connections=BATCH_CONNECTIONS,
            items=MAX_COMMANDS,
            target=Target("items", {"sqlite": 5000, "postgresql": 1500}),
        ),
    ]
    return found + custom_pairs(rest, custom) + contact_pairs(rest) + product_row_pairs(rest)
