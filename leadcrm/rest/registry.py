"""The method registry: Bitrix24 method names (case-insensitive) to their handlers."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from leadcrm.rest.call import Call

Handler = Callable[["Call"], Any]
# Runs several calls of one method at once (a batch's run of adds), in two steps: given the
# calls (without a connection), it does what needs no database and answers the step that
# does, which answers per call its result or the RestError it answers. Whatever else either
# step raises fails all of them.
BulkWrite = Callable[["Connection"], list[Any]]
BulkHandler = Callable[[list["Call"]], BulkWrite]

# Every package whose `methods` module registers REST methods; importing it registers them.
METHOD_MODULES = (
    "leadcrm.rest.batch",
    "leadcrm.system.methods",
    "leadcrm.users.methods",
    "leadcrm.crm.settings",
    "leadcrm.crm.enums.methods",
    "leadcrm.crm.currencies.methods",
    "leadcrm.crm.statuses.methods",
    "leadcrm.crm.leads.methods",
    "leadcrm.crm.contacts.methods",
    "leadcrm.crm.companies.methods",
    "leadcrm.crm.products.methods",
    "leadcrm.crm.productrows.methods",
    "leadcrm.crm.productrows.items",
    "leadcrm.crm.leads.contact_methods",
    "leadcrm.crm.userfields.methods",
    "leadcrm.crm.layouts.methods",
    "leadcrm.apps.methods",
    "leadcrm.placements.methods",
    "leadcrm.userfieldtypes.methods",
    "leadcrm.events.methods",
    "leadcrm.events.offline_methods",
)


@dataclass(frozen=True, slots=True)
class Method:
    name: str
    scope: str
    handler: Handler
    writes: bool
    transactional: bool
    batchable: bool
    # Answers WRONG_AUTH_TYPE to a webhook: the method needs an application's token.
    app_only: bool = False


_methods: dict[str, Method] = {}
_bulk: dict[str, BulkHandler] = {}


def method(
    name: str,
    *,
    scope: str,
    writes: bool = False,
    transactional: bool = True,
    batchable: bool = True,
    app_only: bool = False,
) -> Callable[[Handler], Handler]:
    """Register ``handler`` as the Bitrix24 method ``name`` in ``scope``."""

    def register(handler: Handler) -> Handler:
        key = name.lower()
        if key in _methods:
            raise RuntimeError(f"method {name} registered twice")
        _methods[key] = Method(name, scope, handler, writes, transactional, batchable, app_only)
        return handler

    return register


def bulk(name: str) -> Callable[[BulkHandler], BulkHandler]:
    """Register ``handler`` as the way to run many calls of the method ``name`` at once."""

    def register(handler: BulkHandler) -> BulkHandler:
        _bulk[name.lower()] = handler
        return handler

    return register


def find_bulk(name: str) -> BulkHandler | None:
    return _bulk.get(name.lower())


def find(name: str) -> Method | None:
    return _methods.get(name.lower())


def all_methods() -> Iterator[Method]:
    load()
    return iter(sorted(_methods.values(), key=lambda m: m.name.lower()))


def load() -> None:
    for module in METHOD_MODULES:
        importlib.import_module(module)
