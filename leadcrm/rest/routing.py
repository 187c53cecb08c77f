"""The URL forms: ``/rest/{method}[.json|.xml]`` and ``/rest/{user}/{code}/{method}[...]``."""

from __future__ import annotations

from dataclasses import dataclass

from leadcrm.rest.errors import method_not_found


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    format: str
    user_id: str | None = None
    code: str | None = None


def parse_rest_path(path: str) -> Route:
    """``path`` is what follows ``/rest/``."""
    parts = path.strip("/").split("/")
    if len(parts) == 1:
        user_id, code, name = None, None, parts[0]
    elif len(parts) == 3:
        user_id, code, name = parts
    else:
        raise method_not_found()
    fmt = "json"
    lowered = name.lower()
    for suffix in (".json", ".xml"):
        if lowered.endswith(suffix):
            name, fmt = name[: -len(suffix)], suffix[1:]
            break
    if not name:
        raise method_not_found()
    return Route(method=name, format=fmt, user_id=user_id, code=code)
