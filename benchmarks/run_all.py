"""The one benchmark table: every figure of issue 11 §2 ("never wait in front of the class"), each beside its target.

    nice -n 10 python benchmarks/run_all.py [--repeats 21] [--long-repeats 7]

1. Server time of /tokens, /predict and /attention against the raw forward for the same input, p50 ratio
   (target ≤ 1.5×); /explain, /polysemy, /fill_mask and /next_sentence for information
   (benchmarks/summary_inprocess.py: endpoint + Gradio's JSON, caches of results emptied before every call).
2. bertviz's offline views (head + model view, one document) for 128 tokens on minilm: bytes (≤ 1.5 MB), with
   bertviz's own default for comparison (benchmarks/attention_bench.py payload_sizes).
3. ``python app.py`` started twice in a subprocess sharing one fresh numba cache: seconds to HTTP 200, which is
   "ready" (the port opens with the light lessons warm; ≤ 8 s on both starts), then the first request to every
   tab's main endpoint (each ≤ 2 s; Polysemy's waits for UMAP, prepared in the background), and when UMAP was
   ready (benchmarks/summary_startup.py).
4. A 512-token input to every view on minilm: p50 seconds (≤ 3 s) and bytes sent (≤ 10 MB).
5. The app's peak memory (VmHWM) once every lesson has answered (≤ 1.2 GB).

Medians; torch runs 1 thread in this process, what each of the app's 2 concurrent requests gets on 2 cores.
Prints one markdown table and writes benchmarks/results/summary.json (with the machine and its load average).
About 6 minutes on a quiet 2-core machine with the defaults (3.5 minutes with --repeats 3 under a load of 6).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RATIO_TARGET, BYTES_128, READY_S, FIRST_S, LONG_S, LONG_BYTES, PEAK_MB = 1.5, 1.5e6, 8.0, 2.0, 3.0, 10e6, 1200
TARGETED = {"/tokens", "/predict", "/attention"}


def verdict(ok: bool | None) -> str:
    return "info" if ok is None else ("PASS" if ok else "MISS")


def ratio_lines(rows: list[dict]) -> list[tuple]:
    out = []
    for r in rows:
        target = r["endpoint"] in TARGETED
        out.append((f"`{r['endpoint']}` server ÷ raw forward", r["input"],
                    f"{r['server_p50_ms']} ÷ {r['forward_p50_ms']} ms = {r['ratio_p50']}×",
                    f"≤ {RATIO_TARGET}×" if target else "—", r["ratio_p50"] <= RATIO_TARGET if target else None))
    return out


def bertviz_lines(sizes: dict) -> list[tuple]:
    default = sizes["bertviz_head_view"] + sizes["bertviz_model_view"]
    return [("bertviz offline views (head + model)", "128 tokens, minilm",
             f"{sizes['ours'] / 1e6:.2f} MB (bertviz default {default / 1e6:.0f} MB)", f"≤ {BYTES_128 / 1e6} MB",
             sizes["ours"] <= BYTES_128)]


def startup_lines(starts: dict[str, dict]) -> list[tuple]:
    first, second = starts["first"], starts["second"]

    def seconds(value) -> str:
        return "failed" if value is None else f"{value} s"

    out = [("start-up: ready (port open, light lessons warm)",
            f"{name} start" + (", numba cache empty" if name == "first" else ""), seconds(s["ready_s"]),
            f"≤ {READY_S} s", s["ready_s"] is not None and s["ready_s"] <= READY_S) for name, s in starts.items()]
    out += [("start-up: UMAP ready in the background", f"{name} start", seconds(s.get("umap_ready_s")), "—", None)
            for name, s in starts.items()]
    for endpoint in second["first_requests_s"] or first["first_requests_s"]:
        values = [s["first_requests_s"].get(endpoint) for s in (first, second)]
        failed = [s["errors"][endpoint] for s in (first, second) if endpoint in s["errors"]]
        ok = not failed and all(v is not None and v <= FIRST_S for v in values)
        out.append((f"first `{endpoint}` right after ready", "first / second start",
                    " / ".join(seconds(v) for v in values) + (" (error)" if failed else ""), f"≤ {FIRST_S:g} s", ok))
    peaks = [s.get("peak_memory_mb") for s in (first, second)]
    out.append(("peak memory (VmHWM) after every lesson ran", "first / second start",
                " / ".join("failed" if p is None else f"{p} MB" for p in peaks), f"≤ {PEAK_MB} MB",
                all(p is not None and p <= PEAK_MB for p in peaks)))
    return out


def long_lines(rows: list[dict]) -> list[tuple]:
    out = []
    for r in rows:
        if "error" in r:
            out.append((f"`{r['endpoint']}` at 512 tokens", r["input"], f"refused: {r['error']}",
                        f"≤ {LONG_S:g} s, ≤ {LONG_BYTES / 1e6:g} MB", False))
            continue
        out.append((f"`{r['endpoint']}` at 512 tokens", r["input"], f"{r['p50_s']} s, {r['bytes'] / 1e6:.2f} MB",
                    f"≤ {LONG_S:g} s, ≤ {LONG_BYTES / 1e6:g} MB", r["p50_s"] <= LONG_S and r["bytes"] <= LONG_BYTES))
    return out


def table(lines: list[tuple]) -> str:
    rows = ["| measure | input | median | target | |", "|---|---|---|---|---|"]
    rows += [f"| {measure} | {what} | {value} | {target} | {verdict(ok)} |"
             for measure, what, value, target, ok in lines]
    return "\n".join(rows)


def machine() -> dict:
    from benchmarks.common import machine as common_machine

    return {**common_machine(), "torch_threads_in_process": 1,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=21, help="timed calls per in-process figure (default 21)")
    parser.add_argument("--long-repeats", type=int, default=7, help="timed calls per 512-token view (default 7)")
    parser.add_argument("--skip-startup", action="store_true", help="skip the two app starts (3 and 5)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    import torch

    from benchmarks import summary_inprocess as inproc
    from benchmarks.attention_bench import payload_sizes
    from benchmarks.summary_startup import two_starts
    from components.core.services import AppConfig, Services

    torch.set_num_threads(inproc.THREADS)
    began = time.perf_counter()
    result: dict = {"machine": machine(), "repeats": args.repeats, "long_repeats": args.long_repeats}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_startup:
            print("starting the app twice...", file=sys.stderr, flush=True)
            result["startup"] = two_starts(Path(tmp), inproc.main_calls(), inproc.other_calls())
        print("server time against the raw forward...", file=sys.stderr, flush=True)
        heads = inproc.minilm_with_heads(Path(tmp) / "minilm-heads")
        services = Services(AppConfig(models=("minilm", heads), warm_up=False))
        result["machine"]["torch_threads_after_first_polysemy"] = inproc.threads_after_first_polysemy(services)
        result["ratios"] = inproc.ratio_rows(services, heads, args.repeats)
        print("512-token inputs...", file=sys.stderr, flush=True)
        result["long_512"] = inproc.long_rows(services, heads, args.long_repeats)
    print("bertviz payloads...", file=sys.stderr, flush=True)
    result["bertviz_bytes_128_tokens"] = payload_sizes(services.model("minilm"))
    result["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["seconds"] = round(time.perf_counter() - began)
    lines = ratio_lines(result["ratios"]) + bertviz_lines(result["bertviz_bytes_128_tokens"])
    if "startup" in result:
        lines += startup_lines(result["startup"])
    lines += long_lines(result["long_512"])
    result["table"] = [dict(zip(("measure", "input", "median", "target", "verdict"), (*line[:4], verdict(line[4]))))
                       for line in lines]
    m = result["machine"]
    print(f"BERT Lens, issue 11 §2 ({m['cpu_cores']} cores, torch {m['torch']}, gradio {m['gradio']}, 1 torch "
          f"thread per request; load average {m['load_average_at_start'][0]} at start, "
          f"{m['load_average_at_end'][0]} at end; {args.repeats} repeats, {args.long_repeats} at 512 tokens; "
          f"{result['seconds']} s)\n")
    print(table(lines))
    from benchmarks.common import result_path

    args.out = args.out or result_path("summary")
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
