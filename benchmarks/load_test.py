"""A classroom at once: concurrent gradio_client sessions against the app, on loopback only.

Three classes (``--mode``), each bounded in count and in time (a deadline per run):

- ``every`` (default): N sessions calling every endpoint a few times with the classroom examples.
- ``mixed``: 20 light students (``--light``), each ``--rounds`` rounds of Predict, Tokens and Attention on
  sentences of their own (every call a sentence no one else sends), and 10 heavy students (``--heavy``),
  each a Polysemy set of their own and Explain (IG, 32 steps) on a sentence of their own, all at once.
- ``burst``: 30 connected clients (``--clients``) press Predict at the same instant (distinct
  sentences), ``--bursts`` times: seconds from the instant to the last answer.

Prints p50/p95 per endpoint (and per lane in ``mixed``) and the error count; ``--json`` writes the report.
Without ``--url`` the app is served in this process exactly as ``python app.py`` serves it (warmed up,
the same lanes and thread budget: ``components/ui/serving.py``) and the students run in a child process,
so their clients never share the server's interpreter; the report then says how often each model's
weights were read.

    python benchmarks/load_test.py                                # every endpoint, 30 x 3
    python benchmarks/load_test.py --mode mixed                   # 20 light + 10 heavy students at once
    python benchmarks/load_test.py --mode burst                   # 30 clients press Predict together
    python benchmarks/load_test.py --mode all                     # the three in turn, on one server
    python benchmarks/load_test.py --url http://127.0.0.1:7860/ --mode burst
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
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
LIGHT, HEAVY = ("/predict", "/tokens", "/attention"), ("/polysemy", "/explain")
MODES = ("every", "mixed", "burst")

# What each simulated student sends: the classroom examples, English, default controls.
CALLS: dict[str, tuple] = {
    "/predict": ("I'm so happy we finished the project together!", "tuned", 0.5),
    "/attention": ("The animal didn't cross the street because it was too tired.", "", "minilm", 5, 0, "mean",
                   False, False),
    "/tokens": ("The bank raised interest rates.", "", "minilm"),
    "/layer": ("The animal didn't cross the street because it was too tired.", "", "minilm", 4, 2, 10, True, -1),
    "/polysemy": ("bank", None, "bank", "", "base", 6, "minilm"),  # None: the built-in bank sentences
}
EXPLAIN = ("", "ig", "probability", 32, False, "", "zero")  # label, method, output, IG steps, words, heads, mode

# Sentences no two calls share: who x what x when (every call of a run a new text, so nothing is cached).
WHO = ("The teacher", "My sister", "Our team", "The old farmer", "A tired student", "The new neighbour",
       "My best friend", "The class", "Grandpa", "The coach", "A little boy", "The doctor", "Our principal",
       "The bus driver", "My cousin", "The artist", "A young girl", "The pilot", "The baker", "Her brother",
       "The scientist", "The librarian", "My uncle", "The nurse", "The captain", "A stranger", "The singer",
       "The gardener", "Our guide", "The twins")
WHAT = ("finished the project", "cooked a huge dinner", "won the final match", "lost the house keys",
        "painted the fence", "found a lost puppy", "missed the last train", "planted three trees",
        "wrote a long letter", "fixed the old bicycle", "forgot the tickets", "read the whole book")
WHEN = ("before the storm", "after school", "with a big smile", "late at night", "on a rainy morning",
        "during the holidays")
FEELING = ("and I am so proud of them", "and honestly it made me angry", "which was really funny",
           "and we were all worried", "thank you so much for the help", "and I was surprised")


def sentence(n: int, feeling: bool = False) -> str:
    """The n-th sentence of the run; distinct for every n below len(WHO) * len(WHAT) * len(WHEN)."""
    who, rest = WHO[n % len(WHO)], n // len(WHO)
    text = f"{who} {WHAT[rest % len(WHAT)]} {WHEN[(rest // len(WHAT)) % len(WHEN)]}"
    return f"{text}, {FEELING[n % len(FEELING)]}." if feeling else f"{text}."


def default_calls() -> dict[str, tuple]:
    from components.polysemy.sets import builtin_sets

    bank = builtin_sets()["bank"].as_text()
    return {name: tuple(bank if a is None else a for a in args) for name, args in CALLS.items()}


def light_call(endpoint: str, text: str) -> tuple:
    if endpoint == "/predict":
        return (text, "tuned", 0.5)
    if endpoint == "/tokens":
        return (text, "", "minilm")
    return (text, "", "minilm", 5, 1, "mean", False, False)


def own_polysemy_set(student: int) -> tuple:
    """A set of this student's own: an English built-in set without one of its sentences (a new map to fit)."""
    from components.polysemy.sets import builtin_sets

    english = [s for s in builtin_sets().values() if s.language == "en"]
    chosen = english[student % len(english)]
    lines = chosen.as_text().splitlines()
    del lines[(student // len(english)) % len(lines)]
    return (chosen.key, "\n".join(lines), chosen.target, "", "base", 6, "minilm")


@dataclass
class LoadReport:
    mode: str
    sessions: int
    rounds: int
    wall_seconds: float
    errors: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    bursts: list[float] = field(default_factory=list)  # burst: seconds from the instant to the last answer

    def _row(self, values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {"calls": len(values), "p50_ms": round(1000 * statistics.median(ordered), 1),
                "p95_ms": round(1000 * ordered[max(0, int(round(0.95 * len(ordered))) - 1)], 1),
                "max_ms": round(1000 * ordered[-1], 1)}

    def summary(self) -> dict[str, dict[str, float]]:
        out = {endpoint: self._row(values) for endpoint, values in sorted(self.latencies.items())}
        for lane, endpoints in (("light", LIGHT), ("heavy", HEAVY)):
            values = [v for e in endpoints for v in self.latencies.get(e, [])]
            if self.mode == "mixed" and values:
                out[f"lane {lane}"] = self._row(values)
        if self.bursts:
            out["burst last answer"] = self._row(self.bursts)
        return out

    def table(self) -> str:
        lines = [f"{self.mode}: {self.sessions} sessions x {self.rounds} rounds, {self.wall_seconds:.1f}s wall, "
                 f"{len(self.errors)} errors",
                 f"{'endpoint':<18} {'calls':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"]
        for endpoint, row in self.summary().items():
            lines.append(f"{endpoint:<18} {row['calls']:>6} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8}")
        return "\n".join(lines)

    def record(self, endpoint: str, seconds: float, lock: threading.Lock) -> None:
        with lock:
            self.latencies.setdefault(endpoint, []).append(seconds)

    def fail(self, what: str, exc: BaseException | str, lock: threading.Lock) -> None:
        with lock:
            self.errors.append(f"{what}: {exc if isinstance(exc, str) else f'{type(exc).__name__}: {str(exc)[:200]}'}")


@functools.cache
def _tls_context():
    """One certificate store for every simulated student (a browser loads it once, not once per request).

    gradio_client opens a new httpx client for each request and, with ``ssl_verify=True``, each of those
    reads certifi's whole CA bundle (``ssl.create_default_context``): measured with py-spy, 81 % of the
    student process's CPU during a burst, on the same two cores as the server. Handing every client one
    context built here keeps the same verification (loopback http uses none) without that cost.
    """
    import ssl

    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _connect(url: str, report: LoadReport, lock: threading.Lock):
    from gradio_client import Client

    try:
        return Client(url, verbose=False, ssl_verify=_tls_context())
    except Exception as exc:  # noqa: BLE001 - a load test counts every failure
        report.fail("connect", exc, lock)
        return None


def _calls(client, plan: list[tuple[str, tuple]], deadline: float, report: LoadReport, lock: threading.Lock) -> None:
    for endpoint, args in plan:
        if time.monotonic() > deadline:
            report.fail(endpoint, "deadline passed", lock)
            return
        started = time.perf_counter()
        try:
            client.predict(*args, api_name=endpoint)
        except Exception as exc:  # noqa: BLE001
            report.fail(endpoint, exc, lock)
            continue
        report.record(endpoint, time.perf_counter() - started, lock)


def _students(url: str, plans: list[list[tuple[str, tuple]]], report: LoadReport, time_limit: float) -> None:
    """Every student connects, then all start at the same instant and work through their plan."""
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit
    start = threading.Barrier(len(plans))

    def student(plan):
        client = _connect(url, report, lock)
        start.wait()
        if client is not None:
            _calls(client, plan, deadline, report, lock)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(plans)) as pool:
        list(pool.map(student, plans))
    report.wall_seconds = time.perf_counter() - began


def check_loopback(url: str) -> None:
    host = urlparse(url).hostname
    if host not in LOOPBACK:
        raise ValueError(f"The load test only targets this machine (loopback), not {host}.")


def run_load(url: str, sessions: int = 30, rounds: int = 3, calls: dict[str, tuple] | None = None,
             time_limit: float = 600.0) -> LoadReport:
    """``every``: each session calls every endpoint ``rounds`` times with the classroom examples."""
    check_loopback(url)
    calls = calls or default_calls()
    report = LoadReport(mode="every", sessions=sessions, rounds=rounds, wall_seconds=0.0)
    _students(url, [list(calls.items()) * rounds for _ in range(sessions)], report, time_limit)
    return report


def run_mixed(url: str, light: int = 20, heavy: int = 10, rounds: int = 3, time_limit: float = 600.0) -> LoadReport:
    """``mixed``: light students on Predict, Tokens, Attention; heavy ones on their own Polysemy set and Explain."""
    check_loopback(url)
    plans, n = [], 0
    for _student in range(light):
        plan = []
        for _round in range(rounds):
            for endpoint in LIGHT:
                plan.append((endpoint, light_call(endpoint, sentence(n))))
                n += 1
        plans.append(plan)
    for student in range(heavy):
        plans.append([("/polysemy", own_polysemy_set(student)),
                      ("/explain", (sentence(n + student, feeling=True), *EXPLAIN))])
    report = LoadReport(mode="mixed", sessions=light + heavy, rounds=rounds, wall_seconds=0.0)
    _students(url, plans, report, time_limit)
    return report


def _one_burst(clients: list, texts: list[str], deadline: float, report: LoadReport, lock: threading.Lock) -> float:
    """Every client presses Predict at the same instant; seconds from that instant to the last answer."""
    go = threading.Barrier(len(clients) + 1)
    finished: list[float] = []

    def press(client, text: str) -> None:
        go.wait()
        _calls(client, [("/predict", light_call("/predict", text))], deadline, report, lock)
        with lock:
            finished.append(time.perf_counter())

    threads = [threading.Thread(target=press, args=pair) for pair in zip(clients, texts)]
    for thread in threads:
        thread.start()
    go.wait()
    instant = time.perf_counter()
    for thread in threads:
        thread.join()
    return max(finished) - instant


def run_burst(url: str, clients: int = 30, bursts: int = 3, time_limit: float = 300.0) -> LoadReport:
    """``burst``: ``clients`` connected clients press Predict at the same instant, ``bursts`` times."""
    check_loopback(url)
    report = LoadReport(mode="burst", sessions=clients, rounds=bursts, wall_seconds=0.0)
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit
    with ThreadPoolExecutor(max_workers=clients) as pool:
        connected = [c for c in pool.map(lambda _: _connect(url, report, lock), range(clients)) if c is not None]
    began = time.perf_counter()
    for burst in range(bursts):
        time.sleep(1.0)  # the previous burst's answers are all in: each burst starts on an idle server
        texts = [sentence(1000 + burst * clients + i) for i in range(len(connected))]
        report.bursts.append(_one_burst(connected, texts, deadline, report, lock))
    report.wall_seconds = time.perf_counter() - began
    return report


def run(mode: str, url: str, args: argparse.Namespace) -> LoadReport:
    if mode == "mixed":
        return run_mixed(url, args.light, args.heavy, args.rounds, args.time_limit)
    if mode == "burst":
        return run_burst(url, args.clients, args.bursts, args.time_limit)
    return run_load(url, args.sessions, args.rounds, time_limit=args.time_limit)


def _child(mode: str, url: str, args: argparse.Namespace, out) -> None:
    out.put(asdict(run(mode, url, args)))


def in_child(mode: str, url: str, args: argparse.Namespace) -> LoadReport:
    """The students in a child process: their clients never share the server's interpreter."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    child = context.Process(target=_child, args=(mode, url, args, out))
    child.start()
    report = LoadReport(**out.get())
    child.join()
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=(*MODES, "all"), default="every",
                        help="every (default), mixed, burst, or all three in turn on one server")
    parser.add_argument("--url", help="a running app on loopback (default: serve one in this process)")
    parser.add_argument("--sessions", type=int, default=30, help="every: sessions (default 30)")
    parser.add_argument("--rounds", type=int, default=3, help="every, mixed: rounds (default 3)")
    parser.add_argument("--light", type=int, default=20, help="mixed: light students (default 20)")
    parser.add_argument("--heavy", type=int, default=10, help="mixed: heavy students (default 10)")
    parser.add_argument("--clients", type=int, default=30, help="burst: clients (default 30)")
    parser.add_argument("--bursts", type=int, default=3, help="burst: how many bursts (default 3)")
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--concurrency", type=int, default=2, help="the app's --concurrency (served app only)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if args.url and urlparse(args.url).hostname not in LOOPBACK:
        parser.error(f"the load test only targets this machine (loopback), not {urlparse(args.url).hostname}")
    demo = None
    url = args.url
    if not url:
        from components.cli.serve import warm_up
        from components.core.services import AppConfig, Services
        from components.polysemy.projection import start_warm_up
        from components.ui.serving import launch

        services = Services(AppConfig(concurrency=args.concurrency))
        warm_up(services)
        demo = launch(services, max_size=400)
        start_warm_up().join()  # python app.py prepares UMAP once the port is open; the class comes after
        url = demo.local_url
    records = {}
    for mode in MODES if args.mode == "all" else (args.mode,):
        report = in_child(mode, url, args) if demo is not None else run(mode, url, args)
        print(report.table(), flush=True)
        records[mode] = {**asdict(report), "summary": report.summary()}
    record = records[args.mode] if args.mode != "all" else {"modes": records}
    if demo is not None:
        from components.core.analysis import forwards_by_batch_size
        from components.core.models import load_counts

        record["weights_loaded"] = dict(load_counts)  # reads of each model's weights in the app's process
        record["forwards_by_batch_size"] = forwards_by_batch_size()
        print("weights loaded:", record["weights_loaded"], "forwards by batch size:", record["forwards_by_batch_size"])
    from benchmarks.common import result_path

    (args.json or result_path("load")).write_text(json.dumps(record, indent=2))
    if demo is not None:
        demo.close()
    return 1 if any(r["errors"] for r in records.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
