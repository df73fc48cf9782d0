"""The benchmark harness end to end on 10k leads (no budgets asserted), so it cannot rot."""

import copy

from benchmarks import run as bench


def test_harness_runs_end_to_end_and_pandas_agrees_with_the_engine(tmp_path):
    args = bench.parse_args(
        ["--leads", "10000", "--repeat", "1", "--import-rows", "10000", "--meeting-leads", "10000"]
        + ["--write-rows", "5000"]
        + ["--cache-dir", str(tmp_path), "--quiet"]
    )
    results = bench.run(args)

    assert results["leads"] == 10_000
    assert results["agreement"]["compared"] > 1000
    assert results["agreement"]["differences"] == []
    assert results["import"]["rows_present"] == 10_000
    assert results["page"]["exceptions"] == []
    assert results["projector"]["exceptions"] == []
    saves = results["meeting_saves"]
    assert saves["exceptions"] == []
    assert (saves["notes_written"], saves["actions_written"], saves["ratings_written"]) == (3, 3, 3)
    assert results["projector"]["computes_during_projector"] == 0
    assert results["scorecard"]["computes_during_warm"] == 0
    writes = results["writes"]
    assert writes["unchanged"]["file_untouched"] and writes["unchanged"]["generation_kept"]
    assert writes["large"]["rows"] == 5000
    assert not writes["cli"]["altair"]
    text = bench.table(results)
    for line in ("lower bound", "scorecard cold", "scorecard warm", "pandas", "import", "write:"):
        assert line in text
    assert {b["budget"] for b in results["budgets"]} >= {
        "cold_vs_scan",
        "warm",
        "memory",
        "write_small",
        "write_unchanged",
        "cli_scorecard",
    }


def _snapshot() -> dict:
    return {
        "start": "2026-11-09",
        "end": "2026-11-22",
        "kpis": {
            "win_rate": {
                "unit": "rate",
                "current": {
                    "value": 0.25,
                    "numerator": 5,
                    "denominator": 20,
                    "n": 20,
                    "p90": None,
                    "mean": None,
                },
                "previous": 0.5,
                "trend": [[0.5, 10], [0.25, 20]],
                "breakdown": {"channel": [["seo", 0.25, 5, 20, 20, 0.5]]},
                "maturing": False,
                "status": "green",
            }
        },
        "quality": {"deals_without_lead": 1},
    }


def test_the_agreement_check_notices_a_value_off_by_more_than_its_tolerance():
    engine = _snapshot()
    same = copy.deepcopy(engine)
    same["kpis"]["win_rate"]["current"]["value"] += 1e-12
    assert bench.compare(engine, same)[1] == []

    off = copy.deepcopy(engine)
    off["kpis"]["win_rate"]["breakdown"]["channel"][0][1] = 0.2500001
    off["quality"]["deals_without_lead"] = 2
    diffs = bench.compare(engine, off)[1]
    assert len(diffs) == 2
    assert "win_rate.breakdown[channel=seo].value" in diffs[0]
    assert "quality.deals_without_lead" in diffs[1]
