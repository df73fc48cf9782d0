"""Performance harness: scorecard, import, page and timer latency beside pandas and one DuckDB scan.

    .venv/bin/python -m benchmarks.run --leads 1000000     (then --leads 10000000)

Data comes from the demo generator (`python -m kpi demo`) with a fixed "today", cached in
benchmarks/.cache/leads-<N>-seed-<S>.duckdb. Every measurement runs in a fresh subprocess of
this module (`--child KIND`), so its peak memory (ru_maxrss from wait4) is its own and "cold"
means a process that has computed nothing yet (the OS file cache is warm: we never drop it on
a shared machine). Times are the best of `--repeat` fresh processes; the engine and the
single-scan lower bound are measured interleaved so that noise from other users hits both.
"""

import argparse
import contextlib
import hashlib
import json
import logging
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from benchmarks import meeting_saves, write_path
from benchmarks.common import (
    BUDGET_ROWS,
    Row,
    fmt_bytes,
    fmt_seconds,
    import_verdict,
    row,
    row_in_same_process,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = ROOT / "benchmarks" / ".cache"
APP = ROOT / "app.py"
# A fixed "today" keeps cached files valid across days; the history ends the day before.
TODAY = date(2026, 11, 16)
AS_OF = TODAY - timedelta(days=1)
PERIOD = "quincena"
WARM_LOOKUPS = 25
TICKS = 50
PAGE_TIMEOUT = 900

# DESIGN §10 budgets (they apply at 10M leads / ~1M deals; printed for every run).
COLD_VS_SCAN = 1.5
WARM_SECONDS = 0.050
PANDAS_FACTOR = 20.0
IMPORT_SECONDS = 10.0
PEAK_BYTES = 2 * 1024**3

# Tolerances of the engine ↔ pandas agreement, per unit of the KPI.
TOLERANCE = {"rate": 1e-9, "score": 1e-9, "hours": 0.01, "days": 0.01, "currency": 0.01}

# The lower bound: what one pass over the leads table costs, grouped like a scorecard grid.
LOWER_BOUND_SQL = """
    SELECT datediff('day', CAST($anchor AS DATE), created_at) // 14 AS fortnight,
           channel, icp_tier,
           count(*) AS leads, count(mql_at) AS mqls, count(sql_at) AS sqls,
           median(date_diff('second', mql_at, first_response_at)) / 3600.0 AS median_hours
    FROM leads
    GROUP BY ALL
"""


# ---------------------------------------------------------------- subprocesses and memory


@dataclass
class Child:
    """One finished subprocess: wall time, its own peak RSS, exit code, output."""

    wall: float
    peak_bytes: int
    returncode: int
    out: dict = field(default_factory=dict)
    cpu: float = 0.0
    stdout: str = ""
    stderr: str = ""


def spawn(cmd: list[str], env: dict | None = None, out_file: Path | None = None) -> Child:
    """Run `cmd`, reaping it with wait4 so ru_maxrss is this child's peak alone."""
    with tempfile.TemporaryFile("w+") as so, tempfile.TemporaryFile("w+") as se:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=so, stderr=se)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        so.seek(0)
        se.seek(0)
        child = Child(
            wall,
            usage.ru_maxrss * 1024,
            proc.returncode,
            cpu=usage.ru_utime + usage.ru_stime,
            stdout=so.read(),
            stderr=se.read(),
        )
    if out_file is not None and out_file.exists():
        child.out = json.loads(out_file.read_text())
    return child


def run_child(kind: str, db: Path, env: dict | None = None, **options) -> Child:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        cmd = [sys.executable, "-m", "benchmarks.run", "--child", kind, "--db", str(db)]
        cmd += ["--out", str(out), "--options", json.dumps(options)]
        child = spawn(cmd, env, out)
    if child.returncode != 0 or not child.out:
        raise RuntimeError(
            f"benchmark child {kind!r} failed (exit {child.returncode}):\n{child.stderr[-3000:]}"
        )
    return child


# ---------------------------------------------------------------- data


def data_path(cache: Path, leads: int, seed: int) -> Path:
    return cache / f"leads-{leads}-seed-{seed}.duckdb"


def _fingerprint() -> str:
    """Cached data is regenerated when the generator, the facts schema or the fixed today
    changes (an out-of-date file would be migrated inside the first timed process)."""
    from kpi.store.schema import DERIVED_FACTS, FACTS_MIGRATIONS

    digest = hashlib.sha256()
    for part in sorted((ROOT / "kpi" / "ingest").glob("demo*.py")):
        digest.update(part.read_bytes())
    # The facts schema only: the state migrations beside it do not change the cached facts.
    digest.update(repr((FACTS_MIGRATIONS, DERIVED_FACTS)).encode())
    digest.update(TODAY.isoformat().encode())
    return digest.hexdigest()[:16]


def _remove_database(path: Path) -> None:
    from kpi.store.database import lock_path_for, state_path_for

    for victim in (path, state_path_for(path), lock_path_for(path)):
        for candidate in (victim, Path(str(victim) + ".wal")):
            candidate.unlink(missing_ok=True)


def ensure_data(cache: Path, leads: int, seed: int, say) -> tuple[Path, float | None]:
    """The cached demo database for (leads, seed), generated by the real CLI when missing."""
    cache.mkdir(parents=True, exist_ok=True)
    path = data_path(cache, leads, seed)
    meta = path.with_suffix(".json")
    fingerprint = _fingerprint()
    fresh = meta.exists() and json.loads(meta.read_text()).get("fingerprint") == fingerprint
    if path.exists() and fresh:
        return path, None
    _remove_database(path)
    say(f"generating {leads:,} demo leads (seed {seed}) into {path} …")
    cmd = [sys.executable, "-m", "kpi", "demo", "--db", str(path), "--seed", str(seed)]
    cmd += ["--leads", str(leads), "--today", TODAY.isoformat()]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"demo generation failed (exit {done.returncode})")
    meta.write_text(json.dumps({"fingerprint": fingerprint, "today": TODAY.isoformat()}))
    return path, time.perf_counter() - started


def ensure_csv(db: Path, rows: int) -> Path:
    """The first `rows` demo leads as a CSV with the canonical headers (what a CRM would export)."""
    import duckdb

    path = db.with_name(db.stem + f"-first-{rows}.csv")
    meta = path.with_suffix(".json")
    stamp = db.with_suffix(".json").read_text() if db.with_suffix(".json").exists() else ""
    if path.exists() and meta.exists() and meta.read_text() == stamp:
        return path
    con = duckdb.connect(str(db), read_only=True)
    try:
        # The limit is a validated int; COPY cannot take it as a parameter.
        con.execute(
            f"COPY (SELECT * FROM leads ORDER BY lead_id LIMIT {int(rows)}) "  # noqa: S608
            "TO ? (HEADER, DELIMITER ',', TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S')",
            [str(path)],
        )
    finally:
        con.close()
    meta.write_text(stamp)
    return path


def machine() -> dict:
    """CPU model, core count and memory, from /proc (Linux)."""
    info = {"cpus": os.cpu_count(), "cpu_model": "?", "memory_gb": None}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        total_kb = int(Path("/proc/meminfo").read_text().split()[1])
        info["memory_gb"] = round(total_kb / 1024**2, 1)
    return info


def counts(db: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 - fixed names
            for t in ("leads", "deals", "marketing_spend")
        }
    finally:
        con.close()


# ---------------------------------------------------------------- snapshots for the agreement


def engine_snapshot(scorecard) -> dict:
    """The engine's numbers in the shape the comparison reads (JSON-ready)."""
    kpis = {}
    for r in scorecard.results:
        kpis[r.kpi_id] = {
            "unit": r.unit,
            "current": {
                "value": r.value,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "n": r.n,
                "p90": r.p90,
                "mean": r.mean,
            },
            "previous": r.previous,
            "trend": [[p.value, p.n] for p in r.trend],
            "breakdown": {
                dim: [[b.key, b.value, b.numerator, b.denominator, b.n, b.previous] for b in rows]
                for dim, rows in r.breakdown.items()
            },
            "maturing": r.maturing,
            "status": r.status,
        }
    return {
        "start": scorecard.start.isoformat(),
        "end": scorecard.end.isoformat(),
        "kpis": kpis,
        "quality": dict(scorecard.data_quality),
    }


def reference_snapshot(result: dict) -> dict:
    """pandas_reference.compute's result in the engine snapshot's shape."""
    from kpi.engine import catalogue

    kpis = {}
    for kpi_id, k in result["kpis"].items():
        trend = k["trend"]
        current = trend[-1]
        kpis[kpi_id] = {
            "unit": catalogue.get(kpi_id).unit,
            "current": {
                name: current[name]
                for name in ("value", "numerator", "denominator", "n", "p90", "mean")
            },
            "previous": trend[-2]["value"],
            "trend": [[p["value"], p["n"]] for p in trend[1:]],
            "breakdown": {
                dim: [
                    [
                        key,
                        g["now"]["value"],
                        g["now"]["numerator"],
                        g["now"]["denominator"],
                        g["now"]["n"],
                        g["before"]["value"],
                    ]
                    for key, g in groups.items()
                ]
                for dim, groups in k["breakdown"].items()
            },
            "maturing": k["maturing"],
            "status": k["status"],
        }
    start, end = result["grid"][-1]
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "kpis": kpis,
        "quality": result["quality"],
    }


def _close(a, b, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= max(tolerance, 1e-12 * max(abs(a), abs(b)))


def compare(engine: dict, reference: dict) -> tuple[int, list[str]]:
    """Every number both computed, checked within the unit's tolerance: (compared, differences)."""
    diffs: list[str] = []
    compared = 0

    def check(where: str, a, b, tolerance: float) -> None:
        nonlocal compared
        compared += 1
        if not _close(a, b, tolerance):
            diffs.append(f"{where}: engine {a!r} ≠ pandas {b!r}")

    if (engine["start"], engine["end"]) != (reference["start"], reference["end"]):
        diffs.append(
            f"period: engine {engine['start']}..{engine['end']} ≠ pandas "
            f"{reference['start']}..{reference['end']}"
        )
    for kpi_id, e in engine["kpis"].items():
        r = reference["kpis"].get(kpi_id)
        if r is None:
            diffs.append(f"{kpi_id}: missing in the pandas reference")
            continue
        tol = TOLERANCE[e["unit"]]
        ec, rc = e["current"], r["current"]
        check(f"{kpi_id}.value", ec["value"], rc["value"], tol)
        check(f"{kpi_id}.n", ec["n"], rc["n"], 0)
        if ec["n"]:
            for name in ("numerator", "denominator"):
                if ec[name] is not None or rc[name] is not None:
                    check(f"{kpi_id}.{name}", ec[name], rc[name], 0.01)
            for name in ("p90", "mean"):
                if ec[name] is not None or rc[name] is not None:
                    check(f"{kpi_id}.{name}", ec[name], rc[name], tol)
        check(f"{kpi_id}.previous", e["previous"], r["previous"], tol)
        if len(e["trend"]) != len(r["trend"]):
            diffs.append(f"{kpi_id}.trend: {len(e['trend'])} vs {len(r['trend'])} periods")
        for i, ((ev, en), (rv, rn)) in enumerate(zip(e["trend"], r["trend"], strict=False)):
            check(f"{kpi_id}.trend[{i}].value", ev, rv, tol)
            check(f"{kpi_id}.trend[{i}].n", en, rn, 0)
        if e["maturing"] != r["maturing"]:
            diffs.append(f"{kpi_id}.maturing: engine {e['maturing']} ≠ pandas {r['maturing']}")
        if e["status"] != r["status"]:
            diffs.append(f"{kpi_id}.status: engine {e['status']} ≠ pandas {r['status']}")
        compared += 2
        for dim, rows in e["breakdown"].items():
            theirs = {json.dumps(row[0]): row for row in r["breakdown"].get(dim, [])}
            ours = {json.dumps(row[0]): row for row in rows}
            if set(theirs) != set(ours):
                diffs.append(
                    f"{kpi_id}.breakdown[{dim}] keys: engine {sorted(ours)} ≠ pandas {sorted(theirs)}"
                )
            for key in set(ours) & set(theirs):
                _k, ev, enum, eden, en, eprev = ours[key]
                _k, rv, rnum, rden, rn, rprev = theirs[key]
                where = f"{kpi_id}.breakdown[{dim}={json.loads(key)}]"
                check(f"{where}.value", ev, rv, tol)
                check(f"{where}.n", en, rn, 0)
                check(f"{where}.previous", eprev, rprev, tol)
                if en:
                    if enum is not None or rnum is not None:
                        check(f"{where}.numerator", enum, rnum, 0.01)
                    if eden is not None or rden is not None:
                        check(f"{where}.denominator", eden, rden, 0.01)
    for name, value in engine["quality"].items():
        check(f"quality.{name}", value, reference["quality"].get(name), 0)
    return compared, diffs


# ---------------------------------------------------------------- children (run in subprocesses)


def _quiet_streamlit() -> None:
    # Cached functions called outside a Streamlit runtime warn once per call; the noise hides
    # the table, and the behaviour (an in-memory cache) is exactly what we measure.
    for name in ("streamlit", "streamlit.runtime", "streamlit.runtime.caching"):
        logging.getLogger(name).setLevel(logging.ERROR)
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")


def child_lower_bound(db: Path, options: dict) -> dict:
    from kpi.store.database import open_store
    from kpi.store.settings import get_settings

    store = open_store(db)
    anchor = get_settings(store)["sprint_anchor"]
    timings = []
    for _ in range(2):
        cur = store.facts()
        started, cpu = time.perf_counter(), time.process_time()
        rows = cur.execute(LOWER_BOUND_SQL, {"anchor": anchor}).fetchall()
        timings.append((time.perf_counter() - started, time.process_time() - cpu))
    return {
        "seconds": timings[0][0],
        "cpu": timings[0][1],
        "hot_seconds": timings[1][0],
        "groups": len(rows),
    }


def _timed_queries(compute, profile_dir: Path | None = None) -> list:
    """Per-SQL wall time of the engine's queries, by wrapping its query runner in this process.

    The statements run side by side, so each one's CPU cannot be told apart: the process CPU
    of the whole scorecard is reported instead. With `profile_dir`, each query also leaves
    DuckDB's operator profile there.
    """
    log: list = []
    runner = getattr(compute, "_run", None)
    if runner is None:
        return log
    lock = threading.Lock()

    def timed(cur, sql, values):
        with lock:
            index = len(log)
            log.append(None)
        if profile_dir is not None:
            cur.execute("PRAGMA enable_profiling = 'json'")
            # The path is our own temp file; SET takes no parameters.
            cur.execute(f"SET profiling_output = '{profile_dir / f'query-{index}.json'}'")
        started = time.perf_counter()
        rows = runner(cur, sql, values)
        log[index] = [" ".join(sql.split())[:60], time.perf_counter() - started, len(rows)]
        return rows

    compute._run = timed
    return log


def operator_summary(profile: dict, top: int = 8) -> list[str]:
    """The operators of a DuckDB JSON profile that took longest (CPU seconds over threads)."""
    found: list[tuple[float, str]] = []

    def walk(node: dict) -> None:
        timing = node.get("timing") or node.get("operator_timing") or 0.0
        kind = node.get("type") or node.get("operator_type") or "?"
        rows = node.get("intermediate_rows", node.get("operator_cardinality", ""))
        found.append((timing, f"{timing:7.3f} s  {kind} ({rows} rows out)"))
        for child in node.get("children", []):
            walk(child)

    for node in profile.get("operator", profile.get("children", [])):
        walk(node)
    query, system = profile.get("query", {}), profile.get("system", {})
    head = (
        f"total {query.get('total_time', 0):.3f} s, CPU {query.get('cpu_time', 0):.3f} s, "
        f"{query.get('total_intermediate_rows', '?')} intermediate rows, peak buffer "
        f"{fmt_bytes(system.get('peak_buffer_memory'))}"
    )
    return [head] + [text for _t, text in sorted(found, key=lambda f: -f[0])[:top]]


class _Computes:
    """Counts the engine's computations in this process: wraps its one compute function."""

    def __init__(self) -> None:
        from kpi.engine import grid

        self.count = 0
        real = grid.compute_grid

        def counted(*args):
            self.count += 1
            return real(*args)

        grid.compute_grid = counted


def warm_path(period: str, as_of: date):
    """The app's cached scorecard path: what app_pages/scorecard.py calls on every rerun.

    That is `scorecard_cache.scorecard(choice)`: st.cache_data keyed by (db path, data
    version, choice), outside a Streamlit runtime here (so an in-memory cache, as in the app).
    Returns (lookup(store), description).
    """
    from app_pages.widgets import scorecard_cache
    from kpi.engine.compute import Filters

    choice = scorecard_cache.Choice(period, as_of, None, None, Filters())

    def lookup(_store):
        return scorecard_cache.scorecard(choice)

    return lookup, "app_pages.widgets.scorecard_cache.scorecard(): st.cache_data by data version"


def child_scorecard(db: Path, options: dict) -> dict:
    _quiet_streamlit()
    from kpi.engine import compute, runner
    from kpi.store.database import open_store
    from kpi.store.settings import get_settings

    period, as_of = options["period"], date.fromisoformat(options["as_of"])
    started = time.perf_counter()
    store = open_store(db)
    opened = time.perf_counter() - started
    settings = get_settings(store)
    profile_dir = Path(options["profile_dir"]) if options.get("profile_dir") else None
    queries = _timed_queries(runner, profile_dir)
    computes = _Computes()
    started, cpu = time.perf_counter(), time.process_time()
    scorecard = compute.compute_scorecard(store, period=period, as_of=as_of)
    cold = time.perf_counter() - started
    cold_cpu = time.process_time() - cpu
    cold_queries = list(queries)
    profile = []
    if profile_dir is not None:
        for index, query in enumerate(cold_queries):
            data = json.loads((profile_dir / f"query-{index}.json").read_text())
            profile.append({"query": query[0], "operators": operator_summary(data)})

    lookup, how = warm_path(period, as_of)
    started = time.perf_counter()
    lookup(store)
    fill = time.perf_counter() - started
    calls_after_fill = computes.count
    warm = []
    for _ in range(WARM_LOOKUPS):
        started = time.perf_counter()
        lookup(store)
        warm.append(time.perf_counter() - started)
    return {
        "open_seconds": opened,
        "cold": cold,
        "cpu": cold_cpu,
        "cache_fill": fill,
        "warm_median": statistics.median(warm),
        "warm_max": max(warm),
        "warm_how": how,
        "computes_cold_and_fill": calls_after_fill,
        "computes_during_warm": computes.count - calls_after_fill,
        "queries": cold_queries,
        "profile": profile,
        "settings": {
            "window": int(settings["cohort_window_days"]),
            "sla_hours": float(settings["sla_hours"]),
            "anchor": str(settings["sprint_anchor"]),
        },
        "snapshot": engine_snapshot(scorecard),
    }


def child_pandas(db: Path, options: dict) -> dict:
    from benchmarks import pandas_reference as ref

    settings = options["settings"]
    started, cpu = time.perf_counter(), time.process_time()
    frames = ref.load(db)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    result = ref.compute(
        frames,
        kind=options["period"],
        as_of=date.fromisoformat(options["as_of"]),
        anchor=date.fromisoformat(settings["anchor"]),
        window=settings["window"],
        sla_hours=settings["sla_hours"],
    )
    computed = time.perf_counter() - started
    return {
        "load": loaded,
        "compute": computed,
        "total": loaded + computed,
        "cpu": time.process_time() - cpu,
        "snapshot": reference_snapshot(result),
    }


def _logged_in_app(role: str = "admin"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=PAGE_TIMEOUT)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = role
    at.session_state["name"] = role.title()
    at.session_state["roles"] = [role]
    return at


def _exceptions(at) -> list[str]:
    return [str(e.value)[:300] for e in at.exception]


def _timed_reruns(at, count: int) -> list[float]:
    """The wall time of each of `count` reruns of the page `at` shows."""
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        at.run()
        timings.append(time.perf_counter() - started)
    return timings


def child_page(db: Path, options: dict) -> dict:
    _quiet_streamlit()
    computes = _Computes()
    at = _logged_in_app()
    started = time.perf_counter()
    at.run()
    home = time.perf_counter() - started
    calls = computes.count
    started = time.perf_counter()
    at.switch_page("app_pages/scorecard.py").run()
    cold = time.perf_counter() - started
    errors = _exceptions(at)
    computes_cold = computes.count - calls
    warm = _timed_reruns(at, 3)
    return {
        "home": home,
        "cold": cold,
        "warm": min(warm),
        "computes_cold": computes_cold,
        "computes_warm": computes.count - calls - computes_cold,
        "metrics": len(at.metric),
        "exceptions": errors + _exceptions(at),
    }


def _running_meeting(store) -> int:
    """A meeting whose timer runs, created once in the cached database's state file."""
    from kpi.access.roles import Actor
    from kpi.cockpit import meeting

    found = meeting.active_meeting_id(store)
    if found is not None:
        return found
    admin = Actor("benchmark", "admin")
    meeting_id = meeting.create_meeting(store, admin, title="Benchmark")
    meeting.timer_command(store, admin, meeting_id, "start")
    return meeting_id


def _tick_script(meeting_id: int, ticks: int) -> None:
    """Runs inside AppTest: the projector fragment's body, timed `ticks` times in a real run."""
    import time

    import streamlit as st

    from app_pages.widgets import common, timer_panel

    store = common.store()
    timings = []
    for _ in range(ticks):
        started = time.perf_counter()
        timer_panel.render(store, meeting_id, clock_px=240)
        timings.append(time.perf_counter() - started)
    st.session_state["tick_timings"] = timings


def child_projector(db: Path, options: dict) -> dict:
    _quiet_streamlit()
    from streamlit.testing.v1 import AppTest

    from app_pages.widgets import common

    meeting_id = _running_meeting(common.store())
    computes = _Computes()
    ticker = AppTest.from_function(_tick_script, args=(meeting_id, TICKS), default_timeout=120)
    ticker.run()
    ticks = ticker.session_state["tick_timings"]
    at = _logged_in_app()
    at.run()
    # The landing page (Inicio) computes its own scorecard once; the projector must add none.
    before_projector = computes.count
    at.switch_page("app_pages/projector.py")
    runs = _timed_reruns(at, 5)
    return {
        "tick_median": statistics.median(ticks),
        "tick_max": max(ticks),
        "tick_how": "timer_panel.render() = the fragment body, in an AppTest script run",
        "page_run": min(runs),
        "computes_during_projector": computes.count - before_projector,
        "exceptions": _exceptions(ticker) + _exceptions(at),
    }


def child_meeting_saves(db: Path, options: dict) -> dict:
    _quiet_streamlit()
    return meeting_saves.child_meeting_saves(db, options, _logged_in_app, _exceptions)


CHILDREN = {
    "meeting_saves": child_meeting_saves,
    "lower_bound": child_lower_bound,
    "scorecard": child_scorecard,
    "pandas": child_pandas,
    "page": child_page,
    "projector": child_projector,
}


def child_main(args: argparse.Namespace) -> int:
    result = CHILDREN[args.child](args.db, json.loads(args.options or "{}"))
    Path(args.out).write_text(json.dumps(result, default=str))
    return 0


# ---------------------------------------------------------------- the run


def app_env(db: Path) -> dict:
    env = dict(os.environ)
    env["BRUJULA_DB"] = str(db)
    env["BRUJULA_AUTH"] = str(db.with_name(db.stem + ".auth.yaml"))
    env["BRUJULA_LOGIN_SLEEP"] = "0"
    return env


def measure_import(csv: Path, source_db: Path, cache: Path, rows: int) -> tuple[Child, dict]:
    """`python -m kpi import leads CSV --db NEW`: the real CLI, timed from outside, into a new DB.

    Afterwards the imported table must equal the rows the CSV was exported from.
    """
    import duckdb

    target = cache / "import-target.duckdb"
    _remove_database(target)
    cmd = [sys.executable, "-m", "kpi", "import", "leads", str(csv), "--db", str(target)]
    child = spawn(cmd)
    if child.returncode != 0:
        raise RuntimeError(f"import failed (exit {child.returncode}): {child.stderr[-2000:]}")
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS imported (READ_ONLY)", [str(target)])
        con.execute("ATTACH ? AS source (READ_ONLY)", [str(source_db)])
        present = con.execute("SELECT count(*) FROM imported.leads").fetchone()[0]
        # The first `rows` leads are exactly what ensure_csv exported.
        differing = con.execute(
            "WITH expected AS (SELECT * FROM source.leads ORDER BY lead_id LIMIT $rows) "
            "SELECT count(*) FROM ((SELECT * FROM imported.leads EXCEPT SELECT * FROM expected) "
            "UNION ALL (SELECT * FROM expected EXCEPT SELECT * FROM imported.leads))",
            {"rows": rows},
        ).fetchone()[0]
    finally:
        con.close()
    _remove_database(target)
    if present != rows or differing:
        raise RuntimeError(f"import wrote {present} leads ({differing} differ), expected {rows}")
    return child, {"rows_present": present, "report": child.stdout.strip().splitlines()}


def run(args: argparse.Namespace) -> dict:
    def say(text: str) -> None:
        if not args.quiet:
            print(text, file=sys.stderr, flush=True)

    cache = Path(args.cache_dir)
    db, generated = ensure_data(cache, args.leads, args.seed, say)
    sizes = counts(db)
    options = {"period": PERIOD, "as_of": AS_OF.isoformat()}
    results: dict = {
        "leads": sizes["leads"],
        "deals": sizes["deals"],
        "seed": args.seed,
        "as_of": AS_OF.isoformat(),
        "period": PERIOD,
        "repeat": args.repeat,
        **machine(),
        "memory_limit": os.environ.get("BRUJULA_MEMORY_LIMIT", "1GB"),
        "generated_seconds": generated,
        "started": datetime.now().isoformat(timespec="seconds"),
        "load_average": os.getloadavg(),
    }

    lower, engine = [], []
    for i in range(args.repeat):
        say(f"[{i + 1}/{args.repeat}] lower bound, scorecard …")
        lower.append(run_child("lower_bound", db, **options))
        engine.append(run_child("scorecard", db, env=app_env(db), **options))
    best_lower = min(lower, key=lambda c: c.out["seconds"])
    best_engine = min(engine, key=lambda c: c.out["cold"])
    results["lower_bound"] = {
        **best_lower.out,
        "all": [c.out["seconds"] for c in lower],
        "peak_bytes": max(c.peak_bytes for c in lower),
    }
    results["scorecard"] = {
        **{k: v for k, v in best_engine.out.items() if k != "snapshot"},
        "all_cold": [c.out["cold"] for c in engine],
        "all_warm": [c.out["warm_median"] for c in engine],
        "peak_bytes": max(c.peak_bytes for c in engine),
    }
    results["scorecard"]["warm_median"] = min(c.out["warm_median"] for c in engine)
    snapshot = best_engine.out["snapshot"]
    settings = best_engine.out["settings"]
    if args.profile:
        say("scorecard again, with DuckDB's operator profile …")
        with tempfile.TemporaryDirectory() as tmp:
            profiled = run_child("scorecard", db, env=app_env(db), profile_dir=tmp, **options)
        results["profile"] = profiled.out["profile"]

    if not args.skip_pandas:
        say("pandas reference (load + compute) …")
        pandas_child = run_child("pandas", db, settings=settings, **options)
        results["pandas"] = {
            **{k: v for k, v in pandas_child.out.items() if k != "snapshot"},
            "peak_bytes": pandas_child.peak_bytes,
        }
        compared, diffs = compare(snapshot, pandas_child.out["snapshot"])
        results["agreement"] = {"compared": compared, "differences": diffs}

    if args.import_rows:
        rows = min(args.import_rows, sizes["leads"])
        say(f"import of a {rows:,}-row CSV through `python -m kpi import` …")
        csv = ensure_csv(db, rows)
        imports = [measure_import(csv, db, cache, rows) for _ in range(args.repeat)]
        best = min(imports, key=lambda pair: pair[0].wall)
        results["import"] = {
            "rows": rows,
            "csv_bytes": csv.stat().st_size,
            "seconds": best[0].wall,
            "cpu": best[0].cpu,
            "all": [c.wall for c, _ in imports],
            "peak_bytes": max(c.peak_bytes for c, _ in imports),
            **best[1],
        }

    if not args.skip_writes:
        large = min(args.write_rows, sizes["leads"])
        here = sys.modules[__name__]
        results["writes"] = write_path.measure(here, db, cache, args.repeat, large, say)

    if not args.skip_app:
        say("scorecard page through AppTest …")
        page = run_child("page", db, env=app_env(db), **options)
        results["page"] = {**page.out, "peak_bytes": page.peak_bytes}
        say("projector tick …")
        projector = run_child("projector", db, env=app_env(db), **options)
        results["projector"] = {**projector.out, "peak_bytes": projector.peak_bytes}
        if args.meeting_leads:
            small, _generated = ensure_data(cache, args.meeting_leads, args.seed, say)
            say(f"meeting saves at {args.meeting_leads:,} leads (AppTest) …")
            saves = run_child("meeting_saves", small, env=app_env(small), **options)
            results["meeting_saves"] = {
                **saves.out,
                "leads": args.meeting_leads,
                "peak_bytes": saves.peak_bytes,
            }

    results["budgets"] = budgets(results)
    return results


def budgets(r: dict) -> list[dict]:
    out = []

    def add(name: str, measured, limit, ok: bool | None, text: str) -> None:
        out.append({"budget": name, "measured": measured, "limit": limit, "ok": ok, "text": text})

    scan, sc = r["lower_bound"]["seconds"], r["scorecard"]
    ratio = sc["cold"] / scan
    add(
        "cold_vs_scan",
        ratio,
        COLD_VS_SCAN,
        ratio <= COLD_VS_SCAN,
        f"scorecard cold ≤ {COLD_VS_SCAN}× one scan: {ratio:.2f}×",
    )
    warm = sc["warm_median"]
    add(
        "warm",
        warm,
        WARM_SECONDS,
        warm <= WARM_SECONDS,
        f"scorecard warm ≤ {WARM_SECONDS * 1000:.0f} ms: {fmt_seconds(warm)}",
    )
    if "pandas" in r:
        factor = r["pandas"]["total"] / sc["cold"]
        add(
            "pandas",
            factor,
            PANDAS_FACTOR,
            factor >= PANDAS_FACTOR,
            f"≥ {PANDAS_FACTOR:.0f}× faster than pandas: {factor:.1f}×",
        )
        diffs = r["agreement"]["differences"]
        add(
            "agreement",
            len(diffs),
            0,
            not diffs,
            f"pandas agrees with the engine: {r['agreement']['compared']} numbers, "
            f"{len(diffs)} differ",
        )
    if "import" in r:
        seconds = r["import"]["seconds"]
        rows = r["import"]["rows"]
        add(
            "import",
            seconds,
            IMPORT_SECONDS,
            import_verdict(seconds, IMPORT_SECONDS, rows),
            f"{rows:,}-row CSV import ≤ {IMPORT_SECONDS:.0f} s: {fmt_seconds(seconds)}"
            + ("" if rows >= BUDGET_ROWS else " (budget is for 1,000,000 rows)"),
        )
    ours = [
        r[k]["peak_bytes"]
        for k in ("lower_bound", "scorecard", "import", "page", "projector")
        if k in r
    ]
    peak = max(ours)
    add(
        "memory",
        peak,
        PEAK_BYTES,
        peak <= PEAK_BYTES,
        f"peak memory ≤ {fmt_bytes(PEAK_BYTES)} (our processes): {fmt_bytes(peak)}",
    )
    if "writes" in r:
        write_path.budgets(r["writes"], add)
    if "meeting_saves" in r:
        slowest, ok, text = meeting_saves.budget(r["meeting_saves"])
        add("meeting_saves", slowest, meeting_saves.SAVE_SECONDS, ok, text)
    if "projector" in r:
        calls = r["projector"]["computes_during_projector"]
        add(
            "tick",
            calls,
            0,
            calls == 0,
            f"projector runs never recompute the scorecard: {calls} computes",
        )
    return out


def _scorecard_rows(r: dict) -> list[Row]:
    lb, sc = r["lower_bound"], r["scorecard"]
    groups = f"GROUP BY fortnight×channel×tier, counts + median; {lb['groups']} groups"
    slowest = sorted(sc["queries"], key=lambda q: -q[1])[:3]
    queries = "queries: " + "; ".join(f"{fmt_seconds(q[1])} {q[0][:24]}…" for q in slowest)
    warm = f"median of {WARM_LOOKUPS}, max {fmt_seconds(sc['warm_max'])}; {sc['warm_how']}"
    return [
        row("lower bound: one DuckDB scan of leads", lb["seconds"], lb, groups),
        row("scorecard cold (compute_scorecard)", sc["cold"], sc, queries),
        row_in_same_process("scorecard warm (cached path)", sc["warm_median"], warm),
    ]


def _pandas_rows(p: dict) -> list[Row]:
    load = f"load {fmt_seconds(p['load'])} + compute {fmt_seconds(p['compute'])}"
    return [row("pandas load + compute (same numbers)", p["total"], p, load)]


def _import_rows(i: dict) -> list[Row]:
    label = f"import {i['rows']:,}-row CSV (python -m kpi import)"
    csv = f"{i['csv_bytes'] / 1024**2:,.0f} MB CSV into a new DB; whole CLI process"
    return [row(label, i["seconds"], i, csv)]


def _page_rows(pg: dict) -> list[Row]:
    home = f"{pg['computes_cold']} compute(s); home page before it {fmt_seconds(pg['home'])}"
    reruns = f"{pg['computes_warm']} computes on 3 reruns"
    return [
        row("scorecard page render, cold (AppTest)", pg["cold"], pg, home),
        row_in_same_process("scorecard page render, warm (AppTest)", pg["warm"], reruns),
    ]


def _projector_rows(pj: dict) -> list[Row]:
    how = pj.get("tick_how", "load timer + view + panel")
    tick = f"{how}; max {fmt_seconds(pj['tick_max'])}"
    computes = f"{pj['computes_during_projector']} scorecard computes"
    return [
        row("projector tick (server work)", pj["tick_median"], pj, tick),
        row_in_same_process("projector page full run (AppTest)", pj["page_run"], computes),
    ]


# The table's optional sections in print order: the results key and the lines it gives.
SECTIONS = {
    "pandas": _pandas_rows,
    "import": _import_rows,
    "writes": write_path.rows,
    "page": _page_rows,
    "projector": _projector_rows,
    "meeting_saves": meeting_saves.rows,
}


def table(r: dict) -> str:
    """One table: wall time, CPU time (user + system, all threads), peak RSS, notes."""
    lb, sc = r["lower_bound"], r["scorecard"]
    rows = _scorecard_rows(r)
    for key, rows_of in SECTIONS.items():
        if key in r:
            rows += rows_of(r[key])
    titles = ("measurement", "wall", "CPU", "peak RSS")
    width = [max(len(entry[i]) for entry in [titles, *rows]) for i in range(4)]
    head = (
        f"Brújula benchmark: {r['leads']:,} leads, {r['deals']:,} deals, seed {r['seed']}, "
        f"{r['period']} as of {r['as_of']}; {r['cpus']} × {r['cpu_model']}, "
        f"{r['memory_gb']} GB RAM, DuckDB memory_limit "
        f"{r['memory_limit']}, best of {r['repeat']} fresh processes, load average "
        f"{r['load_average'][0]:.1f} at start"
    )
    lines = [head, ""]
    lines.append("  ".join(t.ljust(w) for t, w in zip(titles, width, strict=True)) + "  notes")
    for entry in rows:
        cells = "  ".join(c.ljust(w) for c, w in zip(entry[:4], width, strict=True))
        lines.append(cells + "  " + entry[4])
    lines.append("")
    ratio = sc["cold"] / lb["seconds"]
    cpu_ratio = sc["cpu"] / lb["cpu"] if lb["cpu"] else float("nan")
    ratio_line = f"ours ÷ lower bound = {ratio:.2f}× wall ({cpu_ratio:.2f}× CPU)"
    if "pandas" in r:
        p = r["pandas"]
        ratio_line += (
            f";  pandas ÷ ours = {p['total'] / sc['cold']:.1f}× wall "
            f"({p['cpu'] / sc['cpu']:.1f}× CPU)"
        )
    lines.append(ratio_line)
    if "agreement" in r:
        diffs = r["agreement"]["differences"]
        lines.append(
            f"agreement engine ↔ pandas: {r['agreement']['compared']} numbers compared, "
            f"{len(diffs)} differ"
        )
        lines.extend(f"  DIFF {d}" for d in diffs[:40])
    for query in r.get("profile", []):
        lines.append("")
        lines.append(f"profile of engine query «{query['query'][:50]}…» (slowest operators):")
        lines.extend(f"  {text}" for text in query["operators"])
    lines.append("")
    for b in r["budgets"]:
        verdict = "n/a " if b["ok"] is None else ("PASS" if b["ok"] else "FAIL")
        lines.append(f"{verdict}  {b['text']}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Time the scorecard, import, pages and timer against one DuckDB scan and "
        "pandas, with peak memory per measurement (DESIGN §10 budgets).",
    )
    parser.add_argument("--leads", type=int, default=1_000_000, help="demo leads (default 1M)")
    parser.add_argument("--seed", type=int, default=42, help="demo seed (default 42)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per timing")
    parser.add_argument(
        "--import-rows",
        type=int,
        default=1_000_000,
        help="rows of the CSV import (0 skips it; default 1M)",
    )
    parser.add_argument("--cache-dir", default=str(DEFAULT_CACHE), help="where data is cached")
    parser.add_argument(
        "--meeting-leads",
        type=int,
        default=25_000,
        help="demo leads of the meeting-save timing (0 skips it; default 25,000)",
    )
    parser.add_argument(
        "--write-rows",
        type=int,
        default=1_000_000,
        help="new leads of the large write into a copy (0 skips it; default 1M)",
    )
    parser.add_argument("--skip-writes", action="store_true", help="no write-path timings")
    parser.add_argument("--skip-pandas", action="store_true", help="no pandas reference")
    parser.add_argument("--skip-app", action="store_true", help="no AppTest page / projector")
    parser.add_argument("--profile", action="store_true", help="add DuckDB's operator profile")
    parser.add_argument("--json", help="also write every figure to this JSON file")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--options", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.leads < 1 or args.repeat < 1 or args.import_rows < 0 or args.write_rows < 0:
        parser.error("--leads and --repeat must be at least 1, --import-rows at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child_main(args)
    results = run(args)
    print(table(results))
    cache = Path(args.cache_dir)
    with contextlib.suppress(OSError):
        (cache / f"results-{args.leads}.json").write_text(
            json.dumps(results, indent=1, default=str)
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
