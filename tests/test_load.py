"""A class of thirty at once, on loopback: every endpoint, zero errors, weights loaded once."""

from __future__ import annotations

import pytest

from benchmarks.load_test import run_load
from components.core.models import load_counts

pytestmark = [pytest.mark.slow]


def test_thirty_concurrent_sessions_get_answers_and_share_one_copy_of_the_weights(app_server):
    before = load_counts["minilm"]  # other tests' models may have pushed it out of the bounded cache
    report = run_load(app_server.local_url, sessions=30, rounds=2, time_limit=900)
    print("\n" + report.table())
    assert report.errors == []
    assert {endpoint: len(v) for endpoint, v in report.latencies.items()} == {
        "/predict": 60, "/attention": 60, "/layer": 60, "/tokens": 60, "/polysemy": 60}
    assert load_counts["minilm"] - before <= 1  # thirty sessions, at most one read of the weights


def test_the_load_test_refuses_other_hosts():
    with pytest.raises(ValueError, match="loopback"):
        run_load("http://192.0.2.1:7860/", sessions=1, rounds=1)
