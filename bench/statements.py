"""``python -m bench.statements``: the SQL statements each benchmarked call issues, counted.

Runs each scenario's request once (after one warm-up call) in-process against a fresh
database with a few seeded leads, and prints every statement the engine executed for it.
(PostgreSQL's pool pre-ping, one ``SELECT 1`` per connection checkout, bypasses the engine's
events and is not listed: count one per connection the list shows being opened.)
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import event
from starlette.testclient import TestClient

from bench import customfields, databases, scenarios
from bench.customfields import SeededFields
from bench.run import _fill
from bench.seed import seed
from leadcrm.app import create_app
from leadcrm.bootstrap import prepare
from leadcrm.runtime import Runtime
from leadcrm.settings import Settings

LEADS = 200


def _short(statement: str) -> str:
    text = re.sub(r"\s+", " ", statement).strip()
    return text if len(text) <= 110 else text[:107] + "..."


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.statements")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--custom-fields", type=int, default=customfields.DEFAULT_COUNT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leadcrm-statements-") as tmp:
        database = databases.create(args.db, Path(tmp))
        try:
            settings = Settings(database_url=database.url, var_dir=Path(tmp), bench_endpoints=True)
            runtime = Runtime.from_settings(settings)
            webhook = prepare(runtime)
            seeded = seed(runtime.engine, LEADS, custom_fields=args.custom_fields)
            path = "/" + webhook.split("://", 1)[1].split("/", 1)[1]
            _report(runtime, path, seeded.custom)
            runtime.engine.dispose()
        finally:
            database.drop()


def _report(runtime: Runtime, webhook_path: str, custom: SeededFields | None) -> None:
    seen: list[str] = []
    checkouts = [0]

    @event.listens_for(runtime.engine, "before_cursor_execute")
    def _statement(*args: Any) -> None:
        seen.append(args[2])

    @event.listens_for(runtime.engine, "checkout")
    def _checkout(*args: Any) -> None:
        checkouts[0] += 1

    with TestClient(create_app(runtime)) as client:
        for pair in scenarios.pairs(webhook_path, 1, custom):
            if pair.key.endswith("-c1"):
                continue
            for side, request in (("leadcrm", pair.leadcrm), ("bare", pair.bare)):
                for _ in range(2):  # the second call is reported: caches are warm
                    seen.clear()
                    checkouts[0] = 0
                    body = _fill(request.body, LEADS // 2) if request.body else None
                    answer = client.request(
                        request.method,
                        _fill(request.path, LEADS // 2),
                        content=body,
                        headers={"Content-Type": "application/json"},
                    )
                    answer.raise_for_status()
                name = pair.call if side == "leadcrm" else f"  bare {request.path[:40]}"
                print(f"{name}: {len(seen)} statements, {checkouts[0]} connection checkouts")
                if pair.items == 1:
                    for statement in seen:
                        print(f"      {_short(statement)}")


if __name__ == "__main__":
    main()
