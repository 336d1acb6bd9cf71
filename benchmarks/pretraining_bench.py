"""Pre-training tab benchmark: /fill_mask and /next_sentence server time against the raw forward of the same model.

    python benchmarks/pretraining_bench.py [--repeats 9]

Server time = the tab's own handler (tokenize, forward with the checkpoint's heads, top-k with the
classroom filter, figures serialised to JSON) with the forward and analysis caches cleared before
every call; raw forward = ``BertForPreTraining(input_ids, token_type_ids)`` on the same ids, the
floor. Models: a tiny random BertForPreTraining (the tests' size) and a random one of BERT-base's
size (12 layers, 768 hidden, minilm's 30,522-piece vocabulary), which costs what bert-base-uncased
costs; a real checkpoint with heads is measured too when one is in the Hugging Face cache.
Prints one markdown table and writes benchmarks/results/pretraining.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from components.core.analysis import _analyses  # noqa: E402
from components.core.models import _cached_snapshot, load_model  # noqa: E402
from components.core.services import AppConfig, Services  # noqa: E402
from components.pretraining.compute import _forwards  # noqa: E402
from components.pretraining.tab import fill_endpoint, nsp_endpoint  # noqa: E402

FILL = "After a long day at school the students drank a cup of [MASK] and read their books in the quiet library."
A, B = "After a long day at school the students went home.", "They drank tea and read their books in the library."


def build(folder: Path, size: str) -> str:
    """A random BertForPreTraining with minilm's tokenizer: 'tiny' (2x32) or 'base' (12x768)."""
    from transformers import BertConfig, BertForPreTraining

    tokenizer = load_model("minilm").tokenizer
    dims = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64) if size == "tiny" \
        else dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072)
    torch.manual_seed(0)
    BertForPreTraining(BertConfig(vocab_size=len(tokenizer.get_vocab()), **dims)).eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)


def timed(fn, repeats: int) -> tuple[float, float]:
    fn()  # warm-up (loads the model)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def measure(name: str, label: str, repeats: int) -> list[dict]:
    services = Services(AppConfig(models=(name,), default_model=name, warm_up=False))
    fill, nsp = fill_endpoint(services), nsp_endpoint(services)
    model = load_model(name)
    rows = []
    for endpoint, text, pair, call in (
        ("/fill_mask", FILL, None, lambda: fill(FILL, [], "", False, 5, 12, True, name)),
        ("/next_sentence", A, B, lambda: nsp(A, B, name)),
    ):
        enc = model.tokenizer(text, pair, return_tensors="pt")

        def forward(enc=enc) -> None:
            with torch.inference_mode():
                model.full(**enc)

        def server(call=call) -> None:
            _forwards.clear()
            _analyses.clear()
            for output in call():
                if hasattr(output, "to_json"):
                    output.to_json()

        forward_ms, _ = timed(forward, repeats)
        p50, p95 = timed(server, repeats)
        rows.append({"endpoint": endpoint, "model": label, "tokens": int(enc["input_ids"].shape[1]),
                     "p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "forward_ms": round(forward_ms, 1),
                     "ratio": round(p50 / forward_ms, 1)})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    torch.set_num_threads(1)  # as each request runs under --concurrency 2 on 2 cores
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += measure(build(Path(tmp) / "tiny", "tiny"), "tiny random BertForPreTraining (2 x 32)", args.repeats)
        rows += measure(build(Path(tmp) / "base", "base"), "random BertForPreTraining, BERT-base size",
                        args.repeats)
    real = [n for n in ("bert-base-uncased", "bert-base-chinese") if _cached_snapshot(f"google-bert/{n}")]
    for name in real:
        rows += measure(name, name, args.repeats)
    print("| endpoint | model | tokens | p50 ms | p95 ms | raw forward ms | p50 / forward |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| `{r['endpoint']}` | {r['model']} | {r['tokens']} | {r['p50_ms']} | {r['p95_ms']} | "
              f"{r['forward_ms']} | {r['ratio']} |")
    if not real:
        print("\nNo real checkpoint with heads (bert-base-uncased, bert-base-chinese) is in the Hugging Face cache "
              "here; the BERT-base-size random model stands in for its cost.")
    from benchmarks.common import result_path

    out = result_path("pretraining")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"cpu_threads": 1, "repeats": args.repeats, "real_checkpoints": real, "rows": rows},
                              indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
