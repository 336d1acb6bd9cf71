"""Attention tab benchmark: server time for a 64-token sentence, bertviz payload for 128 tokens.

    python benchmarks/attention_bench.py [--repeats 15]

Server time = analysis (forward pass, cache cleared each run) + heatmap figure and its JSON (what
``/attention`` does), compared with the raw encoder forward alone, the two timed in turn on one torch
thread; the bertviz HTML is timed apart (``/attention_bertviz``: built only while its accordion is
open); payload = our sandboxed bertviz HTML against bertviz's own
``head_view``/``model_view(html_action='return')`` for the same input.
Prints a table and writes benchmarks/results/attention.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from benchmarks.common import in_turn  # noqa: E402
from components.attention.bertviz import bertviz_html, shape_payload  # noqa: E402
from components.attention.compute import attention_view  # noqa: E402
from components.attention.figures import attention_figure  # noqa: E402
from components.core.analysis import _analyses, analyze  # noqa: E402
from components.core.models import load_model  # noqa: E402

WORDS = ["students", "read", "the", "long", "story", "aloud", "together", "after", "lunch", "today"]


def sentence(model, n_tokens: int, vocabulary: list[str] = WORDS) -> str:
    """A plain English sentence of ``vocabulary`` words that tokenizes to ``n_tokens`` with [CLS]/[SEP]."""
    words: list[str] = []
    while len(model.tokenizer(" ".join(words))["input_ids"]) < n_tokens:
        words.append(vocabulary[len(words) % len(vocabulary)])
    return " ".join(words)


def median_ms(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def payload_sizes(model, n_tokens: int = 128) -> dict[str, int]:
    """Bytes of our sandboxed bertviz HTML (both views) and of bertviz's own default HTML, same input."""
    from bertviz import head_view, model_view

    analysis = analyze(model, sentence(model, n_tokens))
    ours = len(bertviz_html(shape_payload(analysis.attentions, analysis.tokens, analysis.segment_ids, 0)).encode())
    attn = [torch.from_numpy(a.copy())[None] for a in analysis.attentions]
    tokens = list(analysis.tokens)
    return {"ours": ours,
            "bertviz_head_view": len(head_view(attn, tokens, html_action="return").data.encode()),
            "bertviz_model_view": len(model_view(attn, tokens, html_action="return").data.encode())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    torch.set_num_threads(1)  # what each of the app's two workers runs on two cores
    model = load_model("minilm")
    text64 = sentence(model, 64)
    enc = model.tokenizer(text64, return_tensors="pt")
    assert enc["input_ids"].shape[1] == 64

    def forward() -> None:
        with torch.inference_mode():
            model.encoder(**enc, output_attentions=True)

    def server() -> None:
        _analyses.clear()
        analysis = analyze(model, text64)
        attention_figure(attention_view(analysis, "mean", 2), "bench").to_json()

    def bertviz() -> None:  # the accordion opened: analysis cached
        analysis = analyze(model, text64)
        bertviz_html(shape_payload(analysis.attentions, analysis.tokens, analysis.segment_ids, 2))

    def redraw() -> None:  # slider move: analysis cached
        analysis = analyze(model, text64)
        attention_figure(attention_view(analysis, "head", 3, 4), "bench").to_json()

    server_ms, forward_ms = in_turn(server, forward, args.repeats)
    redraw_ms = median_ms(redraw, args.repeats)
    bertviz_ms = median_ms(bertviz, args.repeats)

    sizes = payload_sizes(model)
    ours, theirs_head, theirs_model = sizes["ours"], sizes["bertviz_head_view"], sizes["bertviz_model_view"]

    results = {
        "model": "minilm", "cpu_threads": torch.get_num_threads(), "repeats": args.repeats,
        "forward_ms_64_tokens": round(forward_ms, 1),
        "server_ms_64_tokens": round(server_ms, 1),
        "redraw_ms_64_tokens": round(redraw_ms, 1),
        "bertviz_ms_64_tokens": round(bertviz_ms, 1),
        "payload_bytes_128_tokens": ours,
        "bertviz_default_bytes_128_tokens": {"head_view": theirs_head, "model_view": theirs_model,
                                             "both": theirs_head + theirs_model},
    }
    print(f"{'measure':48} {'value':>12}")
    for label, value in (
        ("raw encoder forward, 64 tokens (ms, median)", forward_ms),
        ("/attention server time, 64 tokens (ms, median)", server_ms),
        ("slider redraw from cache, 64 tokens (ms, median)", redraw_ms),
        ("bertviz views built on opening, 64 tokens (ms, median)", bertviz_ms),
        ("our bertviz HTML, 128 tokens (MB, both views)", ours / 1e6),
        ("bertviz head_view default, 128 tokens (MB)", theirs_head / 1e6),
        ("bertviz model_view default, 128 tokens (MB)", theirs_model / 1e6),
    ):
        print(f"{label:48} {value:12.2f}")
    from benchmarks.common import result_path

    out = result_path("attention")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
