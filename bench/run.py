"""One benchmark run per database: migrate, seed, serve, load each pair, report."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from bench import customfields, databases, machine, profile, report, scenarios
from bench.load import Measurement, Request, require_wrk, run_wrk
from bench.seed import CONTACTS, FILTER_MIN_OPPORTUNITY, FILTER_STATUS, seed
from bench.server import Server, cpu_spent, migrate, server_environment
from leadcrm.db.engine import create_engine_for

PROFILED = ("get", "add", "batch")


@dataclass
class Options:
    leads: int
    databases: list[str]
    duration: float
    warmup: float
    connections: int
    processes: int
    rounds: int
    threads: int
    log_level: str
    results: Path
    only: list[str] | None
    profile: bool
    command: str
    custom_fields: int = customfields.DEFAULT_COUNT


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


_salts: Iterator[int] = itertools.count(1)


def _fill(text: str, lead_id: int) -> str:
    """As request.lua fills a request in (the contacts start where the salt says)."""
    salt = next(_salts) + 900
    counter = itertools.count(salt * 10_000_000)
    text = text.replace("{id}", str(lead_id))
    while "{n}" in text:
        text = text.replace("{n}", str(next(counter)), 1)
    contacts = (start % CONTACTS + 1 for start in itertools.count(salt * 37))
    while "{contact}" in text:
        text = text.replace("{contact}", str(next(contacts)), 1)
    return text


def call_once(base_url: str, request: Request, lead_id: int) -> Any:
    """The request the load sends, once, by hand: its answer, or what went wrong."""
    body = _fill(request.body, lead_id).encode() if request.body else None
    sent = urllib.request.Request(
        base_url + _fill(request.path, lead_id),
        data=body,
        method=request.method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(sent, timeout=60) as answer:
            return orjson.loads(answer.read())
    except urllib.error.HTTPError as error:
        return {"http_status": error.code, "body": error.read()[:300].decode(errors="replace")}


def validate(server: Server, pairs: list[scenarios.Pair], leads: int) -> None:
    for pair in pairs:
        for side, request, check in (
            ("leadcrm", pair.leadcrm, pair.check),
            ("bare", pair.bare, pair.bare_check),
        ):
            problem = check(call_once(server.base_url, request, max(leads // 2, 1)))
            if problem:
                raise RuntimeError(f"{pair.call} ({side}) does not answer as expected: {problem}")
        if pair.key == "add-uf":
            _same_custom_values(server, pair, max(leads // 2, 1))
        if pair.key == "contact-add":
            _same_contact(server, pair)
        if pair.key == "lead-productrows-set":
            _same_product_rows(server, pair, leads)


def _same_custom_values(server: Server, pair: scenarios.Pair, lead_id: int) -> None:
    """The bare insert must write the custom values column as leadcrm's add stores it."""
    stored = []
    for request in (pair.leadcrm, pair.bare):
        # The same {n} on both sides ({id} is the same lead on both already).
        fixed = Request(request.method, request.path, request.body.replace("{n}", "4242"))
        new_id = call_once(server.base_url, fixed, lead_id).get("result")
        row = call_once(server.base_url, Request("GET", "/bench/read?id={id}"), new_id)
        stored.append(row["result"]["uf"])
    if stored[0] != stored[1]:
        raise RuntimeError(
            f"{pair.call}: the bare insert stores {stored[1]!r}, leadcrm stores {stored[0]!r}"
        )


def _same_contact(server: Server, pair: scenarios.Pair) -> None:
    """The bare contact insert must store the row crm.contact.add stores, but for what it
    leaves out on purpose (the phone and the e-mail) and what differs by nature (id, times)."""
    differ = {"ID", "DATE_CREATE", "DATE_MODIFY", "LAST_ACTIVITY_TIME", "PHONE", "EMAIL"}
    differ |= {"HAS_PHONE", "HAS_EMAIL"}
    get = Request("POST", server.webhook_path + "crm.contact.get", '{"id":{id}}')
    stored = []
    for request in (pair.leadcrm, pair.bare):
        new_id = call_once(server.base_url, request, 1).get("result")
        contact = _json_result(call_once(server.base_url, get, new_id))
        stored.append({key: value for key, value in contact.items() if key not in differ})
    if stored[0] != stored[1]:
        mismatched = {
            k for k in stored[0].keys() | stored[1].keys() if stored[0].get(k) != stored[1].get(k)
        }
        raise RuntimeError(
            f"{pair.call}: the bare insert stores another contact row; differing: "
            + ", ".join(
                f"{k} {stored[0].get(k)!r} / {stored[1].get(k)!r}" for k in sorted(mismatched)
            )
        )


def _same_product_rows(server: Server, pair: scenarios.Pair, leads: int) -> None:
    """The bare set must leave the rows, and the lead amount, crm.lead.productrows.set leaves,
    but for what differs by nature (the rows' ids and owner): leadcrm sets one lead's rows,
    the bare endpoint another's, from the same request ({n} fixed)."""
    get_rows = Request("POST", server.webhook_path + "crm.lead.productrows.get", '{"id":{id}}')
    get_lead = Request("POST", server.webhook_path + "crm.lead.get", '{"id":{id}}')
    first = max(leads // 3, 1)
    lead_ids = (first, first + 1 if leads > 1 else first)
    stored = []
    sides = ((pair.leadcrm, pair.check), (pair.bare, pair.bare_check))
    for (request, check), lead_id in zip(sides, lead_ids, strict=True):
        fixed = Request(request.method, request.path, request.body.replace("{n}", "3010004242"))
        problem = check(call_once(server.base_url, fixed, lead_id))
        if problem:
            raise RuntimeError(f"{pair.call}: {problem}")
        found = call_once(server.base_url, get_rows, lead_id).get("result")
        if not isinstance(found, list) or len(found) != scenarios.PRODUCT_ROWS:
            raise RuntimeError(f"{pair.call}: lead {lead_id} holds {found!r:.300}")
        rows = [{k: v for k, v in row.items() if k not in ("ID", "OWNER_ID")} for row in found]
        amount = _json_result(call_once(server.base_url, get_lead, lead_id))["OPPORTUNITY"]
        stored.append((rows, amount))
    (ours, our_amount), (theirs, their_amount) = stored
    if our_amount != their_amount:
        raise RuntimeError(f"{pair.call}: amounts {our_amount} (leadcrm) / {their_amount} (bare)")
    for index, (mine, bare) in enumerate(zip(ours, theirs, strict=True)):
        if mine != bare:
            differing = sorted(k for k in mine.keys() | bare.keys() if mine.get(k) != bare.get(k))
            raise RuntimeError(
                f"{pair.call}: row {index} differs: "
                + ", ".join(f"{k} {mine.get(k)!r} / {bare.get(k)!r}" for k in differing)
            )


def _json_result(body: Any) -> dict[str, Any]:
    result = body.get("result") if isinstance(body, dict) else None
    if not isinstance(result, dict):
        raise RuntimeError(f"no record in {body!r:.300}")
    return result


def _load(
    server: Server, request: Request, pair: scenarios.Pair, options: Options, seconds: float
) -> Measurement:
    server.wait_idle()
    server_before, db_before = server.cpu_snapshot()
    measured = run_wrk(
        server.base_url,
        request,
        max_id=options.leads,
        salt=next(_salts),
        max_contact=CONTACTS,
        connections=pair.connections or options.connections,
        duration=seconds,
        threads=options.threads,
    )
    server_after, db_after = server.cpu_snapshot()
    answered = max(measured.requests, 1)
    measured.server_cpu_ms = cpu_spent(server_before, server_after) * 1000 / answered
    measured.db_cpu_ms = cpu_spent(db_before, db_after) * 1000 / answered
    return measured


def measure(
    server: Server, pairs: list[scenarios.Pair], options: Options, workdir: Path
) -> tuple[list[list[dict[str, Measurement]]], dict[str, str]]:
    say(f"  warming up ({options.warmup:g} s a side)")
    for pair in pairs:
        for request in (pair.bare, pair.leadcrm):
            _load(server, request, pair, options, options.warmup)
    per_pair: list[list[dict[str, Measurement]]] = [[] for _ in pairs]
    for round_no in range(options.rounds):
        for index, pair in enumerate(pairs):
            sides = [("bare", pair.bare), ("leadcrm", pair.leadcrm)]
            if round_no % 2:
                sides.reverse()
            measured = {
                side: _load(server, req, pair, options, options.duration) for side, req in sides
            }
            per_pair[index].append(measured)
            ours, bare = measured["leadcrm"], measured["bare"]
            say(
                f"  round {round_no + 1}/{options.rounds} {pair.call}: "
                f"{ours.rps:,.0f} req/s p99 {ours.p99_ms:.1f} ms {ours.cpu_ms:.2f} CPU ms | "
                f"bare {bare.rps:,.0f} req/s p99 {bare.p99_ms:.1f} ms {bare.cpu_ms:.2f} CPU ms | "
                f"{ours.rps / bare.rps if bare.rps else 0:.0%}"
            )
    profiles: dict[str, str] = {}
    if options.profile:
        for pair in pairs:
            if pair.key not in PROFILED:
                continue
            raw = workdir / f"profile-{pair.key}.txt"
            assert server.proc is not None
            server.wait_idle()
            spy = profile.start(server.proc.pid, options.duration, raw)
            # py-spy takes a moment to attach: the load outlasts its window on both sides.
            _load(server, pair.leadcrm, pair, options, options.duration + 3)
            spy.wait()
            profiles[pair.key] = str(raw)
    return per_pair, profiles


def run_database(kind: str, options: Options, stamp: str) -> dict[str, Any]:
    say(f"== {kind}: {options.leads:,} leads, {options.processes} server process(es)")
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="leadcrm-bench-") as tmp:
        workdir = Path(tmp)
        var_dir = workdir / "var"
        log_path = workdir / "server.log"
        database = databases.create(kind, workdir)
        try:
            env = server_environment(database.url, var_dir, options.log_level)
            with log_path.open("w") as log:
                say("  leadcrm migrate")
                migrate(env, log)
                engine = create_engine_for(database.url)
                try:
                    seeded = seed(engine, options.leads, custom_fields=options.custom_fields)
                finally:
                    engine.dispose()
                say(
                    f"  seeded {seeded.leads:,} leads in {seeded.seconds:.1f} s "
                    f"({seeded.leads_per_second:,.0f} leads/s, "
                    f"{seeded.rows_per_second:,.0f} rows/s)"
                )
                size_mib = database.size_bytes() / 2**20
                loadavg_before = _loadavg()
                postgres = database.name if kind == "postgresql" else None
                with Server(env, var_dir, options.processes, log, postgres) as server:
                    pid = server.proc.pid if server.proc else None
                    say(f"  leadcrm serve on {server.base_url} (pid {pid})")
                    pairs = scenarios.pairs(server.webhook_path, options.connections, seeded.custom)
                    if options.only:
                        pairs = [p for p in pairs if p.key in options.only]
                    validate(server, pairs, options.leads)
                    per_pair, profiles = measure(server, pairs, options, workdir)
                    server.stop()
                    assert server.memory is not None
                    peak_mib, hwm_mib = server.memory.peak_mib, server.memory.hwm_sum_mib
            log_text = log_path.read_text(errors="replace")
            summaries = {key: profile.summarise(Path(raw)) for key, raw in profiles.items()}
            for key, raw in profiles.items():
                target = options.results / f"{stamp}-{kind}-profile-{key}.txt"
                options.results.mkdir(parents=True, exist_ok=True)
                target.write_text(
                    summaries[key] + "\n# raw py-spy stacks\n" + Path(raw).read_text()
                )
        except BaseException:
            if log_path.exists():
                tail = log_path.read_text(errors="replace").splitlines()[-40:]
                say("  server log (last lines):\n    " + "\n    ".join(tail))
            raise
        finally:
            database.drop()
    rows = [
        report.summarise_pair(kind, options.leads, pair, measured, options.connections)
        for pair, measured in zip(pairs, per_pair, strict=True)
    ]
    return {
        "database": kind,
        "database_version": database.version,
        "command": options.command,
        "code": _code_version(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(started)),
        "started_at": started,
        "finished_at": time.time(),
        "machine": machine.describe(database.version if kind == "postgresql" else None),
        "options": {**asdict(options), "results": str(options.results)},
        "loadavg_before": loadavg_before,
        "loadavg_after": _loadavg(),
        "seed": {
            **asdict(seeded),
            "leads_per_second": seeded.leads_per_second,
            "rows_per_second": seeded.rows_per_second,
            "database_mib": size_mib,
            "filter_status": FILTER_STATUS,
            "filter_min": FILTER_MIN_OPPORTUNITY,
        },
        "memory": {
            "peak_rss_mib": peak_mib,
            "vmhwm_sum_mib": hwm_mib,
            "verdict": report.memory_verdict(options.leads, peak_mib),
        },
        "server_errors": len(errors := _error_lines(log_text)),
        "server_error_sample": errors[:20],
        "scenarios": rows,
        "profiles": summaries,
    }


def _code_version() -> str:
    """The commit, and how many files of leadcrm/ differ from it (the server runs the tree)."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "leadcrm"], cwd=root, capture_output=True, text=True
        ).stdout.splitlines()
    except OSError:
        return "unknown"
    return f"{commit or 'unknown'}, {len(changed)} file(s) of leadcrm/ changed since"


def _error_lines(log_text: str) -> list[str]:
    lines = log_text.splitlines()
    found = []
    for index, line in enumerate(lines):
        if line.startswith(("ERROR", "Traceback")):
            # The exception's last line says what it was.
            end = next(
                (j for j in range(index + 1, len(lines)) if not lines[j].startswith(" ")),
                index,
            )
            found.append(line if end == index else f"{line} ... {lines[end]}")
    return found


def main(options: Options) -> int:
    require_wrk()
    if "postgresql" in options.databases:
        databases.postgres_version()  # fails early, with the fix, when it is not there
    if options.profile and profile.py_spy() is None:
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    for kind in options.databases:
        result = run_database(kind, options, stamp)
        md_path, json_path = report.write(result, options.results, stamp)
        print()
        print(report.markdown(result))
        for key, text in result["profiles"].items():
            print(f"profile of {key}:\n{text}")
        say(f"  written: {md_path} and {json_path}")
    return 0
