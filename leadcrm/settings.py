"""The one place where configuration is read (environment variables prefixed LEADCRM_)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADCRM_", extra="ignore")

    var_dir: Path = Path("var")
    database_url: str = ""
    public_url: str = "http://127.0.0.1:8000"
    timezone: str = "UTC"
    cors_origins: Annotated[list[str], NoDecode] = []
    log_level: str = "info"
    max_body_bytes: int = 32 * 1024 * 1024
    max_query_bytes: int = 1024 * 1024
    # Largest file a custom field takes; files live in the database, so every process serves them.
    max_file_bytes: int = Field(default=5 * 1024 * 1024, ge=1)
    # Threads that run calls (each with its database connection) in a process.
    threads: int = Field(default=16, ge=1, le=256)
    # Event delivery. Networks (CIDR) handlers may be in beyond the public internet: private,
    # loopback and link-local addresses are refused otherwise.
    events_allow_networks: Annotated[list[str], NoDecode] = []
    # Retries: exponential from the first delay, capped, with jitter, given up after the last.
    events_retry_first_seconds: float = Field(default=10.0, gt=0)
    events_retry_max_delay_seconds: float = Field(default=3600.0, gt=0)
    events_retry_for_seconds: float = Field(default=86400.0, gt=0)
    events_timeout_seconds: float = Field(default=10.0, gt=0)
    # How long a worker's claim on a delivery lasts: past it, a dead worker's deliveries are
    # sent again. Keep it well above the timeout.
    events_lease_seconds: float = Field(default=120.0, gt=0)
    # Deliveries one worker sends at once.
    events_concurrency: int = Field(default=64, ge=1, le=1024)
    # Whether `serve` runs a delivery worker in each server process.
    events_worker: bool = True

    # Unauthenticated /bench/* endpoints for the benchmark harness (bench/); never in production.
    bench_endpoints: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @field_validator("cors_origins", "events_allow_networks", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'leadcrm.db'}"

    @property
    def rest_base_url(self) -> str:
        return self.public_url.rstrip("/") + "/rest/"
