"""Every benchmark still runs: ``python -m benchmarks --quick`` in a temporary results folder.

The quick run is each benchmark at its smallest (minutes in all on 2 cores, not the hour of a
full sweep); its figures are not checked against targets here (timings are never asserted in
tests), only that every benchmark ran and wrote its results in the one schema.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SUPPORT = {"__init__", "__main__", "common", "summary_inprocess", "summary_startup"}


@pytest.fixture(scope="module")
def benchmarks() -> dict[str, dict]:
    """{name: {"script", "result", "measures", ...}} as ``python -m benchmarks --list --json`` prints it."""
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--list", "--json"], cwd=REPO, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def test_every_benchmark_script_is_in_the_entry_and_its_readme(benchmarks):
    scripts = {p.stem for p in (REPO / "benchmarks").glob("*.py")} - SUPPORT
    assert scripts == {b["script"] for b in benchmarks.values()}
    readme = (REPO / "benchmarks" / "README.md").read_text(encoding="utf-8")
    missing = [b["script"] for b in benchmarks.values() if f"{b['script']}.py" not in readme]
    assert missing == []


def test_an_unknown_benchmark_is_refused():
    done = subprocess.run([sys.executable, "-m", "benchmarks", "no_such_bench"], cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == 2 and "no_such_bench" in done.stderr


def test_python_m_benchmarks_quick_runs_every_benchmark(benchmarks, tmp_path):
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--results", str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for name, bench in benchmarks.items():
        record = json.loads((tmp_path / f"{bench['result']}.json").read_text(encoding="utf-8"))
        assert record["benchmark"] == name and record["schema"] == 1 and record["quick"] is True
        assert {"machine", "load_average", "arguments", "wall_seconds", "figures"} <= set(record)
        assert record["figures"], name
