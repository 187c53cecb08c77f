"""crm.settings.mode.get: leadcrm runs classic CRM, where leads exist."""

from leadcrm.rest.call import Call
from leadcrm.rest.registry import method

CLASSIC_MODE = 1


@method("crm.settings.mode.get", scope="crm")
def settings_mode_get(call: Call) -> int:
    return CLASSIC_MODE
