"""Write-path benchmark (issue 16): imports into a copy of the benchmark database, small, large
and unchanged, the reads afterwards, and the CLI scorecard beside a bare single-scan process.

Every import is the real CLI (`python -m kpi import leads FILE --db COPY`) timed from outside as
a whole process, interpreter start included, like the import line of benchmarks/run.py.
"""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.common import Row, fmt_bytes, fmt_seconds, import_verdict, row

SMALL_SECONDS = 1.0
SMALL_PEAK_BYTES = 500 * 1024**2
LARGE_SECONDS = 15.0
CLI_FACTOR = 2.0

# A process that only opens the database and runs the single-scan aggregate (run.py
# LOWER_BOUND_SQL, passed as argv[2]) the way the Store does: in-memory, facts attached
# read-only, same memory limit. The anchor is a fixed day: a bare process reads no settings.
BARE = """
import json, os, sys, duckdb
con = duckdb.connect(":memory:", config={"memory_limit": os.environ.get("BRUJULA_MEMORY_LIMIT", "1GB")})
con.execute("ATTACH ? AS facts (READ_ONLY)", [sys.argv[1]])
con.execute("USE facts")
rows = con.execute(sys.argv[2], {"anchor": "2025-01-06"}).fetchall()
print(json.dumps([[str(v) for v in row] for row in rows]))
"""


# A small launcher between the harness and each timed process: a child's ru_maxrss counts the
# memory it had before exec, which is the forking process's, and by now the harness itself has
# grown past the 500 MB a small import is allowed. The launcher is small when it forks.
LAUNCHER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_pid, status, usage = os.wait4(child.pid, 0)
wall = time.perf_counter() - started
with open(sys.argv[1], "w") as out:
    json.dump({"wall": wall, "peak": usage.ru_maxrss * 1024,
               "cpu": usage.ru_utime + usage.ru_stime}, out)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _spawn(ctx, cmd: list[str]):
    """`ctx.spawn(cmd)` through the launcher: the wall, CPU and peak of `cmd` alone."""
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "figures.json"
        child = ctx.spawn([sys.executable, "-c", LAUNCHER, str(figures), *cmd])
        if figures.exists():
            measured = json.loads(figures.read_text())
            child.wall, child.peak_bytes, child.cpu = (
                measured["wall"],
                measured["peak"],
                measured["cpu"],
            )
    return child


def _identity(db: Path) -> tuple[int, int, int]:
    st = os.stat(db)
    return st.st_ino, st.st_size, st.st_mtime_ns


def _generation(db: Path) -> int:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(
            con.execute("SELECT value FROM facts_meta WHERE key = 'generation'").fetchone()[0]
        )
    finally:
        con.close()


def _import(ctx, db: Path, csv: Path, *extra: str):
    cmd = [sys.executable, "-m", "kpi", "import", "leads", str(csv), "--db", str(db), *extra]
    child = _spawn(ctx, cmd)
    if child.returncode != 0:
        raise RuntimeError(f"import failed (exit {child.returncode}): {child.stderr[-2000:]}")
    return child


def _small_csv(folder: Path, number: int) -> Path:
    """Two rows: a new lead, and a change to an existing one (its campaign)."""
    path = folder / f"write-small-{number}.csv"
    path.write_text(
        "lead_id,created_at,channel,campaign,mql_at\n"
        f"BENCH-{number},2026-11-14 09:00:00,web,bench,2026-11-14 10:00:00\n"
        f"L00000001,,,bench-{number},\n"
    )
    return path


def _large_csv(source: Path, folder: Path, rows: int) -> Path:
    """`rows` new leads: the first demo leads under new ids (a tenth more data at 10M)."""
    import duckdb

    path = folder / f"write-large-{rows}.csv"
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(source), read_only=True)
    try:
        con.execute(
            "COPY (SELECT * REPLACE ('N' || lead_id AS lead_id) FROM leads ORDER BY lead_id "  # noqa: S608
            f"LIMIT {int(rows)}) TO ? (HEADER, DELIMITER ',', TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S')",
            [str(path)],
        )
    finally:
        con.close()
    return path


def measure(ctx, db: Path, cache: Path, repeat: int, large_rows: int, say) -> dict:
    """Every write-path figure; `ctx` is the benchmarks.run module (spawn, run_child...)."""
    work = cache / "write-target.duckdb"
    ctx._remove_database(work)
    say("write path: copying the database to write into …")
    shutil.copyfile(db, work)
    out: dict = {}
    small = [_import(ctx, work, _small_csv(cache, i)) for i in range(repeat)]
    out["small"] = {
        "seconds": min(c.wall for c in small),
        "all": [c.wall for c in small],
        "cpu": min(c.cpu for c in small),
        "peak_bytes": max(c.peak_bytes for c in small),
    }
    say("write path: unchanged re-import and its dry run …")
    last = _small_csv(cache, repeat - 1)
    before, generation = _identity(work), _generation(work)
    again = [_import(ctx, work, last) for _ in range(repeat)]
    dry = [_import(ctx, work, last, "--dry-run") for _ in range(repeat)]
    out["unchanged"] = {
        "seconds": min(c.wall for c in again),
        "dry_run_seconds": min(c.wall for c in dry),
        "peak_bytes": max(c.peak_bytes for c in again),
        "file_untouched": _identity(work) == before,
        "generation_kept": _generation(work) == generation,
    }
    if large_rows:
        say(f"write path: {large_rows:,} new leads imported into the copy …")
        large = _import(ctx, work, _large_csv(db, cache, large_rows))
        out["large"] = {
            "rows": large_rows,
            "seconds": large.wall,
            "cpu": large.cpu,
            "peak_bytes": large.peak_bytes,
        }
    say("write path: reads of the written copy …")
    options = {"period": ctx.PERIOD, "as_of": ctx.AS_OF.isoformat()}
    lower, engine = [], []
    for _ in range(repeat):
        lower.append(ctx.run_child("lower_bound", work, **options))
        engine.append(ctx.run_child("scorecard", work, env=ctx.app_env(work), **options))
    out["reads_after"] = {
        "lower_bound": min(c.out["seconds"] for c in lower),
        "cold": min(c.out["cold"] for c in engine),
        "warm": min(c.out["warm_median"] for c in engine),
    }
    ctx._remove_database(work)
    out["cli"] = measure_cli(ctx, db, repeat, say)
    return out


def measure_cli(ctx, db: Path, repeat: int, say) -> dict:
    """`python -m kpi scorecard --format json` and the bare process, interleaved."""
    say("write path: CLI scorecard beside a bare process …")
    cli_cmd = [sys.executable, "-m", "kpi", "scorecard", "--db", str(db), "--format", "json"]
    cli_cmd += ["--period", ctx.PERIOD, "--as-of", ctx.AS_OF.isoformat()]
    bare_cmd = [sys.executable, "-c", BARE, str(db), ctx.LOWER_BOUND_SQL]
    cli, bare = [], []
    for _ in range(repeat):
        cli.append(_spawn(ctx, cli_cmd))
        bare.append(_spawn(ctx, bare_cmd))
    for child in (*cli, *bare):
        if child.returncode != 0:
            raise RuntimeError(f"CLI timing failed: {child.stderr[-2000:]}")
    importtime = ctx.spawn([sys.executable, "-X", "importtime", *cli_cmd[1:]])
    loaded = {line.split("|")[-1].strip().split(".")[0] for line in importtime.stderr.splitlines()}
    return {
        "seconds": min(c.wall for c in cli),
        "bare_seconds": min(c.wall for c in bare),
        "all": [c.wall for c in cli],
        "bare_all": [c.wall for c in bare],
        "peak_bytes": max(c.peak_bytes for c in cli),
        "pandas": "pandas" in loaded,
        "altair": "altair" in loaded,
    }


def budgets(w: dict, add) -> None:
    """Issue 16's budgets for one run (the 1M ↔ 10M comparison is made across two runs)."""
    s = w["small"]
    ok = s["seconds"] <= SMALL_SECONDS and s["peak_bytes"] <= SMALL_PEAK_BYTES
    add(
        "write_small",
        s["seconds"],
        SMALL_SECONDS,
        ok,
        f"2-row import ≤ {fmt_seconds(SMALL_SECONDS)} and ≤ {fmt_bytes(SMALL_PEAK_BYTES)}: "
        f"{fmt_seconds(s['seconds'])}, {fmt_bytes(s['peak_bytes'])}",
    )
    u = w["unchanged"]
    add(
        "write_unchanged",
        u["seconds"],
        u["dry_run_seconds"],
        u["file_untouched"]
        and u["generation_kept"]
        and u["seconds"] <= u["dry_run_seconds"] * 1.05,
        f"unchanged re-import leaves the file (same inode, size, mtime: {u['file_untouched']}) "
        f"and the generation ({u['generation_kept']}), in the time of a dry run (±5%): "
        f"{fmt_seconds(u['seconds'])} vs {fmt_seconds(u['dry_run_seconds'])}",
    )
    if "large" in w:
        g = w["large"]
        add(
            "write_large",
            g["seconds"],
            LARGE_SECONDS,
            import_verdict(g["seconds"], LARGE_SECONDS, g["rows"]),
            f"{g['rows']:,}-row import into this database ≤ {LARGE_SECONDS:.0f} s: "
            f"{fmt_seconds(g['seconds'])}",
        )
    c = w["cli"]
    factor = c["seconds"] / c["bare_seconds"]
    lean = not c["pandas"] and not c["altair"]
    add(
        "cli_scorecard",
        factor,
        CLI_FACTOR,
        factor <= CLI_FACTOR and lean,
        f"CLI scorecard ≤ {CLI_FACTOR:.0f}× a bare single-scan process, no pandas/Altair: "
        f"{fmt_seconds(c['seconds'])} vs {fmt_seconds(c['bare_seconds'])} = {factor:.2f}×"
        f" (pandas loaded: {c['pandas']}, altair: {c['altair']})",
    )
    r = w["reads_after"]
    ratio = r["cold"] / r["lower_bound"]
    add(
        "reads_after_writes",
        ratio,
        1.5,
        ratio <= 1.5 and r["warm"] <= 0.050,
        f"after the writes: cold {ratio:.2f}× one scan, warm {fmt_seconds(r['warm'])}",
    )


def rows(w: dict) -> list[Row]:
    """The table lines of the write path."""
    s, u, c, r = w["small"], w["unchanged"], w["cli"], w["reads_after"]
    each = "1 new lead + 1 changed; all " + " / ".join(fmt_seconds(x) for x in s["all"])
    dry = (
        f"dry run of the same file {fmt_seconds(u['dry_run_seconds'])}; file untouched "
        f"{u['file_untouched']}, generation kept {u['generation_kept']}"
    )
    out = [
        row("write: 2-row import (python -m kpi import)", s["seconds"], s, each),
        row("write: unchanged re-import", u["seconds"], u, dry),
    ]
    if "large" in w:
        g = w["large"]
        out.append(
            row(
                f"write: {g['rows']:,} new leads imported",
                g["seconds"],
                g,
                "into this database (a copy)",
            )
        )
    scan = f"lower bound {fmt_seconds(r['lower_bound'])}, warm {fmt_seconds(r['warm'])}"
    bare = (
        f"bare process (open + single scan) {fmt_seconds(c['bare_seconds'])}; "
        f"pandas loaded: {c['pandas']}"
    )
    out.append(row("reads after the writes: scan / cold / warm", r["cold"], r, scan))
    out.append(row("CLI scorecard --format json (whole process)", c["seconds"], c, bare))
    return out
