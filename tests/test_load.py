"""A class of thirty at once, on loopback: every endpoint, zero errors, weights loaded once.

The load is ``benchmarks/load_test.py`` run as a program (tests never import a benchmark): it
serves the app in its own process, drives it with thirty ``gradio_client`` sessions and writes
its report with ``--json``; the test reads the report (never its timings).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LOAD_TEST = REPO / "benchmarks" / "load_test.py"

pytestmark = [pytest.mark.slow]


def test_thirty_concurrent_sessions_get_answers_and_share_one_copy_of_the_weights(tmp_path):
    out = tmp_path / "load.json"
    done = subprocess.run([sys.executable, str(LOAD_TEST), "--sessions", "30", "--rounds", "2", "--time-limit", "900",
                           "--json", str(out)], cwd=REPO, capture_output=True, text=True)
    print("\n" + done.stdout)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["errors"] == [], done.stderr[-3000:]
    assert {endpoint: len(v) for endpoint, v in report["latencies"].items()} == {
        "/predict": 60, "/attention": 60, "/layer": 60, "/tokens": 60, "/polysemy": 60}
    assert report["weights_loaded"]["minilm"] == 1  # thirty sessions, one read of the weights
    assert done.returncode == 0


def test_the_load_test_refuses_other_hosts(tmp_path):
    done = subprocess.run([sys.executable, str(LOAD_TEST), "--url", "http://192.0.2.1:7860/", "--sessions", "1",
                           "--rounds", "1", "--json", str(tmp_path / "load.json")], cwd=REPO, capture_output=True,
                          text=True)
    assert done.returncode == 2 and "loopback" in done.stderr
    assert not (tmp_path / "load.json").exists()
