"""What a running server holds: its settings and its database engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from leadcrm.db.engine import create_engine_for
from leadcrm.settings import Settings


@dataclass(slots=True)
class Runtime:
    settings: Settings
    engine: Engine
    zone: ZoneInfo = field(init=False)

    def __post_init__(self) -> None:
        self.zone = self.settings.zone

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        return cls(settings=settings, engine=create_engine_for(settings.effective_database_url))
