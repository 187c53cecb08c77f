"""``python -m bench``: seed, serve and load leadcrm; see docs/performance.md."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from bench import customfields
from bench.run import Options, main

RESULTS = Path(__file__).parent / "results"


def parse(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark leadcrm's lead calls next to bare endpoints of the same stack.",
    )
    parser.add_argument("--leads", type=int, default=100_000, help="leads to seed (100,000)")
    parser.add_argument("--million", action="store_true", help="seed 1,000,000 leads")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--duration", type=float, default=10, help="seconds per run (10)")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds per side (2)")
    parser.add_argument("--connections", type=int, default=32, help="keep-alive connections")
    parser.add_argument("--processes", type=int, choices=[1, 2], default=1, help="server workers")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; medians are reported")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument(
        "--log-level", default="info", help="the server's LEADCRM_LOG_LEVEL (info: access log on)"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="where results go")
    parser.add_argument(
        "--custom-fields",
        type=int,
        default=customfields.DEFAULT_COUNT,
        metavar="N",
        help=f"lead custom fields defined before seeding ({customfields.DEFAULT_COUNT}; 0 for "
        f"none, which also drops the custom-field scenarios; past {customfields.DEFAULT_COUNT}, "
        "empty string fields)",
    )
    parser.add_argument(
        "--only",
        help="comma-separated scenario keys: get,list,list-1,list10000,add,batch,"
        "list-uf-enum,list-uf-string,add-uf,contact-add,lead-contacts-set,"
        "lead-productrows-set,...",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also record get and add with py-spy"
    )
    args = parser.parse_args(argv)
    if 0 < args.custom_fields < customfields.DEFAULT_COUNT:
        parser.error(f"--custom-fields: 0 or at least {customfields.DEFAULT_COUNT}")
    return Options(
        leads=1_000_000 if args.million else args.leads,
        databases=["sqlite", "postgresql"] if args.db == "both" else [args.db],
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        processes=args.processes,
        rounds=args.rounds,
        threads=args.threads,
        log_level=args.log_level,
        results=args.results,
        only=args.only.split(",") if args.only else None,
        profile=args.profile,
        custom_fields=args.custom_fields,
        command="python -m bench " + shlex.join(argv) if argv else "python -m bench",
    )


if __name__ == "__main__":
    sys.exit(main(parse(sys.argv[1:])))
