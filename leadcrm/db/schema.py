"""Every table, imported so the shared metadata is complete for migrations and tests."""

from leadcrm.apps import tables as _apps
from leadcrm.crm.companies import tables as _companies
from leadcrm.crm.contacts import tables as _contacts
from leadcrm.crm.currencies import tables as _currencies
from leadcrm.crm.layouts import tables as _layouts
from leadcrm.crm.leads import tables as _leads
from leadcrm.crm.multifields import tables as _multifields
from leadcrm.crm.productrows import tables as _productrows
from leadcrm.crm.products import tables as _products
from leadcrm.crm.statuses import tables as _statuses
from leadcrm.crm.userfields import tables as _userfields
from leadcrm.db.metadata import metadata
from leadcrm.events import tables as _events
from leadcrm.files import tables as _files
from leadcrm.placements import tables as _placements
from leadcrm.userfieldtypes import tables as _userfieldtypes
from leadcrm.users import tables as _users
from leadcrm.webhooks import tables as _webhooks

__all__ = ["metadata"]

_TABLE_MODULES = (
    _users,
    _webhooks,
    _statuses,
    _currencies,
    _leads,
    _contacts,
    _companies,
    _products,
    _productrows,
    _multifields,
    _userfields,
    _events,
    _files,
    _layouts,
    _apps,
    _placements,
    _userfieldtypes,
)
