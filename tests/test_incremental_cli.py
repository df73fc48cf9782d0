"""The scorecard command loads only what it runs (issue 16): no importer, no Altair."""

import subprocess
import sys

from support import ROOT

from kpi.store.database import close_all, open_store


def loaded_modules(*argv: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kpi", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    return {line.split("|")[-1].strip() for line in lines}


def test_the_json_scorecard_loads_no_importer_and_no_altair(tmp_path):
    db = tmp_path / "f.duckdb"
    open_store(db)
    close_all()
    modules = loaded_modules("scorecard", "--db", str(db), "--format", "json")
    assert "kpi.engine.compute" in modules, "the scorecard ran"
    assert not {m for m in modules if m.startswith(("kpi.ingest", "altair", "streamlit"))}
    # Every command is still offered.
    help_text = subprocess.run(
        [sys.executable, "-m", "kpi", "--help"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    for command in ("init", "demo", "scorecard", "import", "backup"):
        assert command in help_text
