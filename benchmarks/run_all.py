"""The one benchmark table: per endpoint p50/p95 server time against the raw forward floor,
start-up time, peak memory and the bertviz payload against bertviz's own default.

    python benchmarks/run_all.py [--repeats 21]

Server time is measured in-process by calling the same endpoint functions Gradio calls, with
the analysis cache cleared before every call (so every call runs the model), figures
serialised to JSON as Gradio would. The floor is the bare encoder forward for the same
input; the gap is our overhead. Start-up and peak memory come from `python app.py` run as a
subprocess. Prints one table and writes benchmarks/results/summary.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from attention_bench import payload_sizes, sentence  # noqa: E402

PREDICT_TEXT = ("We finally finished the science project together, and the whole class cheered for us; "
                "thank you all, I am so very proud and happy today!!")  # 32 tokens with [CLS]/[SEP]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def timed(fn, repeats: int, before=None) -> list[float]:
    fn()  # warm-up: first-call costs (lazy imports, JIT) are start-up, measured separately
    out = []
    for _ in range(repeats):
        if before:
            before()
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def to_json(result) -> None:
    """Serialise plotly figures in an endpoint's result, as Gradio does before sending it."""
    for item in result if isinstance(result, tuple) else (result,):
        if hasattr(item, "to_json"):
            item.to_json()


def endpoint_rows(repeats: int) -> list[dict]:
    import torch

    from components.attention.tab import attention_endpoint
    from components.core.analysis import clear_analysis_cache
    from components.core.services import AppConfig, Services
    from components.polysemy.compute import builtin_sets
    from components.polysemy.tab import polysemy_endpoint
    from components.predict.tab import predict_endpoint
    from components.tokens.tab import tokens_endpoint

    services = Services(AppConfig(models=("minilm",), warm_up=False))
    model = services.model("minilm")
    classifier = services.classifier()

    def forward_ms(encoder, tokenizer, texts: list[str]) -> list[float]:
        encs = [tokenizer(t, return_tensors="pt") for t in texts]

        def run():
            with torch.inference_mode():
                for enc in encs:
                    encoder(**enc)
        return timed(run, repeats)

    text64 = sentence(model, 64)
    text32 = PREDICT_TEXT
    bank = builtin_sets()["bank"]
    cases = [
        ("/predict", f"{len(classifier.model.tokenizer(text32)['input_ids'])} tokens",
         lambda: to_json(predict_endpoint(services)(text32, "tuned", 0.5)),
         forward_ms(classifier.model.encoder, classifier.model.tokenizer, [text32])),
        ("/attention", "64 tokens",
         lambda: to_json(attention_endpoint(services)(text64, "", "minilm", 2, 0, "mean", False, False)),
         forward_ms(model.encoder, model.tokenizer, [text64])),
        ("/tokens", "64 tokens", lambda: to_json(tokens_endpoint(services)(text64, "", "minilm")),
         forward_ms(model.encoder, model.tokenizer, [text64])),
    ]
    rows = []
    for name, size, fn, floor in cases:
        server = timed(fn, repeats, before=clear_analysis_cache)
        rows.append(row(name, size, server, floor))
    # /polysemy: the first call for the set after "ready" (UMAP compiled, as `app.py` does at
    # start-up), then later calls moving the layer
    from components.polysemy.projection import start_warm_up

    start_warm_up().join()
    poly = polysemy_endpoint(services)
    sentences = [line.split("|")[1].strip() for line in bank.as_text().splitlines() if "|" in line]
    t0 = time.perf_counter()
    to_json(poly("bank", bank.as_text(), "bank", "", "base", 6, "minilm"))
    first = (time.perf_counter() - t0) * 1000
    layers = iter([3, 6, 0, 4, 2, 5, 1] * (repeats // 7 + 2))
    later = timed(lambda: to_json(poly("bank", bank.as_text(), "bank", "", "base", next(layers), "minilm")), repeats)
    poly_row = row("/polysemy", f"{len(sentences)} sentences", later,
                   forward_ms(model.encoder, model.tokenizer, sentences))
    poly_row["first_call_ms"] = round(first, 1)
    rows.append(poly_row)
    return rows


def row(name: str, size: str, server: list[float], floor: list[float]) -> dict:
    p50, p95 = percentiles(server)
    f50, _ = percentiles(floor)
    return {"endpoint": name, "input": size, "server_p50_ms": round(p50, 1), "server_p95_ms": round(p95, 1),
            "forward_p50_ms": round(f50, 1), "ratio_p50": round(p50 / f50, 1) if f50 else None}


def startup(port: int, timeout: float = 300.0) -> dict:
    """Seconds until `python app.py` answers HTTP and until it logs ready; then its peak memory."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    http_s = ready_s = None
    try:
        os.set_blocking(proc.stdout.fileno(), False)
        while time.perf_counter() - t0 < timeout and ready_s is None:
            if http_s is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as r:
                        if r.status == 200:
                            http_s = time.perf_counter() - t0
                except OSError:
                    pass
            for line in iter(proc.stdout.readline, ""):
                if "BERT Lens ready" in line:
                    ready_s = time.perf_counter() - t0
            time.sleep(0.1)
        exercise(port)
        status = Path(f"/proc/{proc.pid}/status").read_text()
        peak_mb = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"http_200_s": round(http_s or -1, 1), "ready_s": round(ready_s or -1, 1),
            "peak_rss_mb_after_all_endpoints": round(peak_mb)}


def exercise(port: int) -> None:
    """One call to every endpoint, so peak memory includes every view."""
    from gradio_client import Client
    from load_test import default_calls

    client = Client(f"http://127.0.0.1:{port}/", verbose=False)
    for endpoint, args in default_calls().items():
        client.predict(*args, api_name=endpoint)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--port", type=int, default=7899)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "summary.json")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)  # what `python app.py` gives each of its 2 concurrent requests on 2 cores
    start = startup(args.port)
    rows = endpoint_rows(args.repeats)
    from components.core.models import load_model

    sizes = payload_sizes(load_model("minilm"))
    machine = f"{platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}, 1 thread/request"
    print(f"BERT Lens benchmarks ({machine}; load average {os.getloadavg()[0]:.1f})")
    print(f"{'endpoint':<11} {'input':<14} {'p50 ms':>8} {'p95 ms':>8} {'forward ms':>11} {'p50/fwd':>8}")
    for r in rows:
        print(f"{r['endpoint']:<11} {r['input']:<14} {r['server_p50_ms']:>8} {r['server_p95_ms']:>8} "
              f"{r['forward_p50_ms']:>11} {r['ratio_p50']:>8}")
    print(f"/polysemy first call for the bank set after ready: {rows[-1]['first_call_ms']} ms")
    print(f"start-up: HTTP 200 after {start['http_200_s']} s, ready (models + UMAP warm) after {start['ready_s']} s; "
          f"peak memory {start['peak_rss_mb_after_all_endpoints']} MB")
    print(f"bertviz HTML, 128 tokens on minilm: ours {sizes['ours'] / 1e6:.2f} MB (both views) vs bertviz default "
          f"{(sizes['bertviz_head_view'] + sizes['bertviz_model_view']) / 1e6:.1f} MB "
          f"(head {sizes['bertviz_head_view'] / 1e6:.1f} + model {sizes['bertviz_model_view'] / 1e6:.1f})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": machine, "load_average_1min": round(os.getloadavg()[0], 2),
                                    "endpoints": rows, "startup": start, "bertviz_bytes_128_tokens": sizes},
                                   indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
