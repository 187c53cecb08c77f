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
    # Unauthenticated /bench/* endpoints for the benchmark harness (bench/); never in production.
    bench_endpoints: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @field_validator("cors_origins", mode="before")
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
