"""The live mini-run, measured: what one run costs, and what the rest of the class feels while it trains.

    python benchmarks/finetune_live_bench.py [--budget 2000] [--memory-runs 10] [--predict-calls 30]

Starts the app in-process on minilm with the shipped classifier (as `python app.py` does: torch on
cores / concurrency threads), then:
- a live ``head`` and a live ``lora`` run of ``--budget`` GoEmotions examples (the same worker process
  the Train button starts): wall time, examples per second, dev macro-F1 before/after, the worker's peak RSS;
- Predict's latency for another session (gradio_client, /predict) with no run, and during each run;
- Cancel: from the button's call to the worker gone;
- memory: ``--memory-runs`` sessions in a row each train (head, 500 examples), use their classifier in Predict and
  leave; the server's RSS after each must not grow;
- torch's thread setting across threads (why the run has its own process).
Prints one markdown table and writes benchmarks/results/finetune_live.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULT = "finetune_live"  # benchmarks.common.result_path(RESULT)
TEXT = "Thank you so much for helping me with my homework!"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def threads_probe() -> dict:
    """torch.set_num_threads called in one thread: what do other threads see?"""
    import torch

    start = torch.get_num_threads()
    seen: dict[str, int] = {}
    ready, go = threading.Event(), threading.Event()

    def trainer():
        torch.set_num_threads(1)
        ready.set()
        go.wait()
        seen["trainer after another thread set it back"] = torch.get_num_threads()

    worker = threading.Thread(target=trainer)
    worker.start()
    ready.wait()
    late = threading.Thread(target=lambda: seen.setdefault("thread started after the trainer set 1",
                                                           torch.get_num_threads()))
    late.start()
    late.join()
    torch.set_num_threads(start)
    go.set()
    worker.join()
    return {"server threads": start, **seen}


def serve():
    import torch

    from components.core.services import AppConfig, Services
    from components.ui.serving import launch

    config = AppConfig(warm_up=False, concurrency=2)
    torch.set_num_threads(max(1, (os.cpu_count() or 1) // config.concurrency))  # what `python app.py` does
    services = Services(config)
    services.analysis(None, "Warming up BERT Lens.")
    services.classifier()
    demo = launch(services)
    return demo


def predict_latencies(client, stop: threading.Event | None = None, n: int = 30) -> list[float]:
    out = []
    while (stop is None and len(out) < n) or (stop is not None and not stop.is_set()):
        start = time.perf_counter()
        client.predict(TEXT, "tuned", 0.5, api_name="/predict")
        out.append(time.perf_counter() - start)
        if stop is not None:
            time.sleep(0.2)  # a student reading the answer before asking again
    return out


def live_run(trainer, other, method: str, budget: int) -> dict:
    stop, latencies = threading.Event(), []
    thread = threading.Thread(target=lambda: latencies.extend(predict_latencies(other, stop)))
    started = time.perf_counter()
    thread.start()
    last = None
    for progress in trainer.run(f"bench-{method}", method, budget):
        last = progress
    stop.set()
    thread.join()
    s = last.summary
    return {"method": method, "examples": s["examples"], "steps": s["steps"], "wall_seconds": s["seconds"],
            "seen_by_the_tab_seconds": round(time.perf_counter() - started, 1),
            "examples_per_second": s["examples_per_second"], "dev_macro_f1_before": round(s["before"], 4),
            "dev_macro_f1_after": round(s["after"], 4), "worker_peak_rss_mb": s["worker_peak_rss_mb"],
            "trained_parameters": s["parameters"]["trained"], "predict_during_run_p50_ms": p50(latencies),
            "predict_during_run_calls": len(latencies)}


def cancel_latency(trainer) -> dict:
    latency, steps = {}, []
    for progress in trainer.run("bench-cancel", "lora", 4000):
        if progress.losses and not latency:
            start = time.perf_counter()
            state = trainer.cancel("bench-cancel")
            latency["cancel_to_worker_gone_ms"] = round(1000 * (time.perf_counter() - start), 1)
            steps.append(len(state.losses))
    return {**latency, "steps_done": steps[0] if steps else 0, "stopped": not trainer.running}


def memory_runs(url: str, trainer, n: int) -> list[dict]:
    from gradio_client import Client

    rows = []
    for i in range(n):
        client = Client(url, verbose=False)
        client.predict("head", 500, api_name="/train")
        own = client.predict(TEXT, "tuned", 0.5, api_name="/predict")
        assert "own classifier" in own[1], "the session's classifier was not used"
        client.close()  # the session ends: its run's classifier is deleted and forgotten
        deadline = time.monotonic() + 30
        while any(trainer.root.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = len(list(trainer.root.iterdir()))
        rows.append({"run": i + 1, "server_rss_mb": rss_mb(), "session_folders_left": left})
        print(f"  memory run {i + 1}: server RSS {rows[-1]['server_rss_mb']} MB", file=sys.stderr)
    return rows


def p50(values: list[float]) -> float:
    return round(1000 * statistics.median(values), 1) if values else float("nan")


def table(result: dict) -> str:
    lines = ["| live run | examples | wall time | examples/s | dev macro-F1 before → after | worker peak RSS | "
             "Predict p50, other user |", "|---|---|---|---|---|---|---|"]
    for r in result["runs"]:
        lines.append(f"| `{r['method']}` | {r['examples']:,} | {r['wall_seconds']:.0f} s | "
                     f"{r['examples_per_second']:.0f} | "
                     f"{r['dev_macro_f1_before']:.3f} → {r['dev_macro_f1_after']:.3f} | "
                     f"{r['worker_peak_rss_mb']:.0f} MB | {r['predict_during_run_p50_ms']:.0f} ms "
                     f"({r['predict_during_run_calls']} calls) |")
    lines.append(f"| no run | | | | | | {result['predict_no_run_p50_ms']:.0f} ms |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=int, default=2000)
    parser.add_argument("--memory-runs", type=int, default=10)
    parser.add_argument("--predict-calls", type=int, default=30)
    args = parser.parse_args(argv)

    from gradio_client import Client

    from components.ui.serving import endpoint

    threads = threads_probe()
    demo = serve()
    trainer = endpoint(demo, "train").trainer
    other = Client(demo.local_url, verbose=False)
    predict_latencies(other, n=5)  # warm
    quiet = predict_latencies(other, n=args.predict_calls)
    runs = [live_run(trainer, other, method, args.budget) for method in ("head", "lora")]
    for r in runs:
        print(f"  {r['method']}: {r['wall_seconds']} s, {r['dev_macro_f1_before']} -> {r['dev_macro_f1_after']}",
              file=sys.stderr)
    cancel = cancel_latency(trainer)
    for session in ("bench-head", "bench-lora", "bench-cancel"):
        trainer.end_session(session)
    memory = memory_runs(demo.local_url, trainer, args.memory_runs)
    rss = [m["server_rss_mb"] for m in memory]
    result = {
        "benchmark": "finetune_live",
        "command": " ".join(["python benchmarks/finetune_live_bench.py", *(sys.argv[1:] if argv is None else argv)]),
        "budget": args.budget, "runs": runs, "predict_no_run_p50_ms": p50(quiet),
        "predict_no_run_calls": len(quiet), "cancel": cancel, "memory_runs": memory,
        "server_rss_growth_runs_2_to_last_mb": round(rss[-1] - rss[1], 1) if len(rss) > 1 else None,
        "torch_threads_probe": threads,
        "machine": {"arch": platform.machine(), "cpu_count": os.cpu_count(),
                    "load_average": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version()},
    }
    demo.close()
    from benchmarks.common import result_path

    result_path(RESULT).write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(table(result))
    print(f"\nCancel: worker gone {cancel.get('cancel_to_worker_gone_ms')} ms after the call; server RSS over "
          f"{len(rss)} sessions that trained, predicted and left: {rss} MB; torch threads: {threads}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
