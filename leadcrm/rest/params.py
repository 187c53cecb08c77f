"""Method parameters whose top-level names match in any case (``id``/``ID``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Params:
    __slots__ = ("_by_lower", "raw")

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = dict(raw)
        self._by_lower: dict[str, Any] = {}
        for key, value in self.raw.items():
            # An exact lower-case spelling wins over other spellings of the same name.
            lower = key.lower()
            if lower not in self._by_lower or key == lower:
                self._by_lower[lower] = value

    def get(self, name: str, default: Any = None) -> Any:
        return self._by_lower.get(name.lower(), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._by_lower

    def without(self, *names: str) -> Params:
        dropped = {n.lower() for n in names}
        return Params({k: v for k, v in self.raw.items() if k.lower() not in dropped})
