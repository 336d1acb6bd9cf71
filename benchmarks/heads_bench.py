"""Head roles benchmark: the corpus pass on minilm against a bare batched forward, and the cached call.

    python benchmarks/heads_bench.py [--quick]

1. Corpus pass: ``head_roles`` over the built-in English corpus (attentions out, statistics summed
   per sentence), disk and memory caches empty; sentences per second.
2. The same sentences through a batched forward alone (same batches, no attentions kept, no
   statistics): the floor the pass is measured against.
3. The second call: memory cache cleared, the result read from the disk cache (a new process or
   the second class), and the memory hit.
``--quick`` uses the first 64 sentences. Prints the numbers and writes benchmarks/results/heads.json.
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
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from components.core.models import load_model  # noqa: E402
from components.heads import compute  # noqa: E402


def _forward_only(model, sentences: list[str]) -> float:
    tok, limit = model.tokenizer, int(model.max_length)
    lengths = [min(len(ids), limit) for ids in tok(sentences)["input_ids"]]
    order = sorted(range(len(sentences)), key=lambda i: lengths[i])
    start = time.perf_counter()
    for chunk in compute._batches(order, lengths):
        enc = tok([sentences[i] for i in chunk], padding=True, truncation=True, max_length=limit, return_tensors="pt")
        with torch.inference_mode():
            model.run(enc["input_ids"], enc["attention_mask"], enc.get("token_type_ids"))
    return time.perf_counter() - start


def run(quick: bool = False) -> dict:
    model = load_model("minilm")
    sentences = compute.builtin_corpus("en")[:64 if quick else None]
    with tempfile.TemporaryDirectory() as cache:
        old = os.environ.get("XDG_CACHE_HOME")
        os.environ["XDG_CACHE_HOME"] = cache
        try:
            compute._results.clear()
            _forward_only(model, sentences[:8])  # warm-up (first-call allocations)
            start = time.perf_counter()
            roles = compute.head_roles(model, sentences)
            pass_s = time.perf_counter() - start
            forward_s = _forward_only(model, sentences)
            compute._results.clear()
            start = time.perf_counter()
            again = compute.head_roles(model, sentences)
            disk_ms = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            compute.head_roles(model, sentences)
            memory_ms = (time.perf_counter() - start) * 1000
        finally:
            compute._results.clear()
            if old is None:
                os.environ.pop("XDG_CACHE_HOME", None)
            else:
                os.environ["XDG_CACHE_HOME"] = old
    assert again.from_disk
    return {"model": "minilm", "quick": quick, "cpu_threads": torch.get_num_threads(), "sentences": len(sentences),
            "tokens": roles.tokens, "corpus_pass_s": round(pass_s, 3),
            "corpus_pass_sentences_per_s": round(len(sentences) / pass_s, 1),
            "batched_forward_s": round(forward_s, 3),
            "batched_forward_sentences_per_s": round(len(sentences) / forward_s, 1),
            "pass_over_forward": round(pass_s / forward_s, 2),
            "cached_from_disk_ms": round(disk_ms, 1), "cached_in_memory_ms": round(memory_ms, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="64 sentences instead of the whole corpus")
    result = run(quick=parser.parse_args().quick)
    from benchmarks.common import result_path

    result_path("heads").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
