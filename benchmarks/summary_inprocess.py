"""In-process figures of the summary benchmark (run_all.py): server time against the raw forward, and 512-token
answers (seconds and bytes sent).

Server time is the tab's own endpoint function, exactly as Gradio calls it (the session language defaults to
"en"), followed by the JSON Gradio sends: a plotly figure travels as ``{"type": "plotly", "plot": fig.to_json()}``
(a JSON string inside JSON, so every quote is escaped again), everything else as ``json.dumps``. Every cache of
computed results is emptied before each call (models and classifiers stay loaded), so every call runs the model.
The raw forward is the bare encoder (or the classifier, or BERT with its heads) on the same token ids.

Design decision: the Pre-training rows run on minilm's real encoder with random masked-LM/NSP heads saved as a
local checkpoint (minilm ships without heads, and the app answers it with a pointer to another model): the cost
is minilm's plus the heads', which is what the tab does with a model that can fill in blanks.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import torch

from benchmarks.attention_bench import sentence
from benchmarks.common import timed_in_turn
from benchmarks.explain_bench import sentence_of
from benchmarks.load_test import default_calls
from benchmarks.pretraining_bench import FILL
from benchmarks.pretraining_bench import measure as measure_pretraining

PREDICT_TEXT = ("We finally finished the science project together, and the whole class cheered for us; "
                "thank you all, I am so very proud and happy today!!")  # 32 tokens with [CLS]/[SEP]
EXPLAIN = ("", "ig", "probability", 32, False, "", "zero")  # label, method, output, IG steps, words, heads off, mode
LOADED = {"models", "classifiers", "static_vector_files"}  # caches of loaded weights/files: kept between calls
ATTENTION_VIEWS = ("mean", "head", "grid", "rollout")
THREADS = 1  # torch threads per request: what `python app.py` sets for its 2 concurrent requests on 2 cores


def main_calls(heads_model: str = "minilm") -> dict[str, tuple]:
    """Every tab's main endpoint with the classroom example a student sends first (the gradio_client arguments)."""
    calls = default_calls()
    return {"/predict": calls["/predict"], "/explain": (calls["/predict"][0], *EXPLAIN),
            "/attention": calls["/attention"], "/tokens": calls["/tokens"], "/polysemy": calls["/polysemy"],
            "/fill_mask": (FILL, [], "", False, 5, 12, True, heads_model)}


def other_calls() -> dict[str, tuple]:
    """Every other lesson's endpoint once, with its example (what the app's peak memory must also hold)."""
    from components.heads.compute import builtin_corpus

    sentence_a = default_calls()["/attention"][0]
    return {"/attention_bertviz": (sentence_a, "", "minilm", 5), "/heads": ("\n".join(builtin_corpus("en")), "minilm"),
            "/explain_scan": (PREDICT_TEXT, "", "probability", "zero"), "/finetune_changes": ("shipped", PREDICT_TEXT),
            "/next_sentence": ("The sun rose.", "The sky grew brighter.", "minilm"),
            "/masking_recipe": (FILL, 0, True, "minilm")}


def endpoint_functions(services) -> dict[str, Callable]:
    from components.attention.tab import attention_endpoint
    from components.explain.tab import explain_endpoint
    from components.polysemy.tab import polysemy_endpoint
    from components.predict.tab import predict_endpoint
    from components.pretraining.tab import fill_endpoint
    from components.tokens.tab import tokens_endpoint

    return {"/predict": predict_endpoint(services), "/explain": explain_endpoint(services),
            "/attention": attention_endpoint(services), "/tokens": tokens_endpoint(services),
            "/polysemy": polysemy_endpoint(services), "/fill_mask": fill_endpoint(services)}


def clear_computed() -> None:
    """Empty every cache of computed results (analyses, explanations, maps, figures...), keep loaded weights."""
    from components.core import cache

    for instance in list(cache._INSTANCES):
        if instance.name not in LOADED:
            instance.clear()


def sent_json(result) -> str:
    """The JSON Gradio sends for an endpoint's outputs (see the module docstring)."""
    import plotly.graph_objects as go

    def one(item):
        if isinstance(item, go.Figure):
            return {"type": "plotly", "plot": item.to_json()}
        return item

    items = result if isinstance(result, tuple) else (result,)
    return json.dumps([one(item) for item in items], default=str)


def threads_after_first_polysemy(services) -> int:
    """Torch's thread count after the first /polysemy call of a process pinned to ``THREADS``: UMAP's first
    parallel kernel starts numba's OpenMP pool, which torch shares. The benchmark re-pins before every timed call."""
    torch.set_num_threads(THREADS)
    clear_computed()
    endpoint_functions(services)["/polysemy"](*main_calls()["/polysemy"])
    seen = torch.get_num_threads()
    torch.set_num_threads(THREADS)
    return seen


def timed(fn: Callable, repeats: int, before: Callable | None = None, warm_up: bool = True) -> list[float]:
    """Milliseconds of ``repeats`` calls after one warm-up call (first-call costs are start-up, measured apart),
    each on ``THREADS`` torch threads."""
    torch.set_num_threads(THREADS)
    if warm_up:
        if before:
            before()
        fn()
    out = []
    for _ in range(repeats):
        if before:
            before()
        torch.set_num_threads(THREADS)
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def paired(server: Callable, floor: Callable, repeats: int, before: Callable) -> tuple[list[float], list[float]]:
    """Milliseconds of ``repeats`` server calls and as many floor calls, taken in turn (server, floor, server...),
    each on ``THREADS`` torch threads (``before`` also resets them: a call may have changed the pool)."""
    def reset() -> None:
        before()
        torch.set_num_threads(THREADS)

    return timed_in_turn(server, floor, repeats, before=reset)


def minilm_with_heads(folder: Path) -> str:
    """minilm's encoder with random BERT pre-training heads, saved as a checkpoint the app can load."""
    from transformers import BertForPreTraining

    from components.core.models import load_model

    base = load_model("minilm")
    torch.manual_seed(0)
    full = BertForPreTraining(base.config)
    full.bert.load_state_dict(base.encoder.state_dict(), strict=False)
    full.eval().save_pretrained(folder)
    base.tokenizer.save_pretrained(folder)
    return str(folder)


def _forward(model, texts: list[str], *, max_length: int | None = None, full: bool = False) -> Callable:
    encs = [model.tokenizer(t, return_tensors="pt", truncation=max_length is not None, max_length=max_length)
            for t in texts]

    def run() -> None:
        with torch.inference_mode():
            for enc in encs:
                if full:
                    model.full(**enc)
                else:
                    model.run(enc["input_ids"], enc["attention_mask"], enc.get("token_type_ids"))
    return run


def ratio_rows(services, heads_model: str, repeats: int) -> list[dict]:
    """Server p50 against raw-forward p50 for /tokens, /predict, /attention (targets) and the other tabs (info)."""
    from components.polysemy.sets import builtin_sets

    fns = endpoint_functions(services)
    model, classifier = services.model("minilm"), services.classifier()
    text64 = sentence(model, 64)
    text32 = sentence_of(classifier, 32)
    bank = builtin_sets()["bank"]
    poly_sentences = [text for _sense, text in bank.lines()]
    cases = (
        ("/tokens", "64 tokens", (text64, "", "minilm"), _forward(model, [text64])),
        ("/predict", "32 tokens", (PREDICT_TEXT, "tuned", 0.5),
         _forward(classifier.model, [PREDICT_TEXT], max_length=classifier.max_length)),
        ("/attention", "64 tokens, mean view", (text64, "", "minilm", 2, 0, "mean", False, False),
         _forward(model, [text64])),
        ("/explain", "32 tokens, IG 32 steps", (text32, *EXPLAIN),
         _forward(classifier.model, [text32], max_length=classifier.max_length)),
        ("/polysemy", f"bank set, {len(poly_sentences)} sentences, new set (UMAP fits included)",
         main_calls()["/polysemy"], _forward(model, poly_sentences)),
    )
    rows = []
    for endpoint, size, args, floor in cases:
        fn = fns[endpoint]
        server, floor_ms = paired(lambda fn=fn, args=args: sent_json(fn(*args)), floor, repeats, clear_computed)
        rows.append(ratio_row(endpoint, size, server, floor_ms))
    for r in measure_pretraining(heads_model, "minilm + random heads", repeats):
        rows.append({"endpoint": r["endpoint"], "input": f"{r['tokens']} tokens, minilm + random heads",
                     "server_p50_ms": r["p50_ms"], "forward_p50_ms": r["forward_ms"], "ratio_p50": r["ratio"]})
    return rows


def ratio_row(endpoint: str, size: str, server: list[float], floor: list[float]) -> dict:
    s50, f50 = statistics.median(server), statistics.median(floor)
    return {"endpoint": endpoint, "input": size, "server_p50_ms": round(s50, 1), "forward_p50_ms": round(f50, 1),
            "ratio_p50": round(s50 / f50, 2)}


def long_calls(services, heads_model: str) -> list[tuple[str, str, tuple]]:
    """(endpoint, what is sent, arguments) for a 512-token input to every view."""
    from components.polysemy.sets import builtin_sets

    model, classifier = services.model("minilm"), services.classifier()
    text512 = sentence(model, 512)
    bank = builtin_sets()["bank"]
    sense = bank.lines()[0][0]
    long_line = f"{sense} | the bank {sentence(model, 510)}"
    fill512 = f"[MASK] {sentence(model, 511)}"
    cut = f"512 tokens, the classifier reads its first {classifier.max_length}"
    calls = [("/tokens", "512 tokens", (text512, "", "minilm")),
             ("/predict", cut, (text512, "tuned", 0.5)),
             *[("/attention", f"512 tokens, {view} view", (text512, "", "minilm", 2, 0, view, False, False))
               for view in ATTENTION_VIEWS],
             ("/explain", f"{cut}; IG 32 steps", (text512, *EXPLAIN)),
             ("/polysemy", f"bank set + one sentence of {len(model.tokenizer(long_line.split(' | ')[1])['input_ids'])}"
                           " tokens", ("bank", bank.as_text() + "\n" + long_line, "bank", "", "base", 6, "minilm")),
             ("/fill_mask", "512 tokens, 1 blank, minilm + random heads",
              (fill512, [], "", False, 5, 12, True, heads_model)),
             ("/fill_mask", "512 tokens on an app serving minilm alone (no heads: masked input + a pointer)",
              (fill512, [], "", False, 5, 12, True, "minilm"))]
    return calls


def long_rows(services, heads_model: str, repeats: int) -> list[dict]:
    """p50 seconds and bytes sent for a 512-token input to every view; a refusal is recorded, not raised."""
    from components.core.services import AppConfig, Services

    fns = endpoint_functions(services)
    alone = endpoint_functions(Services(AppConfig(models=("minilm",), warm_up=False)))  # no model to fall back on
    rows = []
    for endpoint, what, args in long_calls(services, heads_model):
        fn = alone[endpoint] if args[-1] == "minilm" and endpoint == "/fill_mask" else fns[endpoint]
        try:
            clear_computed()
            size = len(sent_json(fn(*args)).encode())  # also the warm-up call
            ms = timed(lambda fn=fn, args=args: sent_json(fn(*args)), repeats, before=clear_computed, warm_up=False)
        except Exception as exc:  # noqa: BLE001 - a refused input is a result of this benchmark
            rows.append({"endpoint": endpoint, "input": what, "error": f"{type(exc).__name__}: {exc}"[:300]})
            continue
        rows.append({"endpoint": endpoint, "input": what, "p50_s": round(statistics.median(ms) / 1000, 2),
                     "max_s": round(max(ms) / 1000, 2), "bytes": size})
    return rows
