"""The Alembic migrations build exactly the tables the code describes."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from leadcrm.db.schema import metadata
from leadcrm.runtime import Runtime


def test_migrated_schema_matches_the_metadata(runtime: Runtime) -> None:
    with runtime.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []
