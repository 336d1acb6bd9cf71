"""A classroom at once: N concurrent gradio_client sessions calling every endpoint a few times.

Loopback only, bounded in count (sessions x rounds x endpoints) and in time (a deadline per
run). Prints p50/p95 per endpoint and the error count; `--json` writes the report.

    python benchmarks/load_test.py                     # starts the app in-process on minilm
    python benchmarks/load_test.py --url http://127.0.0.1:7860/ --sessions 30 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# What each simulated student sends: the classroom examples, English, default controls.
CALLS: dict[str, tuple] = {
    "/predict": ("I'm so happy we finished the project together!", "tuned", 0.5),
    "/attention": ("The animal didn't cross the street because it was too tired.", "", "minilm", 5, 0, "mean",
                   False, False),
    "/tokens": ("The bank raised interest rates.", "", "minilm"),
    "/polysemy": ("bank", None, "bank", "", "base", 6, "minilm"),  # None: the built-in bank sentences
}


def default_calls() -> dict[str, tuple]:
    from components.polysemy.sets import builtin_sets

    bank = builtin_sets()["bank"].as_text()
    return {name: tuple(bank if a is None else a for a in args) for name, args in CALLS.items()}


@dataclass
class LoadReport:
    sessions: int
    rounds: int
    wall_seconds: float
    errors: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)

    def summary(self) -> dict[str, dict[str, float]]:
        out = {}
        for endpoint, values in sorted(self.latencies.items()):
            ordered = sorted(values)
            out[endpoint] = {
                "calls": len(values),
                "p50_ms": round(1000 * statistics.median(ordered), 1),
                "p95_ms": round(1000 * ordered[max(0, int(round(0.95 * len(ordered))) - 1)], 1),
            }
        return out

    def table(self) -> str:
        lines = [f"{self.sessions} sessions x {self.rounds} rounds, {self.wall_seconds:.1f}s wall, "
                 f"{len(self.errors)} errors", f"{'endpoint':<12} {'calls':>6} {'p50 ms':>8} {'p95 ms':>8}"]
        for endpoint, row in self.summary().items():
            lines.append(f"{endpoint:<12} {row['calls']:>6} {row['p50_ms']:>8} {row['p95_ms']:>8}")
        return "\n".join(lines)


def _session(url: str, rounds: int, calls: dict[str, tuple], deadline: float, report: LoadReport,
             lock: threading.Lock) -> None:
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as exc:  # noqa: BLE001 - a load test counts every failure
        with lock:
            report.errors.append(f"connect: {type(exc).__name__}: {exc}")
        return
    for _ in range(rounds):
        for endpoint, args in calls.items():
            if time.monotonic() > deadline:
                with lock:
                    report.errors.append(f"{endpoint}: deadline passed")
                return
            started = time.perf_counter()
            try:
                client.predict(*args, api_name=endpoint)
            except Exception as exc:  # noqa: BLE001
                with lock:
                    report.errors.append(f"{endpoint}: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            with lock:
                report.latencies.setdefault(endpoint, []).append(time.perf_counter() - started)


def run_load(url: str, sessions: int = 30, rounds: int = 3, calls: dict[str, tuple] | None = None,
             time_limit: float = 600.0) -> LoadReport:
    """Run the load against a server on this machine; refuses any non-loopback address."""
    host = urlparse(url).hostname
    if host not in LOOPBACK:
        raise ValueError(f"The load test only targets this machine (loopback), not {host}.")
    calls = calls or default_calls()
    report = LoadReport(sessions=sessions, rounds=rounds, wall_seconds=0.0)
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        for _ in range(sessions):
            pool.submit(_session, url, rounds, calls, deadline, report, lock)
    report.wall_seconds = time.perf_counter() - started
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running app on loopback (default: start one in-process)")
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--concurrency", type=int, default=2, help="the app's --concurrency (in-process app only)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if args.url and urlparse(args.url).hostname not in LOOPBACK:
        parser.error(f"the load test only targets this machine (loopback), not {urlparse(args.url).hostname}")
    demo = None
    url = args.url
    if not url:
        from components.core.services import AppConfig, Services
        from components.ui.serving import launch

        demo = launch(Services(AppConfig(warm_up=False, concurrency=args.concurrency)), max_size=200)
        url = demo.local_url
    report = run_load(url, args.sessions, args.rounds, time_limit=args.time_limit)
    print(report.table())
    record = {**asdict(report), "summary": report.summary()}
    if demo is not None:
        from components.core.models import load_counts

        record["weights_loaded"] = dict(load_counts)  # reads of each model's weights in the app's process
        print("weights loaded:", record["weights_loaded"])
    from benchmarks.common import result_path

    (args.json or result_path("load")).write_text(json.dumps(record, indent=2))
    if demo is not None:
        demo.close()
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
