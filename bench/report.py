"""Medians over the rounds, verdicts against the targets, and the tables written out."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from bench import customfields
from bench.load import Measurement
from bench.scenarios import Pair, pairs

MEDIANS = ("rps", "p50_ms", "p90_ms", "p99_ms", "server_cpu_ms", "db_cpu_ms", "cpu_ms")
MEMORY_TARGET_MIB = 200
MEMORY_TARGET_LEADS = 1_000_000


def summarise_pair(
    database: str, leads: int, pair: Pair, rounds: list[dict[str, Measurement]], connections: int
) -> dict[str, Any]:
    def median(side: str, key: str) -> float:
        return statistics.median(getattr(r[side], key) for r in rounds)

    ratios = [r["leadcrm"].rps / r["bare"].rps for r in rounds if r["bare"].rps]
    # The server's own CPU: PostgreSQL backends that an overflowing pool opens and closes
    # within a run are gone before they can be read, so the database's share is a floor.
    cpu_ratios = [
        r["bare"].server_cpu_ms / r["leadcrm"].server_cpu_ms
        for r in rounds
        if r["leadcrm"].server_cpu_ms
    ]
    row: dict[str, Any] = {
        "key": pair.key,
        "call": pair.call,
        "connections": pair.connections or connections,
        "items_per_request": pair.items,
        "leadcrm": {k: median("leadcrm", k) for k in MEDIANS},
        "bare": {k: median("bare", k) for k in MEDIANS},
        "bare_request": f"{pair.bare.method} {pair.bare.path.split('?')[0]}",
        "ratio": statistics.median(ratios) if ratios else 0.0,
        "cpu_ratio": statistics.median(cpu_ratios) if cpu_ratios else 0.0,
        "errors": {
            side: sum(r[side].non_2xx + r[side].socket_errors for r in rounds)
            for side in ("leadcrm", "bare")
        },
        "rounds": [{side: m.as_dict() for side, m in r.items()} for r in rounds],
    }
    row["leadcrm"]["items_per_s"] = row["leadcrm"]["rps"] * pair.items
    row["bare"]["items_per_s"] = row["bare"]["rps"] * pair.items
    row["target"], row["verdict"] = None, None
    if pair.target is not None:
        row["target"] = pair.target.describe(database)
        met = pair.target.met(
            database,
            ratio=row["ratio"],
            p99_ms=row["leadcrm"]["p99_ms"],
            items_per_s=row["leadcrm"]["items_per_s"],
        )
        if leads < pair.target.from_leads:
            row["verdict"] = f"{'met' if met else 'missed'} (only {leads:,} leads)"
        else:
            row["verdict"] = "met" if met else "MISSED"
    return row


def memory_verdict(leads: int, peak_mib: float) -> str:
    met = peak_mib < MEMORY_TARGET_MIB
    if leads < MEMORY_TARGET_LEADS:
        return f"{'met' if met else 'missed'} (only {leads:,} leads)"
    return "met" if met else "MISSED"


def _rate(side: dict[str, Any], items: int) -> str:
    text = f"{side['rps']:,.0f}"
    if items > 1:
        text += f" ({side['items_per_s']:,.0f} leads/s)"
    return text


def _cpu(side: dict[str, Any]) -> str:
    if side["db_cpu_ms"] >= 0.005:
        return f"{side['server_cpu_ms']:.2f} (+{side['db_cpu_ms']:.2f} db)"
    return f"{side['server_cpu_ms']:.2f}"


def table(result: dict[str, Any]) -> str:
    lines = [
        "| call | conns | req/s | p50 ms | p99 ms | CPU ms/req | bare endpoint | bare req/s "
        "| bare p50 ms | bare p99 ms | bare CPU ms/req | ratio | CPU ratio | target | verdict |",
        "|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    for row in result["scenarios"]:
        ours, bare = row["leadcrm"], row["bare"]
        errors, items = row["errors"], row["items_per_request"]
        note = ""
        if errors["leadcrm"] or errors["bare"]:
            note = f" ⚠ errors {errors['leadcrm']}/{errors['bare']}"
        lines.append(
            f"| {row['call']}{note} | {row['connections']} | {_rate(ours, items)} "
            f"| {ours['p50_ms']:.1f} | {ours['p99_ms']:.1f} | {_cpu(ours)} "
            f"| `{row['bare_request']}` | {_rate(bare, items)} | {bare['p50_ms']:.1f} "
            f"| {bare['p99_ms']:.1f} | {_cpu(bare)} | {row['ratio']:.0%} "
            f"| {row['cpu_ratio']:.0%} | {row['target'] or ''} | {row['verdict'] or ''} |"
        )
    memory = result["memory"]
    lines.append(
        f"| server peak memory (RSS of the process tree) | | {memory['peak_rss_mib']:.0f} MiB "
        f"| | | | | | | | | | | < {MEMORY_TARGET_MIB} MB (at {MEMORY_TARGET_LEADS:,} leads) "
        f"| {memory['verdict']} |"
    )
    return "\n".join(lines)


def markdown(result: dict[str, Any]) -> str:
    machine, seeded, options = result["machine"], result["seed"], result["options"]
    run_seconds = result["finished_at"] - result["started_at"]
    header = [
        f"# leadcrm benchmark: {result['database']} ({result['database_version']}), "
        f"{seeded['leads']:,} leads, {options['processes']} server process(es)",
        "",
        f"- command: `{result['command']}`",
        f"- when: {result['when']}; the run took {run_seconds / 60:.1f} min; "
        f"code: {result.get('code', 'unknown')}",
        f"- machine: {machine['cpus']} CPUs ({machine['cpu_model']}), "
        f"{machine['memory_mib']:,} MiB memory, Linux {machine['kernel']}, "
        f"Python {machine['python']}, SQLite {machine['sqlite']}"
        + (f", PostgreSQL {machine['postgresql']}" if machine["postgresql"] else ""),
        f"- load: wrk, {options['connections']} keep-alive connections unless stated, "
        f"{options['threads']} wrk thread(s), {options['duration']:g} s per run, "
        f"median of {options['rounds']} rounds, leadcrm and bare alternating",
        f"- load average before/after: {result['loadavg_before']} / {result['loadavg_after']}",
        f"- seeding: {seeded['leads']:,} leads and {seeded['multifield_rows']:,} phone/e-mail "
        f"rows in {seeded['seconds']:.1f} s ({seeded['leads_per_second']:,.0f} leads/s, "
        f"{seeded['rows_per_second']:,.0f} rows/s)"
        + (
            f", VACUUM ANALYZE {seeded['analyze_seconds']:.1f} s"
            if seeded["analyze_seconds"] > 0.01
            else ""
        )
        + (
            f"; then {seeded['contacts']:,} contacts with a phone and an e-mail each in "
            f"{seeded['contact_seconds']:.1f} s"
            if seeded.get("contacts")
            else ""
        )
        + (
            f", {seeded['products']:,} products in {seeded['product_seconds']:.1f} s"
            if seeded.get("products")
            else ""
        )
        + f"; database size {seeded['database_mib']:,.0f} MiB",
        f"- the list filter (STATUS_ID={seeded['filter_status']}, "
        f">=OPPORTUNITY {seeded['filter_min']:,}) matches {seeded['filter_matches']:,} leads "
        f"({seeded['filter_matches'] / max(seeded['leads'], 1):.1%})",
        *_custom_lines(seeded),
        f"- server errors logged: {result['server_errors']}",
        "- ratio: leadcrm req/s / bare req/s, the median of the rounds' ratios (what the targets "
        "judge). CPU ms/req: CPU time of the server's processes per answered request (SQLite "
        "works inside them), + db: of the PostgreSQL backends that lived through the run (a "
        "floor: backends of overflow connections that closed meanwhile are not counted). CPU "
        "ratio: bare server CPU/req / leadcrm server CPU/req, which a busy machine disturbs far "
        "less than it disturbs rates",
        "",
    ]
    return "\n".join(header) + table(result) + "\n"


def _custom_lines(seeded: dict[str, Any]) -> list[str]:
    custom = seeded.get("custom")
    if not custom:
        return ["- custom fields: none defined (--custom-fields 0)"]
    leads = max(seeded["leads"], 1)
    stage = custom["items"][customfields.STAGE_FIELD]
    stage_name = next(xml_id for xml_id, item in stage.items() if item == custom["stage_item"])
    return [
        f"- custom fields: {custom['count']} defined on leads "
        f"({', '.join(sorted(set(custom['types'].values())))}); the seeded leads hold "
        f"{custom['values']:,} values ({custom['values'] / leads:.1f} a lead)",
        f"- the custom list filters: {customfields.STAGE_FIELD}={custom['stage_item']} "
        f"({stage_name}) matches {custom['stage_matches']:,} leads "
        f"({custom['stage_matches'] / leads:.1%}); {customfields.CODE_FIELD}={custom['code']} "
        f"matches {custom['code_matches']:,} ({custom['code_matches'] / leads:.1%})",
    ]


def write(result: dict[str, Any], directory: Path, stamp: str) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{stamp}-{result['database']}"
    if result["options"]["processes"] > 1:
        name += f"-{result['options']['processes']}p"
    md_path, json_path = directory / f"{name}.md", directory / f"{name}.json"
    md_path.write_text(markdown(result))
    json_path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    return md_path, json_path


def regenerate(json_path: Path) -> Path:
    """Recompute a run's summaries from the rounds it kept; rewrite its JSON and Markdown."""
    result = json.loads(json_path.read_text())
    connections = result["options"]["connections"]
    by_key = {p.key: p for p in pairs("/", connections, customfields.placeholder())}
    result["scenarios"] = [
        summarise_pair(
            result["database"],
            result["seed"]["leads"],
            by_key[row["key"]],
            [
                {side: Measurement(**m) for side, m in measured.items()}
                for measured in row["rounds"]
            ],
            result["options"]["connections"],
        )
        for row in result["scenarios"]
    ]
    json_path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    md_path = json_path.with_suffix(".md")
    md_path.write_text(markdown(result))
    return md_path


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:]:
        print(regenerate(Path(name)))
