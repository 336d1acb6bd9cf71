"""The one entry to every benchmark: ``python -m benchmarks [--quick] [NAME ...]``.

    python -m benchmarks --list            every benchmark, what it measures, how long it takes
    python -m benchmarks --list --json     the same as JSON: {name: {script, result, measures, ...}}
    python -m benchmarks attention load    two of them, full size
    python -m benchmarks --quick           all of them at their smallest (what CI runs)

Each benchmark is a script of its own (``benchmarks/<script>.py``, runnable by hand too); this
entry runs each in a fresh interpreter (so one's threads, caches and warm models do not flatter
the next), ``nice -n 10`` when asked, and rewrites what it wrote into the one results schema:

    {"benchmark": NAME, "schema": 1, "quick": bool, "arguments": [...], "machine": {...},
     "load_average": {"start": [1, 5, 15 min], "end": [...]}, "wall_seconds": s, "figures": {...}}

``figures`` is the script's own report. ``BERTLENS_BENCH_RESULTS`` (or ``--results DIR``) sends
the files elsewhere: the test of this entry writes to a temporary folder so that a quick run
never replaces the committed figures in ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.common import RESULTS, machine

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = 1


@dataclass(frozen=True)
class Benchmark:
    script: str           # benchmarks/<script>.py
    result: str           # results/<result>.json, written by the script
    measures: str         # one line for --list and the README
    full: tuple[str, ...]  # arguments of a full run
    quick: tuple[str, ...]  # arguments of the smallest run that still exercises every code path
    minutes: str          # how long a full run takes on 2 cores


BENCHMARKS: dict[str, Benchmark] = {
    "attention": Benchmark("attention_bench", "attention",
                           "/attention's server time vs the raw forward (64 tokens); bertviz payload (128 tokens)",
                           (), ("--repeats", "1"), "1"),
    "explain": Benchmark("explain_bench", "explain",
                         "deletion AOPC of IG, gradient x input, rollout, random; completeness; IG-32 vs its floor",
                         (), ("--n", "3", "--repeats", "1", "--steps", "4"), "15"),
    "pretraining": Benchmark("pretraining_bench", "pretraining",
                             "fill-mask, next sentence and the masking recipe: server time vs the raw forward",
                             (), ("--repeats", "1"), "1"),
    "polysemy": Benchmark("polysemy_bench", "polysemy",
                          "Polysemy's sense separation by layer (bank, 苹果 …) and its speed; app start",
                          (), ("--repeats", "1", "--skip-startup", "--sets", "1"), "3"),
    "load": Benchmark("load_test", "load",
                      "a class at once: every endpoint; a mixed class (20 light + 10 heavy students); a burst of 30 "
                      "Predicts: p50/p95 per endpoint and lane, errors, weights read",
                      ("--mode", "all"), ("--mode", "all", "--sessions", "2", "--rounds", "1", "--light", "2",
                                          "--heavy", "1", "--clients", "3", "--bursts", "1"), "6"),
    "finetune_layers": Benchmark("finetune_layers_bench", "finetune_layers",
                                 "which layer's frozen features: sklearn-lr per layer spec on GoEmotions",
                                 (), ("--max-examples", "200", "--specs", "last", "--no-evaluate-check"), "20"),
    "finetune_live": Benchmark("finetune_live_bench", "finetune_live",
                               "the live mini-run: seconds, memory, Predict's latency while it trains",
                               (), ("--budget", "64", "--memory-runs", "1", "--predict-calls", "2"), "8"),
    "heads": Benchmark("heads_bench", "heads", "head roles over the built-in corpus: sentences/s vs a batched "
                       "forward; the cached second call", (), ("--quick",), "3"),
    "layer": Benchmark("layer_bench", "layer", "inside a layer: one /layer request vs a raw forward (64 tokens); "
                       "512 tokens answered", (), ("--quick",), "1"),
    "evaluate": Benchmark("evaluate_bench", "evaluate", "per-label evaluation of uploaded rows: rows/s vs a raw "
                          "batched forward (5,000 rows)", (), ("--quick",), "5"),
    "browser_draw": Benchmark("browser_draw", "browser_draw", "a 512-token Attention heatmap in Chromium: Run, a layer "
                              "change and one head, from the click until the cells are painted", (), ("--quick",),
                              "3"),
    "summary": Benchmark("run_all", "summary",
                         "the one table: ratios vs the raw forward, bertviz bytes, start-up, 512 tokens, peak memory",
                         (), ("--repeats", "1", "--long-repeats", "1", "--skip-startup"), "6"),
}


def run_one(name: str, quick: bool, results: Path, nice: bool) -> dict:
    bench = BENCHMARKS[name]
    arguments = list(bench.quick if quick else bench.full)
    command = [sys.executable, str(ROOT / "benchmarks" / f"{bench.script}.py"), *arguments]
    if nice:
        command = ["nice", "-n", "10", *command]
    env = {**os.environ, "BERTLENS_BENCH_RESULTS": str(results), "HF_HUB_OFFLINE": "1",
           "GRADIO_ANALYTICS_ENABLED": "False"}
    out = results / f"{bench.result}.json"
    before = out.stat().st_mtime if out.exists() else None
    load_start, started = [round(x, 2) for x in os.getloadavg()], time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env)
    wall = round(time.perf_counter() - started, 1)
    if done.returncode != 0:
        raise SystemExit(f"benchmark {name} failed (exit {done.returncode}): {' '.join(command)}")
    if not out.exists() or out.stat().st_mtime == before:
        raise SystemExit(f"benchmark {name} wrote no {out}")
    figures = json.loads(out.read_text(encoding="utf-8"))
    record = {"benchmark": name, "schema": SCHEMA, "quick": quick, "arguments": arguments, "machine": machine(),
              "load_average": {"start": load_start, "end": [round(x, 2) for x in os.getloadavg()]},
              "wall_seconds": wall, "figures": figures}
    out.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="the smallest run of each (seconds, not minutes)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--json", action="store_true", help="with --list: as JSON (what tests read)")
    parser.add_argument("--nice", action="store_true", help="run each at nice 10")
    parser.add_argument("--results", type=Path, default=None,
                        help="folder for the results (default $BERTLENS_BENCH_RESULTS or benchmarks/results)")
    args = parser.parse_args(argv)
    if args.list and args.json:
        print(json.dumps({name: asdict(b) for name, b in BENCHMARKS.items()}, indent=1))
        return 0
    if args.list:
        for name, b in BENCHMARKS.items():
            print(f"{name:16s} ~{b.minutes:>3s} min  benchmarks/{b.script}.py  {b.measures}")
        return 0
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    results = args.results or Path(os.environ.get("BERTLENS_BENCH_RESULTS") or RESULTS)
    results.mkdir(parents=True, exist_ok=True)
    for name in args.names or list(BENCHMARKS):
        record = run_one(name, args.quick, results, args.nice)
        print(f"== {name}: {record['wall_seconds']} s -> {results / (BENCHMARKS[name].result + '.json')}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
